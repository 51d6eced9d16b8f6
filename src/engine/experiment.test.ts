import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { fileByteSource } from './data/fileByteSource.ts';
import { memoryBoundChunk } from './budget.ts';
import { UnitDrawCache } from './drawCache.ts';
import { createExperiment, planRuns } from './experiment.ts';
import { inputScaling } from './inputScaling.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const SMALL_TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const small = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  L: 3,
  N: 24,
  bs: 16,
  seeds: 1,
  ...overrides,
});

async function train(config: LabConfig, steps: number) {
  const experiment = await createExperiment(config, { teacher: SMALL_TEACHER, evalExamples: 64 });
  const before = await experiment.evaluate();
  const losses: Float32Array[] = [];
  for (let i = 0; i < steps; i++) losses.push((await experiment.step()).loss);
  const after = await experiment.evaluate();
  const status = experiment.status();
  experiment.dispose();
  return { before, after, losses, status };
}

describe('createExperiment', () => {
  it('plans Gaussian and orthogonal twins with consecutive seeds', () => {
    expect(planRuns({ init: 'both', seeds: 2, seed: 5 })).toEqual([
      { runId: 0, init: 'gaussian', seed: 5 },
      { runId: 1, init: 'gaussian', seed: 6 },
      { runId: 2, init: 'orthogonal', seed: 5 },
      { runId: 3, init: 'orthogonal', seed: 6 },
    ]);
  });

  it.each(['sgd', 'momentum', 'adam', 'rmsprop'] as const)(
    'reduces the held-out loss with %s',
    async (opt) => {
      const lr = opt === 'sgd' || opt === 'momentum' ? 0.05 : 0.005;
      const { before, after } = await train(small({ opt, lr, init: 'both' }), 80);
      for (let r = 0; r < 2; r++) expect(after.loss[r]!).toBeLessThan(0.6 * before.loss[r]!);
    },
  );

  it('gives the same numbers for the same config and seed, other numbers for another seed', async () => {
    const config = small({ opt: 'adam', lr: 0.01, init: 'both', seeds: 2, param: 'ntk' });
    const a = await train(config, 15);
    const b = await train(config, 15);
    expect(b.losses).toEqual(a.losses);
    expect(b.after.loss).toEqual(a.after.loss);
    const c = await train({ ...config, seed: 2 }, 15);
    expect(c.losses[14]).not.toEqual(a.losses[14]);
  });

  it('keeps the number of tensors constant over 500 steps and releases everything on dispose', async () => {
    const start = tf.memory().numTensors;
    const experiment = await createExperiment(
      small({ L: 2, N: 8, bs: 8, opt: 'adam', lr: 0.01, init: 'both' }),
      { teacher: SMALL_TEACHER, evalExamples: 32 },
    );
    await experiment.step();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 500; i++) {
      await experiment.step();
      if (i % 100 === 0) await experiment.evaluate();
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    experiment.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('marks a diverging run and leaves its sibling’s numbers exactly as if it trained alone', async () => {
    // A deep linear network at σ_w² = 1: the Gaussian product's top singular value grows with depth,
    // so this learning rate blows it up, while the orthogonal (isometric) twin trains.
    const config = small({ act: 'linear', sw2: 1, sb2: 0, L: 20, N: 16, lr: 0.05 });
    const twins = await train({ ...config, init: 'both' }, 40);
    const alone = await train({ ...config, init: 'orthogonal' }, 40);
    expect(twins.status[0]).toMatchObject({ init: 'gaussian', diverged: true });
    expect(twins.status[0]!.lastFiniteStep).toBe(twins.status[0]!.divergedAtStep! - 1);
    expect(twins.status[1]).toMatchObject({ init: 'orthogonal', diverged: false, divergedAtStep: null });
    expect(twins.losses.map((l) => l[1])).toEqual(alone.losses.map((l) => l[0]));
    expect(twins.after.loss[1]).toBe(alone.after.loss[0]);
    expect(twins.after.loss[0]).toBeNaN();
    expect(twins.losses[39]![0]).toBeNaN();
  });

  it('reports cost figures and the input scaling it used', async () => {
    const experiment = await createExperiment(small({ init: 'both', seeds: 2, L: 4, N: 32 }), {
      teacher: SMALL_TEACHER,
    });
    const { info } = experiment;
    expect(info.runCount).toBe(4);
    expect(info.parameterCount).toBe(8 * 32 + 32 + 3 * (32 * 32 + 32) + 32 + 1);
    expect(info.flopsPerStep).toBe(6 * 16 * 4 * (8 * 32 + 3 * 32 * 32 + 32));
    expect(info.memoryBytes).toBeGreaterThan(4 * 4 * info.parameterCount * 2);
    expect(info.inputScaling.atFixedPoint).toBe(true);
    experiment.dispose();
  });

  it('reports progress within a layer’s orthogonal factor, and is abandoned when that progress rejects', async () => {
    // Width 96: each orthogonal factor is drawn in 2 × 12 slices of eight columns.
    const config = small({ init: 'orthogonal', L: 4, N: 96 });
    const calls: [number, number][] = [];
    const built = await createExperiment(config, {
      teacher: SMALL_TEACHER,
      drawCache: new UnitDrawCache(),
      onProgress: (done, count) => {
        calls.push([done, count]);
      },
    });
    built.dispose();
    const withinLayer2 = calls.filter(([done]) => done === 2);
    expect(withinLayer2.length).toBeGreaterThanOrEqual(24);
    expect(calls.at(-1)).toEqual([5, 5]);
    expect(calls.every(([done], i) => i === 0 || done >= calls[i - 1]![0])).toBe(true);

    // A rejected progress stops the build where it is: nothing more is drawn, no tensor is left.
    const tensors = tf.memory().numTensors;
    let slices = 0;
    await expect(
      createExperiment(config, {
        teacher: SMALL_TEACHER,
        drawCache: new UnitDrawCache(),
        onProgress: () => {
          slices += 1;
          return slices === 30 ? Promise.reject(new Error('superseded')) : Promise.resolve();
        },
      }),
    ).rejects.toThrow('superseded');
    expect(slices).toBe(30);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('evaluates in chunks of any size with the same numbers', async () => {
    const config = small({ L: 3, N: 24 });
    const experiment = await createExperiment(config, { teacher: SMALL_TEACHER, evalExamples: 64 });
    // Deep or wide networks take smaller chunks (budget.ts); small ones one chunk of up to 250.
    expect(memoryBoundChunk(config)).toBe(250);
    expect(memoryBoundChunk({ ...config, L: 1000, N: 2048 })).toBe(1);
    const frozen = experiment.freeze();
    const evaluation = frozen.evaluation(64, 7);
    expect(evaluation.chunks).toBe(10);
    const sliced = await evaluation.result();
    evaluation.dispose();
    frozen.dispose();
    const whole = await experiment.evaluate();
    experiment.dispose();
    for (let r = 0; r < sliced.loss.length; r++) expect(sliced.loss[r]).toBeCloseTo(whole.loss[r]!, 5);
  });
});

describe('inputScaling', () => {
  it('puts layer 1 at q* where q* > σ_b², and falls back to ‖x‖²/n0 = 1 otherwise', () => {
    const tanh = inputScaling('tanh', 1.05, 2.01e-5);
    expect(tanh.atFixedPoint).toBe(true);
    expect(1.05 * tanh.scale ** 2 + 2.01e-5).toBeCloseTo(tanh.qStar, 12);
    const exploding = inputScaling('relu', 2.5, 0.1);
    expect(exploding).toMatchObject({ atFixedPoint: false, scale: 1, qStar: Infinity });
    expect(exploding.note).toMatch(/q\* = ∞/);
    expect(inputScaling('relu', 1.5, 0)).toMatchObject({ atFixedPoint: false, scale: 1, qStar: 0 });
    expect(Number.isNaN(inputScaling('linear', 1, 0).qStar)).toBe(true);
  });
});

const MNIST_DIR = 'public/data';
describe.skipIf(!existsSync(`${MNIST_DIR}/mnist.json`))(
  'MNIST (prepared by scripts/prepare-mnist.mjs)',
  () => {
    it('loads, standardizes and trains a classifier with accuracy reported', async () => {
      const experiment = await createExperiment(
        { ...DEFAULT_CONFIG, data: 'mnist', L: 2, N: 32, bs: 32, seeds: 1, init: 'both', lr: 0.05 },
        { dataSource: fileByteSource(MNIST_DIR), evalExamples: 250 },
      );
      expect(experiment.info.dataset).toMatchObject({
        name: 'mnist',
        inputSize: 784,
        outputSize: 10,
        trainCount: 60000,
        testCount: 10000,
      });
      const before = await experiment.evaluate();
      for (let i = 0; i < 60; i++) await experiment.step();
      const after = await experiment.evaluate();
      for (let r = 0; r < 2; r++) {
        expect(before.loss[r]!).toBeGreaterThan(2);
        expect(after.accuracy![r]!).toBeGreaterThan(0.5); // chance is 0.1
      }
      experiment.dispose();
    });
  },
);
