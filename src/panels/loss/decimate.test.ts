import { describe, expect, it } from 'vitest';
import { decimate } from './decimate.ts';

const run = (steps: number[], channels: number[][], x0: number, x1: number, buckets: number) => {
  const d = decimate(steps, channels, steps.length, x0, x1, buckets);
  return {
    steps: Array.from(d.steps.subarray(0, d.length)),
    channels: d.channels.map((c) => Array.from(c.subarray(0, d.length))),
  };
};

describe('decimate', () => {
  it('averages steps and values within each bucket, keeping the first and last points exactly', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const values = steps.map((s) => 2 * s + (s % 2 === 0 ? 1 : -1));
    // Buckets [0, 5) and [5, 10): means of steps 2 and 7, of values 4 + 0.2 and 14 - 0.2.
    expect(run(steps, [values], 0, 10, 2)).toEqual({
      steps: [0, 2, 7, 9],
      channels: [[1, 4.2, 13.8, 17]],
    });
  });

  it('averages every channel independently', () => {
    const result = run(
      [0, 1, 2, 3],
      [
        [1, 3, 5, 7],
        [10, 20, 30, 40],
        [0, 0, 4, 4],
      ],
      0,
      4,
      1,
    );
    expect(result.steps).toEqual([0, 1.5, 3]);
    expect(result.channels).toEqual([
      [1, 4, 7],
      [10, 25, 40],
      [0, 2, 4],
    ]);
  });

  it('passes data sparser than the buckets through unchanged', () => {
    const steps = [0, 10, 20, 30];
    const values = [3, 1, 4, 1];
    expect(run(steps, [values], 0, 40, 80)).toEqual({ steps, channels: [values] });
  });

  it('smooths noise: an alternating series becomes its mean', () => {
    // Steps 0…999 in 50 buckets of 20: ten 2s and ten 0s in each.
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    const values = steps.map((s) => (s % 2 === 0 ? 2 : 0));
    const result = run(steps, [values], 0, 1000, 50);
    const inner = result.channels[0]!.slice(1, -1);
    expect(inner.length).toBe(50);
    for (const v of inner) expect(v).toBeCloseTo(1, 12);
  });

  it('keeps at most buckets + 2 vertices, in step order, from first to last step', () => {
    const n = 20000;
    const steps = Array.from({ length: n }, (_, i) => i + 1);
    const values = steps.map((s) => Math.sin(s) + 1 / s);
    const result = run(steps, [values], 0, n, 600);
    expect(result.steps.length).toBeLessThanOrEqual(602);
    expect(result.steps[0]).toBe(1);
    expect(result.channels[0]![0]).toBe(values[0]);
    expect(result.steps.at(-1)).toBe(n);
    expect(result.channels[0]!.at(-1)).toBe(values[n - 1]);
    for (let i = 1; i < result.steps.length; i++) {
      expect(result.steps[i]!).toBeGreaterThanOrEqual(result.steps[i - 1]!);
    }
  });

  it('keeps finished buckets identical as the curve grows (buckets are fixed by the domain)', () => {
    const steps = Array.from({ length: 100 }, (_, i) => i);
    const values = steps.map((s) => Math.cos(s));
    const part = run(steps.slice(0, 63), [values.slice(0, 63)], 0, 100, 10);
    const full = run(steps, [values], 0, 100, 10);
    // First point, then buckets [0,10) … [50,60) are complete in both.
    expect(part.steps.slice(0, 7)).toEqual(full.steps.slice(0, 7));
    expect(part.channels[0]!.slice(0, 7)).toEqual(full.channels[0]!.slice(0, 7));
  });

  it('puts points outside the domain into the end buckets', () => {
    expect(run([-4, 0, 12, 14], [[1, 2, 3, 4]], 0, 10, 2)).toEqual({
      steps: [-4, -2, 13, 14],
      channels: [[1, 1.5, 3.5, 4]],
    });
  });

  it('handles empty input, a single point and a degenerate domain', () => {
    expect(run([], [[]], 0, 10, 5)).toEqual({ steps: [], channels: [[]] });
    expect(run([3], [[7]], 0, 10, 5)).toEqual({ steps: [3], channels: [[7]] });
    expect(run([2, 2, 2], [[1, 2, 3]], 2, 2, 5)).toEqual({ steps: [2, 2, 2], channels: [[1, 2, 3]] });
  });

  it('reads each input point once, plus the first and last', () => {
    let reads = 0;
    const counted = (data: number[]): ArrayLike<number> =>
      new Proxy(data, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const n = 10000;
    const steps = Array.from({ length: n }, (_, i) => i);
    decimate(counted(steps), [counted(steps), counted(steps)], n, 0, n, 100);
    // Each point: its step and two channel values; first and last again: 3 more each.
    expect(reads).toBe(3 * n + 6);
  });
});
