import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment, type Experiment, type Formulation } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  L: 4,
  N: 12,
  bs: 16,
  seeds: 1,
  init: 'both',
  opt: 'adam',
  lr: 0.02,
  sw2: 1.5,
  oscale: 'free',
  ...overrides,
});

/** Per run and hidden layer, the units' incoming-weight norms (as they act, gain included). */
async function unitNorms(experiment: Experiment): Promise<number[][][]> {
  const frozen = experiment.freeze();
  try {
    const model = frozen.model();
    const hidden = model.layers.slice(0, -1);
    return await Promise.all(
      hidden.map(async (layer) => {
        const w = await layer.weights.array();
        return w.map((run) =>
          run[0]!.map((_, j) => layer.scaling.weightGain * Math.hypot(...run.map((row) => row[j]!))),
        );
      }),
    );
  } finally {
    frozen.dispose();
  }
}

/** Per run and hidden layer: the singular values' summaries before and after training. */
async function shapes(formulation: Formulation, orth: 'stiefel' | 'oblique', steps: number) {
  const experiment = await createExperiment(config({ orth }), {
    teacher: TEACHER,
    evalExamples: 32,
    formulation,
  });
  const before = await experiment.weightSpectra();
  for (let i = 0; i < steps; i++) await experiment.step();
  const after = await experiment.weightSpectra();
  experiment.dispose();
  return { before, after };
}

describe('oscale=free: the constrained weights keep their shape and train their scale', () => {
  for (const formulation of ['stacked', 'per-run'] as const) {
    it(`${formulation}, stiefel: every hidden W is s·Q (all singular values equal), s moved away from σ_w`, async () => {
      const { before, after } = await shapes(formulation, 'stiefel', 30);
      let moved = 0;
      for (const [r, run] of after.entries())
        for (const [l, layer] of run.layers.entries()) {
          // s·Q: the singular values are all s, to float32 rounding.
          expect((layer.max - layer.min) / layer.mean).toBeLessThan(1e-4);
          const start = before[r]!.layers[l]!;
          expect((start.max - start.min) / start.mean).toBeLessThan(1e-4);
          moved = Math.max(moved, Math.abs(layer.mean / start.mean - 1));
        }
      // With a fixed gain s would stay at √1.5 (orthogonalTraining.test.ts); here the steps move it.
      expect(moved).toBeGreaterThan(1e-3);
    });

    it(`${formulation}, oblique: every unit of a layer has the same norm, and that norm moved`, async () => {
      const experiment = await createExperiment(config({ orth: 'oblique' }), {
        teacher: TEACHER,
        evalExamples: 32,
        formulation,
      });
      const before = await unitNorms(experiment);
      for (let i = 0; i < 30; i++) await experiment.step();
      const after = await unitNorms(experiment);
      experiment.dispose();
      let moved = 0;
      after.forEach((runs, l) =>
        runs.forEach((norms, r) => {
          const spread = (Math.max(...norms) - Math.min(...norms)) / Math.max(...norms);
          expect(spread).toBeLessThan(1e-5);
          moved = Math.max(moved, Math.abs(norms[0]! / before[l]![r]![0]! - 1));
        }),
      );
      expect(moved).toBeGreaterThan(1e-3);
    });
  }
});
