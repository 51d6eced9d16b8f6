import { describe, expect, it } from 'vitest';
import { focusLayoutClass, nextFocus } from './focus.ts';

describe('nextFocus', () => {
  it('a digit enlarges its panel alone, replacing what was enlarged', () => {
    expect(nextFocus([], 'phase', false)).toEqual(['phase']);
    expect(nextFocus(['phase'], 'spectrum', false)).toEqual(['spectrum']);
    expect(nextFocus(['phase', 'training'], 'spectrum', false)).toEqual(['spectrum']);
  });

  it('the same digit again restores every panel', () => {
    expect(nextFocus(['phase'], 'phase', false)).toEqual([]);
  });

  it('the digit of one of two enlarged panels keeps that one alone', () => {
    expect(nextFocus(['phase', 'training'], 'training', false)).toEqual(['training']);
    expect(nextFocus(['phase', 'training'], 'phase', false)).toEqual(['phase']);
  });

  it('Shift+digit adds the panel as the second, in the order chosen', () => {
    expect(nextFocus(['phase'], 'training', true)).toEqual(['phase', 'training']);
    expect(nextFocus([], 'training', true)).toEqual(['training']);
  });

  it('Shift+digit replaces the second of two, keeping the first', () => {
    expect(nextFocus(['phase', 'training'], 'ntk', true)).toEqual(['phase', 'ntk']);
  });

  it('Shift+digit on an enlarged panel returns it alone', () => {
    expect(nextFocus(['phase', 'training'], 'phase', true)).toEqual(['training']);
    expect(nextFocus(['phase'], 'phase', true)).toEqual([]);
  });
});

describe('focusLayoutClass', () => {
  it('names the grid layout by the count of enlarged panels', () => {
    expect(focusLayoutClass([])).toBe('');
    expect(focusLayoutClass(['phase'])).toBe('layout-focus-1');
    expect(focusLayoutClass(['phase', 'ntk'])).toBe('layout-focus-2');
  });
});
