import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment, type Formulation } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  L: 4,
  N: 12,
  bs: 16,
  seeds: 2,
  init: 'both',
  ...overrides,
});

async function trace(formulation: Formulation, overrides: Partial<LabConfig>, steps: number) {
  const experiment = await createExperiment(config(overrides), {
    teacher: TEACHER,
    evalExamples: 64,
    formulation,
  });
  expect(experiment.info.formulation).toBe(formulation);
  const losses: number[][] = [];
  for (let i = 0; i < steps; i++) losses.push([...(await experiment.step()).loss]);
  const evaluation = await experiment.evaluate();
  const signal = await experiment.signal();
  const weights = await experiment.weightSpectra({ layers: [2] });
  const gradients = await experiment.gradientNorms();
  const jacobian = await experiment.jacobianSpectrum();
  const status = experiment.status();
  experiment.dispose();
  return { losses, evaluation, signal, weights, gradients, jacobian, status };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, relative: number) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!)) expect(b[i]).toBeNaN();
    else expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(a[i]!)));
  }
}

describe('the per-run formulation trains exactly like the stacked one', () => {
  it.each([
    ['sgd, tanh, standard', { opt: 'sgd', lr: 0.05 }],
    ['adam, relu, NTK parameterization', { opt: 'adam', lr: 0.005, act: 'relu', sw2: 2, param: 'ntk' }],
    ['momentum, hard tanh, classification-free regression', { opt: 'momentum', lr: 0.02, act: 'hardtanh' }],
    ['rmsprop, erf, biases', { opt: 'rmsprop', lr: 0.002, act: 'erf', sb2: 0.05 }],
  ] as const)('%s: same losses, evaluation and snapshots', async (_, overrides) => {
    const stacked = await trace('stacked', overrides, 25);
    const perRun = await trace('per-run', overrides, 25);
    stacked.losses.forEach((row, step) => expectClose(perRun.losses[step]!, row, 2e-4));
    expectClose(perRun.evaluation.loss, stacked.evaluation.loss, 2e-4);
    stacked.signal.forEach((q, r) => expectClose(perRun.signal[r]!, q, 2e-4));
    stacked.gradients.forEach((g, r) =>
      expectClose(perRun.gradients[r]!.preActivation, g.preActivation, 1e-3),
    );
    stacked.weights.forEach((w, r) =>
      expect(perRun.weights[r]!.layers[0]!.mean).toBeCloseTo(w.layers[0]!.mean, 4),
    );
    stacked.jacobian.forEach((j, r) =>
      expectClose(perRun.jacobian[r]!.singularValues, j.singularValues, 1e-3),
    );
    // The losses moved: this compares training, not two copies of the initial network.
    expect(stacked.losses[24]![0]).not.toBeCloseTo(stacked.losses[0]![0]!, 3);
  });

  it('freezes a diverging run without computing it, and its sibling trains as if alone', async () => {
    const diverging = { act: 'linear', sw2: 1, sb2: 0, L: 20, N: 16, lr: 0.05, seeds: 1 } as const;
    const twins = await trace('per-run', diverging, 40);
    const alone = await trace('per-run', { ...diverging, init: 'orthogonal' }, 40);
    expect(twins.status[0]).toMatchObject({ init: 'gaussian', diverged: true });
    expect(twins.status[1]).toMatchObject({ init: 'orthogonal', diverged: false });
    expect(twins.losses.map((l) => l[1])).toEqual(alone.losses.map((l) => l[0]));
    expect(twins.evaluation.loss[0]).toBeNaN();
  });

  it('keeps the number of tensors constant while training and snapshotting, and frees all on dispose', async () => {
    const start = tf.memory().numTensors;
    const experiment = await createExperiment(config({ opt: 'adam', lr: 0.01 }), {
      teacher: TEACHER,
      evalExamples: 32,
      formulation: 'per-run',
    });
    await experiment.step();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) {
      await experiment.step();
      if (i % 20 === 0) {
        await experiment.evaluate();
        await experiment.signal();
        await experiment.jacobianSpectrum();
      }
    }
    await experiment.step();
    expect(tf.memory().numTensors).toBe(afterFirst);
    experiment.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
