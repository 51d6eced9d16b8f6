import { describe, expect, it } from 'vitest';
import { summarizeLongTasks, withSteps } from './pageMetrics.ts';

describe('page benchmark metrics', () => {
  it('sums up the long tasks that started within a window, with their histogram', () => {
    const tasks = [
      { startMs: 100, durationMs: 121 },
      { startMs: 900, durationMs: 60 },
      { startMs: 2000, durationMs: 99.9 },
      { startMs: 2500, durationMs: 100 },
      { startMs: 3000, durationMs: 250 },
    ];
    expect(summarizeLongTasks(tasks, 0, 1000)).toEqual({
      count: 2,
      longestMs: 121,
      histogram: { '50-100 ms': 1, '100-200 ms': 1, 'over 200 ms': 0 },
    });
    expect(summarizeLongTasks(tasks, 1000, 3000)).toEqual({
      count: 2,
      longestMs: 100,
      histogram: { '50-100 ms': 1, '100-200 ms': 1, 'over 200 ms': 0 },
    });
    expect(summarizeLongTasks(tasks, 3000, 4000).histogram['over 200 ms']).toBe(1);
    expect(summarizeLongTasks([], 0, 1000)).toEqual({
      count: 0,
      longestMs: null,
      histogram: { '50-100 ms': 0, '100-200 ms': 0, 'over 200 ms': 0 },
    });
  });

  it('adds or replaces the number of steps in a link', () => {
    expect(withSteps('/', 100_000)).toBe('/?steps=100000');
    expect(withSteps('/?backend=wasm', 100_000)).toBe('/?backend=wasm&steps=100000');
    expect(withSteps('/?steps=50&backend=wasm', 7)).toBe('/?steps=7&backend=wasm');
  });
});
