import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../cli/nodeBackend.ts';
import type { ActivationId } from '../theory/index.ts';
import { analyticNtk } from '../theory/ntk.ts';
import type { Dataset } from './data/dataset.ts';
import { teacherDataset } from './data/teacher.ts';
import { UnitDrawCache } from './drawCache.ts';
import { initialLayer, type InitKind, type Parameterization } from './init.ts';
import { inputScaling } from './inputScaling.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { empiricalNtk, ntkProbeInputs, relativeChange, weightChange } from './ntk.ts';
import { RandomStream } from './random.ts';
import { splitsRunMatMul } from './runMatMul.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

interface Net {
  readonly act: ActivationId;
  readonly inits: readonly InitKind[];
  readonly seeds: readonly number[];
  readonly sizes: readonly number[];
  readonly sw2: number;
  readonly sb2: number;
  readonly param: Parameterization;
}

/** Runs `inits[r]` with seed `seeds[r]`, as the experiment draws them. */
function buildModel(net: Net, cache = new UnitDrawCache()): StackedModel {
  const { sizes, inits, seeds, param, sw2, sb2 } = net;
  const last = sizes.length - 2;
  const layers: LayerInit[] = sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l]!;
    const key = l === last ? 'readout' : l;
    const perRun = inits.map((init, r) =>
      initialLayer(cache, init, { param, sw2, sb2 }, seeds[r]!, key, fanIn, fanOut),
    );
    return {
      fanIn,
      fanOut,
      scaling: perRun[0]!.scaling,
      weights: perRun.map((p) => p.weights),
      biases: perRun.map((p) => p.biases),
    };
  });
  return new StackedModel(inits.length, net.act, layers);
}

/** D inputs of n features, example d with ‖x‖²/n = norms[d] (different norms on purpose). */
function inputValues(count: number, n: number, norms: (d: number) => number, seed = 4): Float32Array {
  const x = new RandomStream(seed, 'ntk-inputs').fillNormal(new Float32Array(count * n));
  for (let d = 0; d < count; d++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[d * n + i]! ** 2;
    const f = Math.sqrt((norms(d) * n) / s);
    for (let i = 0; i < n; i++) x[d * n + i] = x[d * n + i]! * f;
  }
  return x;
}

/**
 * Θ by brute force: each example alone through StackedModel.backward with the one-hot gradient of
 * `unit`, the full gradient vectors (every weight and bias) of each run read out, then dotted.
 */
async function bruteForceNtk(model: StackedModel, x: Float32Array, count: number, unit: number) {
  const n0 = model.inputSize;
  const gradients: Float64Array[][] = Array.from({ length: model.runCount }, () => []);
  for (let d = 0; d < count; d++) {
    const parts = tf.tidy(() => {
      const pass = model.forward(tf.tensor2d(x.subarray(d * n0, (d + 1) * n0), [1, n0]));
      const oneHot = tf.oneHot(tf.fill([model.runCount, 1], unit, 'int32'), model.outputSize);
      const grads = model.backward(pass, tf.cast(oneHot, 'float32') as tf.Tensor3D);
      return tf.concat(
        grads.map((g) => tf.reshape(g, [model.runCount, -1])),
        1,
      );
    });
    const values = await parts.data();
    const size = parts.shape[1]!;
    parts.dispose();
    for (let r = 0; r < model.runCount; r++)
      gradients[r]!.push(Float64Array.from(values.subarray(r * size, (r + 1) * size)));
  }
  return gradients.map((perExample) => {
    const kernel = new Float64Array(count * count);
    for (let a = 0; a < count; a++)
      for (let b = 0; b < count; b++) {
        let dot = 0;
        perExample[a]!.forEach((g, i) => (dot += g * perExample[b]![i]!));
        kernel[a * count + b] = dot;
      }
    return kernel;
  });
}

describe('empiricalNtk', () => {
  const cases: [ActivationId, Parameterization][] = [
    ['tanh', 'std'],
    ['tanh', 'ntk'],
    ['relu', 'std'],
    ['relu', 'ntk'],
    ['erf', 'ntk'],
    ['hardtanh', 'std'],
    ['linear', 'ntk'],
  ];
  it.each(cases)('equals brute-force per-example gradients (%s, %s param)', async (act, param) => {
    const sizes = [5, 7, 6, 7, 3];
    const count = 6;
    const unit = 1;
    const model = buildModel({
      act,
      inits: ['gaussian', 'orthogonal', 'gaussian'],
      seeds: [3, 3, 8],
      sizes,
      sw2: 1.7,
      sb2: 0.3,
      param,
    });
    // Hard tanh's slope switches at |h| = 1: inputs of larger norm put many units past it.
    const x = inputValues(count, sizes[0]!, (d) => 0.5 + 0.4 * d);
    const input = tf.tensor2d(x, [count, sizes[0]!]);
    const { kernels, outputs } = await empiricalNtk(model, input, unit);
    const expected = await bruteForceNtk(model, x, count, unit);
    const forward = tf.tidy(() => model.forward(input).output);
    const f = await forward.data();
    for (let r = 0; r < model.runCount; r++) {
      expect(relativeChange(expected[r]!, kernels[r]!), `run ${r}`).toBeLessThan(1e-5);
      // A kernel of outer products: symmetric, with a positive diagonal.
      for (let a = 0; a < count; a++) {
        expect(kernels[r]![a * count + a]).toBeGreaterThan(0);
        for (let b = 0; b < a; b++)
          expect(kernels[r]![a * count + b]).toBeCloseTo(kernels[r]![b * count + a]!, 4);
      }
      outputs[r]!.forEach((value, d) => expect(value).toBeCloseTo(f[(r * count + d) * 3 + unit]!, 5));
    }
    tf.dispose([input, forward]);
    model.dispose();
  });

  it('leaves no tensor behind and refuses a unit the model does not have', async () => {
    const model = buildModel({
      act: 'tanh',
      inits: ['gaussian'],
      seeds: [1],
      sizes: [4, 8, 8, 2],
      sw2: 1,
      sb2: 0.1,
      param: 'std',
    });
    const input = tf.tensor2d(
      inputValues(3, 4, () => 1),
      [3, 4],
    );
    const before = tf.memory().numTensors;
    await empiricalNtk(model, input, 0);
    // The model's per-run weight slices (kept for reuse) are not made on the cpu backend.
    expect(tf.memory().numTensors).toBe(before);
    await expect(empiricalNtk(model, input, 2)).rejects.toThrow(RangeError);
    input.dispose();
    model.dispose();
  });
});

/** Entry-wise mean of equal-length arrays. */
function mean(arrays: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(arrays[0]!.length);
  for (const a of arrays) a.forEach((v, i) => (out[i] = out[i]! + v / arrays.length));
  return out;
}

describe('empiricalNtk on wasm', () => {
  afterAll(useCpuBackend);

  // The wasm backend multiplies run by run, with the model's kept weight slices up to 64 MiB of
  // weights and without them beyond (where δWᵀ is taken as (Wδᵀ)ᵀ): both must give the cpu kernel.
  it('gives the cpu backend’s kernel with and without the model’s kept weight slices', async () => {
    const cache = new UnitDrawCache();
    const small: Net = {
      act: 'tanh',
      inits: ['gaussian', 'orthogonal'],
      seeds: [1, 1],
      sizes: [4, 24, 24, 24, 3],
      sw2: 1.5,
      sb2: 0.1,
      param: 'ntk',
    };
    const large: Net = {
      ...small,
      act: 'relu',
      inits: ['gaussian', 'gaussian'],
      seeds: [1, 2],
      sizes: [4, 2900, 2900, 1],
    };
    const x = inputValues(5, 4, () => 1);
    const kernelsOn = async (backend: 'cpu' | 'wasm') => {
      await selectNodeBackend(backend);
      const input = tf.tensor2d(x, [5, 4]);
      const kernels = [];
      for (const net of [small, large]) {
        const model = buildModel(net, cache);
        kernels.push((await empiricalNtk(model, input, 0)).kernels);
        model.dispose();
      }
      input.dispose();
      return kernels;
    };
    const reference = await kernelsOn('cpu');
    const split = await kernelsOn('wasm');
    expect(splitsRunMatMul()).toBe(true);
    split.forEach((runs, net) =>
      runs.forEach((kernel, r) => expect(relativeChange(reference[net]![r]!, kernel)).toBeLessThan(1e-5)),
    );
  }, 30_000);
});

describe('empiricalNtk against the infinite-width kernel', () => {
  const count = 8;
  const n0 = 16;
  // Inputs of different norms; the last is a multiple of the first (correlation 1, norms 1 and 2.25).
  const x = inputValues(count, n0, (d) => 0.6 + 0.15 * d);
  for (let i = 0; i < n0; i++) x[(count - 1) * n0 + i] = 1.5 * x[i]!;
  const input = () => tf.tensor2d(x, [count, n0]);
  // One cache for the file: both activations and parameterizations reuse the same unit draws.
  const cache = new UnitDrawCache();
  const nets: [ActivationId, Parameterization, number][] = [
    ['erf', 'ntk', 1.6],
    ['relu', 'std', 2],
  ];

  /**
   * Each run's relative error ‖Θ − Θ∞‖_F/‖Θ∞‖_F, and that of the mean over seeds. A finite network's
   * kernel fluctuates by O(1/√N) around Θ∞ (3–9% per run at N = 2048, 4–13% for orthogonal runs at
   * N = 512), the mean over seeds by about 1–3%; a wrong layer term or gain is off by tens of percent.
   */
  async function errors(net: Net): Promise<{ runs: number[]; mean: number }> {
    const model = buildModel(net, cache);
    const x0 = input();
    const { kernels } = await empiricalNtk(model, x0, 0);
    tf.dispose(x0);
    model.dispose();
    const { act, sw2, sb2, param } = net;
    const L = net.sizes.length - 2;
    const analytic = analyticNtk({ act, sw2, sb2, L, N: net.sizes[1]!, param }, x, count, n0);
    return {
      runs: kernels.map((k) => relativeChange(analytic, k)),
      mean: relativeChange(analytic, mean(kernels)),
    };
  }

  // ReLU in the standard parameterization, whose kernel grows with the width, erf in the NTK one.
  it.each(nets)(
    '%s at width 2048 (Gaussian, %s parameterization)',
    async (act, param, sw2) => {
      const seeds = [1, 2, 3, 4];
      const { runs, mean } = await errors({
        act,
        sw2,
        sb2: 0.1,
        param,
        inits: seeds.map(() => 'gaussian'),
        seeds,
        sizes: [n0, 2048, 2048, 1],
      });
      for (const error of runs) expect(error, 'per run').toBeLessThan(0.12);
      expect(mean, `mean of ${seeds.length} seeds`).toBeLessThan(0.04);
    },
    30_000,
  );

  // Huang, Du & Xu (2021) Thm 2: orthogonal networks have the Gaussian networks' limiting kernel.
  // Width 512, three hidden layers (the Haar factor of a square layer of 2048 takes seconds to draw).
  it.each(nets)(
    '%s: orthogonal networks tend to the same kernel (%s parameterization)',
    async (act, param, sw2) => {
      const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
      const { runs, mean } = await errors({
        act,
        sw2,
        sb2: 0.1,
        param,
        inits: seeds.map(() => 'orthogonal'),
        seeds,
        sizes: [n0, 512, 512, 512, 1],
      });
      for (const error of runs) expect(error, 'per run').toBeLessThan(0.2);
      expect(mean, `mean of ${seeds.length} seeds`).toBeLessThan(0.05);
    },
    30_000,
  );
});

describe('weightChange', () => {
  const net: Net = {
    act: 'tanh',
    inits: ['gaussian', 'orthogonal'],
    seeds: [2, 2],
    sizes: [4, 6, 6, 3],
    sw2: 1.2,
    sb2: 0.05,
    param: 'std',
  };

  it('is 0 between identical models', async () => {
    const cache = new UnitDrawCache();
    const a = buildModel(net, cache);
    const b = buildModel(net, cache);
    const change = await weightChange(a, b);
    expect(change).toHaveLength(2);
    for (const run of change) expect(Array.from(run)).toEqual([0, 0, 0]);
    a.dispose();
    b.dispose();
  });

  it('is ‖ΔW‖_F/‖W‖_F per run and layer for a known perturbation', async () => {
    const initial = buildModel(net);
    const moved = buildModel(net);
    // Run 0's layer 2 gains 0.1·W (relative change 0.1); run 1's readout gets one entry +0.5.
    const readout = moved.layers[2]!.weights;
    const entry = tf.tidy(() => tf.scatterND([[1, 0, 2]], [0.5], readout.shape));
    moved.layers[1]!.weights.assign(
      tf.tidy(() => tf.mul(moved.layers[1]!.weights, tf.tensor3d([1.1, 1], [2, 1, 1]))),
    );
    readout.assign(tf.add(readout, entry));
    const run1Readout = (await initial.layers[2]!.weights.data()).subarray(6 * 3);
    const readoutNorm = Math.hypot(...run1Readout);
    const change = await weightChange(initial, moved);
    expect(change[0]![0]).toBe(0);
    expect(change[0]![1]).toBeCloseTo(0.1, 5);
    expect(change[0]![2]).toBe(0);
    expect(change[1]![1]).toBe(0);
    expect(change[1]![2]).toBeCloseTo(0.5 / readoutNorm, 5);
    entry.dispose();
    initial.dispose();
    moved.dispose();
  });
});

describe('relativeChange', () => {
  it('is ‖b − a‖/‖a‖, 0 for equal arrays, scale-free, and refuses different lengths', () => {
    expect(relativeChange([1, 2, 2], [1, 2, 2])).toBe(0);
    expect(relativeChange([3, 4], [3, 4 + 5])).toBeCloseTo(1, 12);
    expect(relativeChange([3, 4], [0, 0])).toBeCloseTo(1, 12);
    expect(relativeChange([30, 40], [30, 90])).toBeCloseTo(relativeChange([3, 4], [3, 9]), 12);
    expect(relativeChange([0, 0], [0, 0])).toBe(0);
    expect(relativeChange([0, 0], [1, 0])).toBe(Infinity);
    expect(() => relativeChange([1], [1, 2])).toThrow(RangeError);
  });
});

describe('ntkProbeInputs', () => {
  /** Held-out example i has class labelsOf[i] and input [i, i, …] before standardization. */
  function labelled(classes: number[]): Dataset {
    const outputSize = 3;
    return {
      name: 'toy',
      task: 'classification',
      inputSize: 2,
      outputSize,
      trainCount: 0,
      testCount: classes.length,
      fillTrain: () => {
        throw new Error('not used');
      },
      fillTest(start, count, scale, x, y) {
        for (let i = 0; i < count; i++) {
          x.set([(start + i) * scale, -(start + i) * scale], i * 2);
          y.fill(0, i * outputSize, (i + 1) * outputSize);
          y[i * outputSize + classes[start + i]!] = 1;
        }
      },
    };
  }

  it('takes the first held-out examples, stably sorted by class, scaled as in training', () => {
    const scaling = { ...inputScaling('tanh', 1.5, 0.1), scale: 2 };
    const probe = ntkProbeInputs(labelled([2, 0, 1, 0, 2, 1, 0]), scaling, 6);
    expect(probe.count).toBe(6);
    expect(probe.inputSize).toBe(2);
    expect(Array.from(probe.labels)).toEqual([0, 0, 1, 1, 2, 2]);
    // Examples 1, 3 (class 0), 2, 5 (class 1), 0, 4 (class 2), each times the scale 2.
    expect(Array.from(probe.x)).toEqual([2, -2, 6, -6, 4, -4, 10, -10, 0, -0, 8, -8]);
  });

  it('keeps regression examples in order, is capped by the held-out set, and refuses over 64', () => {
    const dataset = teacherDataset(5, { testCount: 10, trainCount: 4 });
    const scaling = inputScaling('tanh', 1.5, 0.1);
    const probe = ntkProbeInputs(dataset, scaling, 40);
    expect(probe.count).toBe(10);
    expect(Array.from(probe.labels)).toEqual(new Array(10).fill(-1));
    const x = new Float32Array(10 * dataset.inputSize);
    dataset.fillTest(0, 10, scaling.scale, x, new Float32Array(10));
    expect(probe.x).toEqual(x);
    expect(() => ntkProbeInputs(dataset, scaling, 65)).toThrow(RangeError);
    expect(() => ntkProbeInputs(dataset, scaling, 0)).toThrow(RangeError);
  });
});
