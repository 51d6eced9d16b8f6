import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment } from './experiment.ts';
import { gradientNorms } from './gradientNorms.ts';
import { layerScaling } from './init.ts';
import { lossGradient } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { RandomStream } from './random.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

async function norm(t: tf.Tensor, run: number, runs: number): Promise<number> {
  const values = await t.data();
  const size = values.length / runs;
  let sum = 0;
  for (let i = run * size; i < (run + 1) * size; i++) sum += values[i]! ** 2;
  return Math.sqrt(sum);
}

describe('gradientNorms', () => {
  it('agrees with the model’s own backward pass (weight gradients; bias gradients = δ for one example)', async () => {
    const widths = [5, 7, 7, 7, 3];
    const runs = 2;
    const inits: LayerInit[] = widths.slice(1).map((fanOut, l) => {
      const fanIn = widths[l]!;
      const scaling = layerScaling('gaussian', 'ntk', 1.7, 0.1, fanIn, fanOut);
      const stream = new RandomStream(l, 'gradient-test');
      return {
        fanIn,
        fanOut,
        scaling,
        weights: [0, 1].map(() => stream.fillNormal(new Float32Array(fanIn * fanOut))),
        biases: [0, 1].map(() => stream.fillNormal(new Float32Array(fanOut))),
      };
    });
    const model = new StackedModel(runs, 'tanh', inits);
    const stream = new RandomStream(9, 'gradient-test-data');
    const x = tf.tensor2d(stream.fillNormal(new Float32Array(5)), [1, 5]);
    const y = tf.tensor2d(stream.fillNormal(new Float32Array(3)), [1, 3]);
    const before = tf.memory().numTensors;
    const tags = [0, 1].map((runId) => ({ runId, init: 'gaussian' as const, seed: runId, lr: 0.05 }));
    const measured = await gradientNorms(model, 'regression', tags, x, y);
    expect(tf.memory().numTensors).toBe(before);

    const grads = tf.tidy(() => {
      const pass = model.forward(x);
      return model.backward(pass, lossGradient('regression', pass.output, y));
    });
    for (let r = 0; r < runs; r++) {
      for (let l = 0; l < 3; l++) {
        const weightNorm = await norm(grads[2 * l]!, r, runs);
        const biasNorm = (await norm(grads[2 * l + 1]!, r, runs)) / inits[l]!.scaling.biasGain;
        expect(measured[r]!.weight[l]!).toBeCloseTo(weightNorm, 5);
        expect(measured[r]!.preActivation[l]!).toBeCloseTo(biasNorm, 5);
      }
      expect(measured[r]!.loss).toBeGreaterThan(0);
    }
    tf.dispose(grads);
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('vanishes toward the input in the ordered phase and grows in the chaotic one', async () => {
    const config = (sw2: number): LabConfig => ({
      ...DEFAULT_CONFIG,
      data: 'teacher',
      act: 'tanh',
      sw2,
      sb2: 0.05,
      L: 30,
      N: 64,
      seeds: 1,
      init: 'both',
    });
    for (const [sw2, grows] of [
      [0.5, false],
      [4, true],
    ] as const) {
      const experiment = await createExperiment(config(sw2), {
        teacher: { inputSize: 8, trainCount: 32, testCount: 32 },
      });
      const before = tf.memory().numTensors;
      const runs = await experiment.gradientNorms();
      expect(tf.memory().numTensors).toBe(before);
      for (const run of runs) {
        expect(run.preActivation).toHaveLength(30);
        const ratio = run.preActivation[0]! / run.preActivation[29]!;
        if (grows) expect(ratio).toBeGreaterThan(10);
        else expect(ratio).toBeLessThan(0.01);
      }
      experiment.dispose();
    }
  });
});
