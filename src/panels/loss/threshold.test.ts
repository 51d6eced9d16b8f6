import { describe, expect, it } from 'vitest';
import { firstReach } from './threshold.ts';

const reach = (steps: number[], values: number[], threshold: number, direction: 'down' | 'up') =>
  firstReach(steps, values, steps.length, threshold, direction);

describe('firstReach (τ)', () => {
  it('finds the first step with loss ≤ threshold, the bound included', () => {
    expect(reach([10, 20, 30, 40], [3, 2, 0.5, 0.4], 0.5, 'down')).toBe(30);
    expect(reach([10, 20, 30, 40], [3, 2, 0.51, 0.4], 0.5, 'down')).toBe(40);
  });

  it('finds the first step with accuracy ≥ threshold, the bound included', () => {
    expect(reach([0, 50, 100], [0.1, 0.6, 0.9], 0.6, 'up')).toBe(50);
    expect(reach([0, 50, 100], [0.1, 0.59, 0.9], 0.6, 'up')).toBe(100);
  });

  it('takes the first crossing even when the curve goes back above', () => {
    expect(reach([1, 2, 3, 4], [1, 0.4, 0.9, 0.3], 0.5, 'down')).toBe(2);
  });

  it('is null when the threshold is not reached', () => {
    expect(reach([1, 2, 3], [3, 2, 1], 0.5, 'down')).toBeNull();
    expect(reach([1, 2, 3], [0.2, 0.3, 0.4], 0.5, 'up')).toBeNull();
    expect(reach([], [], 0.5, 'down')).toBeNull();
  });

  it('never counts NaN or ±Inf as reaching it', () => {
    expect(reach([1, 2, 3], [NaN, -Infinity, 0.1], 0.5, 'down')).toBe(3);
    expect(reach([1, 2, 3], [NaN, Infinity, 0.7], 0.5, 'up')).toBe(3);
  });

  it('reads only up to the given length', () => {
    const values = new Float64Array(8);
    values.set([2, 1.5]);
    expect(firstReach(Float64Array.from([1, 2, 0, 0, 0, 0, 0, 0]), values, 2, 0.5, 'down')).toBeNull();
  });
});
