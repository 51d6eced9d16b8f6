import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment, type Experiment, type Formulation, type RunSpec } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

// n0 = 8 < N = 12: the first layer is wide, so the smaller-side handling is trained too.
const TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  L: 4,
  N: 12,
  bs: 16,
  seeds: 1,
  init: 'both',
  ...overrides,
});

async function build(overrides: Partial<LabConfig>, formulation: Formulation, runs?: readonly RunSpec[]) {
  return createExperiment(config(overrides), {
    teacher: TEACHER,
    evalExamples: 32,
    formulation,
    ...(runs ? { runs } : {}),
  });
}

/** Worst deviation over runs and hidden layers, as the weight probe measures it (Float64 SVD). */
async function worst(experiment: Experiment, field: 'orthogonalityDeviation' | 'unitNormDeviation') {
  const spectra = await experiment.weightSpectra();
  return Math.max(...spectra.flatMap((run) => run.layers.map((layer) => layer[field])));
}

async function losses(overrides: Partial<LabConfig>, formulation: Formulation, steps: number) {
  const experiment = await build(overrides, formulation);
  const trace: number[][] = [];
  for (let i = 0; i < steps; i++) trace.push([...(await experiment.step()).loss]);
  experiment.dispose();
  return trace;
}

const FORMULATIONS = ['stacked', 'per-run'] as const;
const PARAMETERIZATIONS = ['std', 'ntk'] as const;

describe('orth=stiefel', () => {
  for (const formulation of FORMULATIONS)
    for (const param of PARAMETERIZATIONS)
      it(`${formulation}, ${param}: ‖WᵀW/σ_w² − I‖_F/√N < 1e-4 after every step, Gaussian twin included`, async () => {
        // Adam at a large rate moves the weights far in one step: the retraction's hard case.
        const lr = param === 'ntk' ? 0.05 : 0.01;
        const experiment = await build({ orth: 'stiefel', opt: 'adam', lr, sw2: 1.5 }, formulation);
        expect(await worst(experiment, 'orthogonalityDeviation')).toBeLessThan(1e-4);
        const first = (await experiment.step()).loss;
        for (let step = 1; step < 40; step++) {
          await experiment.step();
          if (step % 3 === 0) expect(await worst(experiment, 'orthogonalityDeviation')).toBeLessThan(1e-4);
        }
        const last = (await experiment.step()).loss;
        expect(await worst(experiment, 'orthogonalityDeviation')).toBeLessThan(1e-4);
        // It trained: the constraint did not freeze the network.
        expect(last[0]).toBeLessThan(first[0]! * 0.9);
        experiment.dispose();
      });

  it('without the retraction the same training leaves the manifold (the check above can fail)', async () => {
    const experiment = await build(
      { orth: 'none', opt: 'adam', lr: 0.01, sw2: 1.5, init: 'orthogonal' },
      'stacked',
    );
    for (let step = 0; step < 10; step++) await experiment.step();
    expect(await worst(experiment, 'orthogonalityDeviation')).toBeGreaterThan(1e-2);
    experiment.dispose();
  });
});

describe('orth=oblique', () => {
  for (const formulation of FORMULATIONS)
    for (const param of PARAMETERIZATIONS)
      it(`${formulation}, ${param}: every unit's incoming weights at norm σ_w to 1e-5 after every step`, async () => {
        const experiment = await build(
          { orth: 'oblique', opt: 'sgd', lr: 0.2, sw2: 1.5, param },
          formulation,
        );
        expect(await worst(experiment, 'unitNormDeviation')).toBeLessThan(1e-5);
        for (let step = 0; step < 20; step++) {
          await experiment.step();
          expect(await worst(experiment, 'unitNormDeviation')).toBeLessThan(1e-5);
        }
        // Unit norms are held, the matrices are not orthogonal: it is not the Stiefel constraint.
        expect(await worst(experiment, 'orthogonalityDeviation')).toBeGreaterThan(0.1);
        experiment.dispose();
      });
});

describe('the soft and gain-adjusted penalties in training', () => {
  it('pull a Gaussian network towards orthogonality, the gain-adjusted one to σ_w rather than 1', async () => {
    const deviations = async (orth: LabConfig['orth']) => {
      const experiment = await build({ orth, olam: 0.2, lr: 0.05, sw2: 2, init: 'gaussian' }, 'per-run');
      for (let step = 0; step < 100; step++) await experiment.step();
      const [run] = await experiment.weightSpectra();
      experiment.dispose();
      return run!.layers.slice(1); // the square layers
    };
    const [none, soft, gain] = await Promise.all([
      deviations('none'),
      deviations('soft'),
      deviations('gain'),
    ]);
    for (let l = 0; l < none.length; l++) {
      expect(gain[l]!.orthogonalityDeviation).toBeLessThan(0.5 * none[l]!.orthogonalityDeviation);
      // Soft pulls the singular values to 1, below the gain √2: their mean falls under gain's.
      expect(soft[l]!.mean).toBeLessThan(gain[l]!.mean - 0.05);
      expect(gain[l]!.penalty).toBeGreaterThan(0);
      expect(none[l]!.penalty).toBe(0);
    }
  });
});

describe('orth and the rest of training', () => {
  it('orth=none trains bit for bit as before, whatever λ says', async () => {
    for (const formulation of FORMULATIONS) {
      const plain = await losses({ opt: 'adam', lr: 0.01 }, formulation, 15);
      const ignored = await losses({ opt: 'adam', lr: 0.01, orth: 'none', olam: 7 }, formulation, 15);
      expect(ignored).toEqual(plain);
    }
  });

  it.each([
    ['soft', 'sgd', 'std'],
    ['gain', 'adam', 'ntk'],
    ['stiefel', 'momentum', 'std'],
    ['oblique', 'rmsprop', 'ntk'],
  ] as const)(
    'orth=%s (%s, %s): the stacked and per-run formulations train alike',
    async (orth, opt, param) => {
      const lr = { sgd: 0.05, adam: 0.005, momentum: 0.02, rmsprop: 0.002 }[opt] * (param === 'ntk' ? 5 : 1);
      const overrides = { orth, opt, param, lr, olam: 0.05 };
      const stacked = await losses(overrides, 'stacked', 25);
      const perRun = await losses(overrides, 'per-run', 25);
      stacked.forEach((row, step) =>
        row.forEach((loss, r) =>
          expect(Math.abs(perRun[step]![r]! - loss)).toBeLessThan(2e-4 * Math.max(1, loss)),
        ),
      );
      // The option changed training (else this compares plain training twice).
      const plain = await losses({ ...overrides, orth: 'none' }, 'stacked', 25);
      expect(Math.abs(plain[24]![0]! - stacked[24]![0]!)).toBeGreaterThan(1e-4);
    },
  );

  for (const formulation of FORMULATIONS)
    it(`${formulation}: a run that diverges under stiefel is frozen and its sibling trains as if alone`, async () => {
      const runs: RunSpec[] = [
        { init: 'orthogonal', seed: 4, lr: 0.01 },
        { init: 'orthogonal', seed: 4, lr: 1e4 },
      ];
      const overrides = { orth: 'stiefel', opt: 'sgd' } as const;
      const together = await build(overrides, formulation, runs);
      const alone = await build(overrides, formulation, runs.slice(0, 1));
      let diverged = false;
      for (let step = 0; step < 12; step++) {
        const [a, b] = [await together.step(), await alone.step()];
        expect(a.loss[0]).toBeCloseTo(b.loss[0]!, 5);
        diverged ||= a.newlyDiverged.includes(1);
      }
      expect(diverged).toBe(true);
      expect(together.status()[0]!.diverged).toBe(false);
      together.dispose();
      alone.dispose();
    });
});
