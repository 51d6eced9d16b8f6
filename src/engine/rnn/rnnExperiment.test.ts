import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import { writeStandardized, type Dataset } from '../data/dataset.ts';
import { UnitDrawCache } from '../drawCache.ts';
import { createExperiment } from '../experiment.ts';
import { lossGradient } from '../loss.ts';
import { layerScaling } from '../init.ts';
import { RandomStream } from '../random.ts';
import { useCpuBackend } from '../testBackend.ts';
import { rnnInitSteps } from './rnnInit.ts';
import { RnnTrainer } from './rnnTrainer.ts';
import { MNIST_ROWS, type SequenceShape } from './sequence.ts';
import { runToEnd } from '../haar.ts';

beforeAll(useCpuBackend);

/**
 * MNIST-shaped examples (28 × 28, 10 classes) that a recurrent network can tell apart only by
 * remembering: class k is a bright bar across row 2k + 4, the rows after it are background.
 */
function barsDataset(trainCount: number, testCount: number): Dataset {
  const pixels = 784;
  const make = (count: number, tag: string) => {
    const noise = new RandomStream(11, tag, count).fillNormal(new Float32Array(count * pixels));
    const images = noise.map((v) => 0.1 * v);
    const labels = Array.from({ length: count }, (_, i) => i % 10);
    labels.forEach((label, i) =>
      images.fill(1, i * pixels + (2 * label + 4) * 28, i * pixels + (2 * label + 5) * 28),
    );
    return { images, labels };
  };
  const train = make(trainCount, 'train');
  const test = make(testCount, 'test');
  const write = (
    block: typeof train,
    example: number,
    b: number,
    scale: number,
    x: Float32Array,
    y: Float32Array,
  ) => {
    writeStandardized(block.images, example * pixels, pixels, scale, x, b * pixels);
    y.fill(0, b * 10, (b + 1) * 10);
    y[b * 10 + block.labels[example]!] = 1;
  };
  return {
    name: 'bars',
    task: 'classification',
    inputSize: pixels,
    outputSize: 10,
    trainCount,
    testCount,
    fillTrain: (indices, scale, x, y) => {
      for (let b = 0; b < indices.length; b++) write(train, indices[b]!, b, scale, x, y);
    },
    fillTest: (start, count, scale, x, y) => {
      for (let b = 0; b < count; b++) write(test, start + b, b, scale, x, y);
    },
  };
}

const RNN: LabConfig = {
  ...DEFAULT_CONFIG,
  arch: 'rnn',
  data: 'mnist',
  act: 'tanh',
  N: 16,
  sw2: 1.2,
  sb2: 0.01,
  bs: 32,
  seeds: 1,
  init: 'both',
  opt: 'adam',
  lr: 0.01,
};

describe('recurrent initialization', () => {
  it('makes the orthogonal W σ_w times the Haar factor of the Gaussian twin’s draw', () => {
    const cache = new UnitDrawCache();
    const n = 24;
    const config = { param: 'std' as const, sw2: 1.7, sb2: 0.05, N: n };
    const runs = [
      { init: 'gaussian' as const, seed: 3 },
      { init: 'orthogonal' as const, seed: 3 },
    ];
    const init = runToEnd(rnnInitSteps(cache, config, runs, MNIST_ROWS, 10));
    const [gaussian, orthogonal] = init.runs;
    const sigma = Math.sqrt(config.sw2);
    // WᵀW = σ_w² I.
    const w = orthogonal!.recurrent;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += w[k * n + i]! * w[k * n + j]!;
        expect(Math.abs(dot - (i === j ? config.sw2 : 0))).toBeLessThan(1e-5);
      }
    // The twins share the draw G: W_gauss = σ_w G/√N, W_orth = σ_w Q(G).
    const g = cache.gaussian(3, 1, n, n);
    const q = cache.orthogonal(3, 1, n, n);
    g.forEach((v, i) => expect(gaussian!.recurrent[i]).toBeCloseTo((sigma * v) / Math.sqrt(n), 6));
    q.forEach((v, i) => expect(w[i]).toBeCloseTo(sigma * v, 6));
    // U, V and the biases are the same Gaussian draws in both twins.
    expect(orthogonal!.input).toEqual(gaussian!.input);
    expect(orthogonal!.readout).toEqual(gaussian!.readout);
    expect(orthogonal!.bias).toEqual(gaussian!.bias);
  });
});

describe('recurrent experiment', () => {
  it('trains: the loss falls on MNIST-shaped sequences, and the held-out accuracy rises above chance', async () => {
    const experiment = await createExperiment(RNN, {
      dataset: barsDataset(640, 200),
      evalExamples: 200,
      drawCache: new UnitDrawCache(),
    });
    expect(experiment.info.parameterCount).toBe(16 * 16 + 28 * 16 + 16 + 16 * 10 + 10);
    expect(experiment.info.notes.some((n) => n.startsWith('arch=rnn'))).toBe(true);
    const before = await experiment.evaluate();
    const first: number[] = [];
    const last: number[] = [];
    for (let s = 0; s < 60; s++) {
      const { loss } = await experiment.step();
      if (s < 5) first.push(...loss);
      if (s >= 55) last.push(...loss);
    }
    const after = await experiment.evaluate();
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(last)).toBeLessThan(0.7 * mean(first));
    for (let r = 0; r < 2; r++) {
      expect(after.loss[r]).toBeLessThan(before.loss[r]!);
      expect(after.accuracy![r]).toBeGreaterThan(0.3);
    }
    experiment.dispose();
  }, 60_000);

  it('reports the recurrent W as layer 1 of the weight spectra, and refuses the layered measurements', async () => {
    const experiment = await createExperiment(
      { ...RNN, orth: 'stiefel' },
      { dataset: barsDataset(64, 64), evalExamples: 64, drawCache: new UnitDrawCache() },
    );
    for (let s = 0; s < 3; s++) await experiment.step();
    const spectra = await experiment.weightSpectra();
    for (const run of spectra) {
      expect(run.layers).toHaveLength(1);
      const [w] = run.layers;
      expect(w).toMatchObject({ layer: 1, fanIn: 16, fanOut: 16 });
      // Under stiefel W stays σ_w·orthogonal, the Gaussian twin included (projected at init).
      expect(w!.orthogonalityDeviation).toBeLessThan(1e-4);
      expect(w!.min).toBeCloseTo(Math.sqrt(RNN.sw2), 4);
      expect(w!.max).toBeCloseTo(Math.sqrt(RNN.sw2), 4);
    }
    await expect(experiment.signal()).rejects.toThrow(/does not apply to arch=rnn/);
    await expect(experiment.jacobianSpectrum()).rejects.toThrow(/does not apply to arch=rnn/);
    await expect(experiment.gradientNorms()).rejects.toThrow(/does not apply to arch=rnn/);
    const frozen = experiment.freeze();
    await expect(frozen.ntk(8, 0)).rejects.toThrow(/does not apply to arch=rnn/);
    await expect(frozen.curvature({ count: 8 })).rejects.toThrow(/does not apply to arch=rnn/);
    expect(() => frozen.model()).toThrow(/does not apply to arch=rnn/);
    frozen.dispose();
    experiment.dispose();
  });

  it('trains each stacked run at its own learning rate, as it would train alone', async () => {
    const small = { ...RNN, N: 8, bs: 16 };
    const options = { dataset: barsDataset(64, 16), evalExamples: 16 };
    const specs = [
      { init: 'gaussian' as const, seed: 1, lr: 0.03 },
      { init: 'orthogonal' as const, seed: 1, lr: 0.003 },
    ];
    const lossesOf = async (runs: typeof specs) => {
      const experiment = await createExperiment(small, { ...options, runs, drawCache: new UnitDrawCache() });
      const losses: number[][] = [];
      for (let s = 0; s < 4; s++) losses.push(Array.from((await experiment.step()).loss));
      experiment.dispose();
      return losses;
    };
    const together = await lossesOf(specs);
    for (const [r, spec] of specs.entries()) {
      const alone = await lossesOf([spec]);
      alone.forEach((step, s) => expect(together[s]![r]).toBeCloseTo(step[0]!, 5));
    }
  });

  it('refuses data without image rows and mirrored runs, saying what to set', async () => {
    await expect(createExperiment({ ...RNN, data: 'teacher' })).rejects.toThrow(/data=mnist/);
    await expect(
      createExperiment(
        { ...RNN, mirror: '1' },
        { dataset: barsDataset(8, 8), drawCache: new UnitDrawCache() },
      ),
    ).rejects.toThrow(/mirror=0/);
  });
});

describe('orthogonality penalties on the recurrent W', () => {
  const sequence: SequenceShape = { steps: 4, width: 3 };
  const n = 5;
  const classes = 3;
  const sw2 = 1.8;

  it.each(['soft', 'gain'] as const)(
    'adds the gradient of λ‖WᵀW/c − I‖²_F (orth=%s) to W’s, as central differences give it',
    async (orth) => {
      const olam = 0.05;
      const lr = 0.1;
      const config = { param: 'ntk' as const, sw2, sb2: 0.1, N: n };
      const init = runToEnd(
        rnnInitSteps(new UnitDrawCache(), config, [{ init: 'gaussian', seed: 9 }], sequence, classes),
      );
      const trainer = new RnnTrainer('tanh', sequence, init.scalings, n, classes, init.runs, 'sgd', [lr], {
        orth,
        olam,
        sw2,
      });
      const x = tf.tensor2d(new RandomStream(5, 'x', 24).fillNormal(new Float32Array(24)), [2, 12]);
      const y = tf.tensor2d([1, 0, 0, 0, 0, 1], [2, 3]);
      const model = trainer.network;
      const before = Float64Array.from(await model.parameters.recurrent.data());
      const lossGrad = tf.tidy(() => {
        const pass = model.forward(x);
        return model.backward(pass, lossGradient('classification', pass.output, y))[0]!;
      });
      const fromLoss = await lossGrad.data();
      lossGrad.dispose();
      tf.dispose(trainer.trainStep('classification', x, y));
      const after = await model.parameters.recurrent.data();
      tf.dispose([x, y]);
      trainer.dispose();

      // The penalty of the effective W = γS, in Float64, by central differences in S.
      const gain = layerScaling('gaussian', 'ntk', sw2, 0.1, n, n).weightGain;
      const c = orth === 'gain' ? sw2 : 1;
      const penalty = (s: Float64Array) => {
        let sum = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let dot = 0;
            for (let k = 0; k < n; k++) dot += gain * s[k * n + i]! * gain * s[k * n + j]!;
            sum += (dot / c - (i === j ? 1 : 0)) ** 2;
          }
        return olam * sum;
      };
      const eps = 1e-6;
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < n * n; i++) {
        const saved = before[i]!;
        before[i] = saved + eps;
        const up = penalty(before);
        before[i] = saved - eps;
        const down = penalty(before);
        before[i] = saved;
        const numeric = (up - down) / (2 * eps);
        // sgd: S_after = S_before − η (∂loss + ∂penalty).
        const applied = (before[i]! - after[i]!) / lr - fromLoss[i]!;
        worst = Math.max(worst, Math.abs(applied - numeric));
        scale = Math.max(scale, Math.abs(numeric));
      }
      expect(scale).toBeGreaterThan(1e-2);
      expect(worst / scale).toBeLessThan(1e-3);
    },
  );
});
