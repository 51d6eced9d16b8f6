import { describe, expect, it } from 'vitest';
import { EXPERIMENTS_QUERY, SWEEP_VIEW_QUERY, viewOf } from './views.ts';

describe('viewOf', () => {
  it('reads the view a link asks for', () => {
    expect(viewOf('')).toBe('lab');
    expect(viewOf('?v=1&L=50&N=128')).toBe('lab');
    expect(viewOf(EXPERIMENTS_QUERY)).toBe('experiments');
    expect(viewOf(SWEEP_VIEW_QUERY)).toBe('sweep');
    // Any sweep key makes a sweep link, even one without axes (the lazy regime has none).
    expect(viewOf('?L=3&over=lr=0.01,0.1')).toBe('sweep');
    expect(viewOf('?L=3&measure=ntk&exp=lazy-regime')).toBe('sweep');
    expect(viewOf('?view=something')).toBe('lab');
  });
});
