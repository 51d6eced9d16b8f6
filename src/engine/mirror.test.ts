import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { teacherDataset } from './data/teacher.ts';
import { createExperiment, type Formulation } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 6, trainCount: 128, testCount: 48 };
const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  act: 'tanh',
  L: 2,
  N: 16,
  bs: 32,
  seeds: 2,
  sb2: 0.05,
  ...overrides,
});

const FORMULATIONS: readonly Formulation[] = ['stacked', 'per-run'];
const INITS = ['gaussian', 'orthogonal', 'both'] as const;

async function build(overrides: Partial<LabConfig>, formulation: Formulation) {
  return createExperiment(config(overrides), { teacher: TEACHER, evalExamples: 48, formulation });
}

/** Mean of y² over the first `count` held-out examples: the MSE of a network whose output is 0. */
function heldOutMeanSquare(count: number): number {
  const dataset = teacherDataset(DEFAULT_CONFIG.seed, TEACHER);
  const x = new Float32Array(count * TEACHER.inputSize);
  const y = new Float32Array(count);
  dataset.fillTest(0, count, 1, x, y);
  return y.reduce((sum, v) => sum + v * v, 0) / count;
}

describe('mirror=1 at initialization', () => {
  for (const formulation of FORMULATIONS)
    it.each(INITS)(
      `${formulation}, init=%s: the output is exactly 0, the held-out loss that of 0`,
      async (init) => {
        const experiment = await build({ init, mirror: '1' }, formulation);
        const frozen = experiment.freeze();
        const ntk = await frozen.ntk(16, 0);
        expect(ntk.outputs).toHaveLength(experiment.runs.length);
        for (const outputs of ntk.outputs) expect([...outputs]).toEqual(new Array(16).fill(0));
        frozen.dispose();
        const evaluation = await experiment.evaluate();
        for (const loss of evaluation.loss) expect(loss).toBeCloseTo(heldOutMeanSquare(48), 6);
        experiment.dispose();
      },
    );

  for (const formulation of FORMULATIONS)
    it.each(INITS)(`${formulation}, init=%s: the NTK is the unmirrored network's`, async (init) => {
      const kernels = async (mirror: '0' | '1') => {
        const experiment = await build({ init, mirror, param: 'ntk' }, formulation);
        const frozen = experiment.freeze();
        const ntk = await frozen.ntk(12, 0);
        frozen.dispose();
        experiment.dispose();
        return ntk;
      };
      const plain = await kernels('0');
      const mirrored = await kernels('1');
      expect(mirrored.kernels).toHaveLength(plain.kernels.length);
      plain.kernels.forEach((kernel, r) => {
        const scale = Math.max(...kernel.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        kernel.forEach((value, i) =>
          expect(Math.abs(mirrored.kernels[r]![i]! - value)).toBeLessThan(1e-6 * scale),
        );
      });
      // The plain network's outputs are not 0: what mirroring removes is really there.
      expect(Math.max(...plain.outputs[0]!.map(Math.abs))).toBeGreaterThan(1e-2);
    });
});

describe('mirror=1: the stacked and per-run formulations train alike', () => {
  it.each([
    ['sgd, tanh, both inits', { opt: 'sgd', lr: 0.1, init: 'both' }],
    ['adam, relu, NTK parameterization', { opt: 'adam', lr: 0.005, act: 'relu', sw2: 2, param: 'ntk' }],
    [
      'momentum, orthogonal, soft penalty',
      { opt: 'momentum', lr: 0.05, init: 'orthogonal', orth: 'soft', olam: 0.01 },
    ],
    ['rmsprop, Stiefel', { opt: 'rmsprop', lr: 0.002, orth: 'stiefel' }],
  ] as const)('%s: same losses, evaluation and kernels', async (_, overrides) => {
    const trace = async (formulation: Formulation) => {
      const experiment = await build({ ...overrides, mirror: '1' }, formulation);
      const losses: number[][] = [];
      for (let i = 0; i < 20; i++) losses.push([...(await experiment.step()).loss]);
      const evaluation = await experiment.evaluate();
      const frozen = experiment.freeze();
      const ntk = await frozen.ntk(8, 0);
      frozen.dispose();
      experiment.dispose();
      return { losses, evaluation, ntk };
    };
    const stacked = await trace('stacked');
    const perRun = await trace('per-run');
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number) => {
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(a[i]!)));
    };
    stacked.losses.forEach((row, step) => close(perRun.losses[step]!, row, 2e-4));
    close(perRun.evaluation.loss, stacked.evaluation.loss, 2e-4);
    stacked.ntk.kernels.forEach((kernel, r) => close(perRun.ntk.kernels[r]!, kernel, 1e-3));
    stacked.ntk.outputs.forEach((outputs, r) => close(perRun.ntk.outputs[r]!, outputs, 1e-3));
    // Training moved the networks: the outputs left 0 and the loss fell.
    expect(Math.max(...stacked.ntk.outputs[0]!.map(Math.abs))).toBeGreaterThan(1e-2);
    expect(stacked.losses[19]![0]).toBeLessThan(stacked.losses[0]![0]!);
  });
});
