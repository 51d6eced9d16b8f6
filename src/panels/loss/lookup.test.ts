import { describe, expect, it } from 'vitest';
import { indexAtOrBefore, lastFiniteAtOrBefore, nearestIndex } from './lookup.ts';

const steps = [10, 20, 30, 40];

describe('lookups on ascending steps', () => {
  it('finds the last index at or before a step', () => {
    expect(indexAtOrBefore(steps, 4, 5)).toBe(-1);
    expect(indexAtOrBefore(steps, 4, 10)).toBe(0);
    expect(indexAtOrBefore(steps, 4, 29.9)).toBe(1);
    expect(indexAtOrBefore(steps, 4, 30)).toBe(2);
    expect(indexAtOrBefore(steps, 4, 1e9)).toBe(3);
    expect(indexAtOrBefore(steps, 2, 1e9)).toBe(1);
    expect(indexAtOrBefore([], 0, 3)).toBe(-1);
  });

  it('finds the nearest index, the earlier one on ties', () => {
    expect(nearestIndex(steps, 4, 0)).toBe(0);
    expect(nearestIndex(steps, 4, 24)).toBe(1);
    expect(nearestIndex(steps, 4, 25)).toBe(1);
    expect(nearestIndex(steps, 4, 26)).toBe(2);
    expect(nearestIndex(steps, 4, 99)).toBe(3);
    expect(nearestIndex([], 0, 1)).toBe(-1);
  });

  it('finds the last finite point at or before a step', () => {
    const values = [1, 2, NaN, Infinity];
    expect(lastFiniteAtOrBefore(steps, values, 4, 40)).toEqual({ step: 20, value: 2 });
    expect(lastFiniteAtOrBefore(steps, values, 4, 15)).toEqual({ step: 10, value: 1 });
    expect(lastFiniteAtOrBefore(steps, values, 4, 9)).toBeNull();
    expect(lastFiniteAtOrBefore(steps, [NaN, NaN, NaN, NaN], 4, 40)).toBeNull();
  });
});
