import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Boundary } from './PanelBoundary.tsx';

const child = createElement('p', null, 'the chart');
const [first, second] = [{ L: 50 }, { L: 50 }];
const props = { name: 'Jacobian spectrum', config: first, children: child };

describe('a panel in its error boundary', () => {
  it('draws its panel until it fails, then says which panel failed and why', () => {
    const boundary = new Boundary(props);
    expect(renderToStaticMarkup(boundary.render() as ReactElement)).toBe('<p>the chart</p>');
    boundary.state = {
      ...boundary.state,
      ...Boundary.getDerivedStateFromError(new RangeError('depth must be a positive integer, got 0')),
    };
    const shown = renderToStaticMarkup(boundary.render() as ReactElement);
    expect(shown).toContain('Jacobian spectrum');
    expect(shown).toContain(
      'could not be drawn for this configuration: depth must be a positive integer, got 0',
    );
    expect(shown).toContain('role="alert"');
  });

  it('tries again once the configuration changes, not before', () => {
    const failed = { error: new Error('x'), config: first };
    expect(Boundary.getDerivedStateFromProps(props, failed)).toBeNull();
    // The store makes a new configuration object for every change.
    expect(Boundary.getDerivedStateFromProps({ ...props, config: second }, failed)).toEqual({
      error: null,
      config: second,
    });
    // Whatever is thrown is shown as an error.
    expect(Boundary.getDerivedStateFromError('plain text').error?.message).toBe('plain text');
  });
});
