import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment, type Formulation, type RunSpec } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const BASE: LabConfig = { ...DEFAULT_CONFIG, data: 'teacher', L: 3, N: 12, bs: 16, seeds: 1, init: 'both' };
const STEPS = 20;

/** Per-step losses of `runs` trained together, [step][run]. */
async function losses(
  config: LabConfig,
  formulation: Formulation,
  runs?: readonly RunSpec[],
): Promise<number[][]> {
  const experiment = await createExperiment(config, {
    teacher: TEACHER,
    evalExamples: 16,
    formulation,
    ...(runs ? { runs } : {}),
  });
  const trace: number[][] = [];
  for (let i = 0; i < STEPS; i++) trace.push([...(await experiment.step()).loss]);
  experiment.dispose();
  return trace;
}

describe('per-run learning rates', () => {
  it.each([
    ['stacked', 'sgd'],
    ['per-run', 'sgd'],
    ['stacked', 'adam'],
    ['per-run', 'momentum'],
  ] as const)(
    '%s, %s: runs stacked with η = [a, b] train as the runs at a and at b alone',
    async (formulation, opt) => {
      const [a, b] = opt === 'adam' ? [0.002, 0.02] : [0.01, 0.1];
      const config = { ...BASE, opt, seed: 3 };
      const together = await losses(config, formulation, [
        { init: 'gaussian', seed: 3, lr: a },
        { init: 'orthogonal', seed: 3, lr: b },
        { init: 'gaussian', seed: 3, lr: b },
      ]);
      const aloneA = await losses({ ...config, init: 'gaussian', lr: a }, formulation);
      const aloneB = await losses({ ...config, lr: b }, formulation);
      for (let step = 0; step < STEPS; step++) {
        const [gaussianA, orthogonalB, gaussianB] = together[step]!;
        expect(gaussianA).toBeCloseTo(aloneA[step]![0]!, 5);
        expect(gaussianB).toBeCloseTo(aloneB[step]![0]!, 5);
        expect(orthogonalB).toBeCloseTo(aloneB[step]![1]!, 5);
      }
      // Same weights at step 0, then different learning rates: the losses must part.
      const last = together[STEPS - 1]!;
      expect(together[0]![0]).toBeCloseTo(together[0]![2]!, 6);
      expect(Math.abs(last[0]! - last[2]!)).toBeGreaterThan(1e-3);
    },
  );

  it('reports the runs it was given, with their learning rates, and frees its tensors', async () => {
    const start = tf.memory().numTensors;
    const runs = [0.01, 0.03, 0.1].map((lr) => ({ init: 'orthogonal' as const, seed: 7, lr }));
    const experiment = await createExperiment(BASE, { teacher: TEACHER, evalExamples: 16, runs });
    expect(experiment.runs).toEqual(runs.map((run, runId) => ({ runId, ...run })));
    expect(experiment.info.runCount).toBe(3);
    await experiment.step();
    experiment.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gives every run config.lr by default and refuses a learning rate that is not positive', async () => {
    const experiment = await createExperiment(BASE, { teacher: TEACHER, evalExamples: 16 });
    expect(experiment.runs.map((run) => run.lr)).toEqual([BASE.lr, BASE.lr]);
    experiment.dispose();
    await expect(
      createExperiment(BASE, { teacher: TEACHER, runs: [{ init: 'gaussian', seed: 1, lr: 0 }] }),
    ).rejects.toThrow(/not a positive number/);
  });
});
