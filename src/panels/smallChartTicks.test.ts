import { scaleLinear } from 'd3';
import { describe, expect, it } from 'vitest';
import { wholeTicks } from './SmallChart.tsx';

describe('whole-number axis ticks', () => {
  it('never repeats a label: only whole numbers, every one on a short domain', () => {
    expect(wholeTicks(scaleLinear().domain([0, 1]))).toEqual([0, 1]);
    expect(wholeTicks(scaleLinear().domain([1, 2]))).toEqual([1, 2]);
    expect(wholeTicks(scaleLinear().domain([0, 0]))).toEqual([0]);
    expect(wholeTicks(scaleLinear().domain([0, 1000]))).toEqual([0, 200, 400, 600, 800, 1000]);
    for (const hi of [1, 2, 3, 7, 13, 50, 999]) {
      const ticks = wholeTicks(scaleLinear().domain([0, hi]));
      expect(ticks.every(Number.isInteger), `0…${hi}`).toBe(true);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
    }
  });
});
