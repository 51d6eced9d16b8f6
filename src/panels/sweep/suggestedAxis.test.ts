import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAMS } from '../../config/index.ts';
import { parseAxis } from '../../sweep/axis.ts';
import { suggestedAxisValues, sweepableKeys } from './suggestedAxis.ts';

describe('the sweep form’s suggestions', () => {
  it('offers every parameter a sweep accepts and none it refuses', () => {
    const keys = sweepableKeys(DEFAULT_CONFIG);
    expect(keys).toEqual(expect.arrayContaining(['lr', 'L', 'N', 'sw2', 'sb2', 'act', 'opt', 'bs', 'thr']));
    for (const refused of ['init', 'seeds', 'seed', 'backend', 'pd'] as const)
      expect(keys).not.toContain(refused);
  });

  it('suggests, for every sweepable parameter, a grid that parses and holds the current value’s neighbourhood', () => {
    for (const key of sweepableKeys(DEFAULT_CONFIG)) {
      const text = suggestedAxisValues(key, DEFAULT_CONFIG);
      const axis = parseAxis(`${PARAMS[key].urlKey}=${text}`);
      expect(axis.key).toBe(key);
      expect(axis.values.length, key).toBeGreaterThanOrEqual(1);
    }
    // η = 0.05: a tenth to ten times, five values in equal ratios.
    const lr = parseAxis(`lr=${suggestedAxisValues('lr', DEFAULT_CONFIG)}`);
    expect(lr.values).toHaveLength(5);
    expect(lr.values[0]).toBeCloseTo(0.005, 12);
    expect(lr.values[4]).toBeCloseTo(0.5, 12);
    expect(lr.log).toBe(true);
    // Depth 50: whole numbers around it; the activation: every choice.
    expect(parseAxis(`L=${suggestedAxisValues('L', DEFAULT_CONFIG)}`).values).toEqual([13, 25, 50, 100]);
    expect(parseAxis(`act=${suggestedAxisValues('act', DEFAULT_CONFIG)}`).values).toEqual(
      PARAMS.act.choices.map((c) => c.value),
    );
  });

  it('keeps the grid inside the range at its ends', () => {
    const atMax = { ...DEFAULT_CONFIG, lr: 10, L: 1000, N: 2 };
    for (const key of ['lr', 'L', 'N'] as const) {
      const axis = parseAxis(`${PARAMS[key].urlKey}=${suggestedAxisValues(key, atMax)}`);
      for (const value of axis.values) {
        expect(value as number).toBeLessThanOrEqual(PARAMS[key].max);
        expect(value as number).toBeGreaterThanOrEqual(PARAMS[key].min);
      }
    }
  });
});
