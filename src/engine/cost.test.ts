import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { BudgetRefusal, DEFAULT_BUDGET, memoryOnly, refuse } from './budget.ts';
import { estimateCost, widestFeasibleWidth } from './cost.ts';
import { UnitDrawCache } from './drawCache.ts';
import { createExperiment } from './experiment.ts';

const SMALL: LabConfig = { ...DEFAULT_CONFIG, L: 3, N: 16, data: 'teacher', seeds: 2, bs: 8, opt: 'adam' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('cost estimate', () => {
  it('counts parameters and FLOPs by hand for a small network', () => {
    // teacher: 32 inputs → 3 × 16 → 1 output; 4 runs (2 inits × 2 seeds).
    const weights = 32 * 16 + 16 * 16 + 16 * 16 + 16 * 1;
    const cost = estimateCost(SMALL);
    expect(cost.runCount).toBe(4);
    expect(cost.parameterCount).toBe(weights + 16 * 3 + 1);
    expect(cost.flopsPerStep).toBe(6 * 8 * weights * 4);
  });

  it('agrees with the experiment that is actually built, and its tensors', async () => {
    const experiment = await createExperiment(SMALL, { evalExamples: 16 });
    try {
      const cost = estimateCost(SMALL);
      expect(experiment.info.parameterCount).toBe(cost.parameterCount);
      expect(experiment.info.memoryBytes).toBe(cost.memoryBytes);
      // Parameters alone, as allocated on the backend, stay below the estimate (which adds state).
      expect(tf.memory().numBytes).toBeGreaterThanOrEqual(4 * cost.runCount * cost.parameterCount);
    } finally {
      experiment.dispose();
    }
  });

  it('finds the widest width that fits a budget, and refuses larger runs before drawing', async () => {
    const big: LabConfig = { ...DEFAULT_CONFIG, L: 200, N: 2048, data: 'teacher', seeds: 4 };
    const budget = 256 * 2 ** 20;
    const width = widestFeasibleWidth(big, budget);
    expect(estimateCost({ ...big, N: width }).memoryBytes).toBeLessThanOrEqual(budget);
    expect(estimateCost({ ...big, N: width + 1 }).memoryBytes).toBeGreaterThan(budget);
    // The engine's limit is the budget's memory model (tensors, host draws, measurement buffers):
    // fewer seeds first, then the width.
    const refusal = refuse(big, { backend: 'cpu' }, memoryOnly(budget))!;
    expect(refusal.suggestion).toEqual({ seeds: 1, N: expect.any(Number) });
    // Refused from the prediction: a cache that records every draw asked for stays untouched.
    const draws: string[] = [];
    const spy = new Proxy(new UnitDrawCache(), {
      get: (target, name, receiver) => {
        draws.push(String(name));
        return Reflect.get(target, name, receiver);
      },
    });
    await expect(createExperiment(big, { budget: memoryOnly(budget), drawCache: spy })).rejects.toThrow(
      new RegExp(`Nearest within the budget: seeds=1&N=${refusal.suggestion.N} `),
    );
    await expect(
      createExperiment(big, { budget: { ...DEFAULT_BUDGET, memoryBytes: budget }, drawCache: spy }),
    ).rejects.toBeInstanceOf(BudgetRefusal);
    expect(draws).toEqual([]);
  });
});
