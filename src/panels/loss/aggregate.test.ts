import { describe, expect, it } from 'vitest';
import { aggregateSeeds, type SeedTrace } from './aggregate.ts';

const seed = (steps: number[], values: number[], cutoff = Infinity): SeedTrace => ({
  steps: Float64Array.from(steps),
  values: Float64Array.from(values),
  length: steps.length,
  cutoff,
});

const arrays = (a: ReturnType<typeof aggregateSeeds>) => ({
  steps: Array.from(a.steps.subarray(0, a.length)),
  mean: Array.from(a.mean.subarray(0, a.length)),
  lo: Array.from(a.lo.subarray(0, a.length)),
  hi: Array.from(a.hi.subarray(0, a.length)),
  count: Array.from(a.count.subarray(0, a.length)),
});

describe('aggregateSeeds', () => {
  it('takes the mean and min–max band across seeds step by step', () => {
    const result = aggregateSeeds([seed([1, 2, 3], [2, 4, 6]), seed([1, 2, 3], [4, 8, 3])]);
    expect(arrays(result)).toEqual({
      steps: [1, 2, 3],
      mean: [3, 6, 4.5],
      lo: [2, 4, 3],
      hi: [4, 8, 6],
      count: [2, 2, 2],
    });
  });

  it('is the series itself for a single seed', () => {
    const result = arrays(aggregateSeeds([seed([0, 5], [1.5, 0.25])]));
    expect(result.mean).toEqual([1.5, 0.25]);
    expect(result.lo).toEqual(result.mean);
    expect(result.hi).toEqual(result.mean);
  });

  it('leaves NaN and ±Inf out of the mean and drops steps with no finite value', () => {
    const result = aggregateSeeds([
      seed([1, 2, 3, 4], [1, NaN, 3, NaN]),
      seed([1, 2, 3, 4], [3, 5, Infinity, -Infinity]),
    ]);
    expect(arrays(result)).toEqual({
      steps: [1, 2, 3],
      mean: [2, 5, 3],
      lo: [1, 5, 3],
      hi: [3, 5, 3],
      count: [2, 1, 1],
    });
  });

  it('excludes a diverged run from its divergence step on, even where its values are finite', () => {
    const result = aggregateSeeds([
      seed([1, 2, 3, 4], [1, 1, 100, 100], 3),
      seed([1, 2, 3, 4], [3, 3, 3, 3]),
    ]);
    expect(arrays(result)).toEqual({
      steps: [1, 2, 3, 4],
      mean: [2, 2, 3, 3],
      lo: [1, 1, 3, 3],
      hi: [3, 3, 3, 3],
      count: [2, 2, 1, 1],
    });
  });

  it('merges seeds measured at different steps', () => {
    const result = arrays(aggregateSeeds([seed([0, 10, 20], [4, 2, 1]), seed([0, 5, 10], [6, 5, 4])]));
    expect(result.steps).toEqual([0, 5, 10, 20]);
    expect(result.mean).toEqual([5, 5, 3, 1]);
    expect(result.count).toEqual([2, 1, 2, 1]);
  });

  it('reads only up to each series length (growable buffers hold zeros beyond it)', () => {
    const steps = new Float64Array(8);
    const values = new Float64Array(8);
    steps.set([1, 2, 3]);
    values.set([5, 4, 3]);
    const result = aggregateSeeds([{ steps, values, length: 3, cutoff: Infinity }]);
    expect(arrays(result).steps).toEqual([1, 2, 3]);
  });

  it('grows its output past the longest input when steps interleave', () => {
    const evens = Array.from({ length: 50 }, (_, i) => 2 * i);
    const odds = evens.map((s) => s + 1);
    const result = aggregateSeeds([seed(evens, evens), seed(odds, odds)]);
    expect(result.length).toBe(100);
    expect(Array.from(result.mean.subarray(0, 100))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is empty for no seeds or empty seeds', () => {
    expect(aggregateSeeds([]).length).toBe(0);
    expect(aggregateSeeds([seed([], []), seed([], [])]).length).toBe(0);
  });

  it('reads each point a bounded number of times (linear in points × seeds)', () => {
    let reads = 0;
    const counted = (data: number[]): ArrayLike<number> =>
      new Proxy(data, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const n = 5000;
    const k = 3;
    const steps = Array.from({ length: n }, (_, i) => i + 1);
    const seeds = Array.from({ length: k }, (_, r) => ({
      steps: counted(steps),
      values: counted(steps.map((s) => s * (r + 1))),
      length: n,
      cutoff: Infinity,
    }));
    const result = aggregateSeeds(seeds);
    expect(result.length).toBe(n);
    expect(result.mean[n - 1]).toBe(2 * n);
    expect(reads).toBeLessThanOrEqual(3 * k * n + 10);
  });
});
