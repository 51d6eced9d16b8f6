import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivationId } from '../theory/index.ts';
import { fisherCurvature, fisherLossOf, softmaxRows, type FisherLoss } from './curvature.ts';
import { allOutputNtk } from './curvatureKernel.ts';
import { UnitDrawCache } from './drawCache.ts';
import { initialLayer, type InitKind, type Parameterization } from './init.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { empiricalNtk, relativeChange } from './ntk.ts';
import { symmetricEigenvalues as ascendingEigenvalues } from '../theory/testkit/jacobianEigenvalues.ts';

/** All eigenvalues of a dense symmetric matrix, largest first (cyclic Jacobi: independent of the power iteration). */
const symmetricEigenvalues = (matrix: ArrayLike<number>, n: number): number[] =>
  [...ascendingEigenvalues(Float64Array.from(matrix), n)].reverse();
import { RandomStream } from './random.ts';
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

/** Runs `inits[r]` with seed `seeds[r]`, drawn as the experiment draws them. */
function buildModel(net: Net): StackedModel {
  const cache = new UnitDrawCache();
  const { sizes, inits, seeds, param, sw2, sb2 } = net;
  const last = sizes.length - 2;
  const layers: LayerInit[] = sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l]!;
    const perRun = inits.map((init, r) =>
      initialLayer(cache, init, { param, sw2, sb2 }, seeds[r]!, l === last ? 'readout' : l, fanIn, fanOut),
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

function inputs(count: number, n: number, scale: number): Float32Array {
  const x = new RandomStream(7, 'curvature-inputs').fillNormal(new Float32Array(count * n));
  return x.map((v) => v * scale);
}

/**
 * Per run, the per-example parameter Jacobians by brute force: example a alone through
 * StackedModel.backward with the one-hot output gradient of unit i; jacobians[r][a][i] is the
 * gradient of f_i(x_a) over every weight and bias of run r, and outputs[r][a] its k outputs.
 */
async function perExampleJacobians(model: StackedModel, x: Float32Array, count: number) {
  const n0 = model.inputSize;
  const units = model.outputSize;
  const runs = model.runCount;
  const jacobians: Float64Array[][][] = Array.from({ length: runs }, () => []);
  const outputs: Float64Array[][] = Array.from({ length: runs }, () => []);
  for (let a = 0; a < count; a++) {
    for (let r = 0; r < runs; r++) jacobians[r]!.push([]);
    for (let i = 0; i < units; i++) {
      const [gradient, output] = tf.tidy(() => {
        const pass = model.forward(tf.tensor2d(x.subarray(a * n0, (a + 1) * n0), [1, n0]));
        const oneHot = tf.cast(tf.oneHot(tf.fill([runs, 1], i, 'int32'), units), 'float32');
        const grads = model.backward(pass, oneHot as tf.Tensor3D);
        return [
          tf.concat(
            grads.map((g) => tf.reshape(g, [runs, -1])),
            1,
          ),
          pass.output,
        ];
      });
      const [values, f] = await Promise.all([gradient.data(), output.data()]);
      const size = gradient.shape[1]!;
      tf.dispose([gradient, output]);
      for (let r = 0; r < runs; r++) {
        jacobians[r]![a]!.push(Float64Array.from(values.subarray(r * size, (r + 1) * size)));
        if (i === 0) outputs[r]!.push(Float64Array.from(f.subarray(r * units, (r + 1) * units)));
      }
    }
  }
  return { jacobians, outputs };
}

/** The P×P Fisher (1/D) Σ_a J_aᵀ H_a J_a in parameter space, H_a = I (mse) or the softmax's. */
function parameterFisher(
  jacobian: Float64Array[][],
  outputs: Float64Array[],
  loss: FisherLoss,
): Float64Array {
  const count = jacobian.length;
  const units = jacobian[0]!.length;
  const parameters = jacobian[0]![0]!.length;
  const fisher = new Float64Array(parameters * parameters);
  jacobian.forEach((rows, a) => {
    const p = softmaxRows(outputs[a]!, 1, units);
    for (let i = 0; i < units; i++)
      for (let j = 0; j < units; j++) {
        const h = loss === 'mse' ? (i === j ? 1 : 0) : (i === j ? p[i]! : 0) - p[i]! * p[j]!;
        if (h === 0) continue;
        const gi = rows[i]!;
        const gj = rows[j]!;
        for (let s = 0; s < parameters; s++) {
          const left = (h * gi[s]!) / count;
          for (let t = 0; t < parameters; t++) fisher[s * parameters + t]! += left * gj[t]!;
        }
      }
  });
  return fisher;
}

const SIZES = [4, 6, 5, 3];
const COUNT = 5;

describe('allOutputNtk', () => {
  const cases: [ActivationId, Parameterization][] = [
    ['tanh', 'std'],
    ['relu', 'ntk'],
    ['linear', 'std'],
  ];
  it.each(cases)(
    'is Θ over all units: diagonal blocks are empiricalNtk, all blocks brute force (%s, %s)',
    async (act, param) => {
      const model = buildModel({
        act,
        inits: ['gaussian', 'orthogonal'],
        seeds: [2, 2],
        sizes: SIZES,
        sw2: 1.5,
        sb2: 0.2,
        param,
      });
      const values = inputs(COUNT, SIZES[0]!, 0.8);
      const x = tf.tensor2d(values, [COUNT, SIZES[0]!]);
      const units = model.outputSize;
      const rows = units * COUNT;
      const all = await allOutputNtk(model, x);
      expect(all).toMatchObject({ count: COUNT, units });
      const { jacobians, outputs } = await perExampleJacobians(model, values, COUNT);
      for (let unit = 0; unit < units; unit++) {
        const single = await empiricalNtk(model, x, unit);
        for (let r = 0; r < model.runCount; r++) {
          const block = new Float32Array(COUNT * COUNT);
          for (let a = 0; a < COUNT; a++)
            for (let b = 0; b < COUNT; b++)
              block[a * COUNT + b] = all.kernels[r]![(unit * COUNT + a) * rows + unit * COUNT + b]!;
          expect(relativeChange(single.kernels[r]!, block)).toBeLessThan(1e-6);
          single.outputs[r]!.forEach((f, a) => expect(all.outputs[r]![a * units + unit]).toBeCloseTo(f, 6));
        }
      }
      for (let r = 0; r < model.runCount; r++) {
        const expected = new Float64Array(rows * rows);
        for (let i = 0; i < units; i++)
          for (let a = 0; a < COUNT; a++)
            for (let j = 0; j < units; j++)
              for (let b = 0; b < COUNT; b++) {
                const gi = jacobians[r]![a]![i]!;
                const gj = jacobians[r]![b]![j]!;
                let dot = 0;
                gi.forEach((g, s) => (dot += g * gj[s]!));
                expected[(i * COUNT + a) * rows + j * COUNT + b] = dot;
              }
        expect(relativeChange(expected, all.kernels[r]!), `run ${r}`).toBeLessThan(1e-5);
        outputs[r]!.forEach((f, a) =>
          f.forEach((v, i) => expect(all.outputs[r]![a * units + i]).toBeCloseTo(v, 5)),
        );
      }
      x.dispose();
      model.dispose();
    },
  );
});

describe('fisherCurvature', () => {
  it.each(['mse', 'cross-entropy'] as const)(
    'power iteration on the kernel gives λ_max of the parameter-space Fisher, by a dense eigensolver (%s)',
    async (loss) => {
      const model = buildModel({
        act: 'tanh',
        inits: ['gaussian', 'orthogonal', 'gaussian'],
        seeds: [3, 3, 9],
        sizes: SIZES,
        sw2: 1.2,
        sb2: 0.1,
        param: 'std',
      });
      // Large inputs and weights make the softmax far from uniform, so H_a matters.
      const values = inputs(COUNT, SIZES[0]!, 2);
      const x = tf.tensor2d(values, [COUNT, SIZES[0]!]);
      const curvature = await fisherCurvature(model, x, loss, { tolerance: 1e-12 });
      expect(curvature).toMatchObject({ loss, count: COUNT, converged: true });
      expect(curvature.iterations).toBeGreaterThan(1);
      const { jacobians, outputs } = await perExampleJacobians(model, values, COUNT);
      const parameters = model.parameterCount;
      const all = await allOutputNtk(model, x);
      const rows = COUNT * model.outputSize;
      for (let r = 0; r < model.runCount; r++) {
        const fisher = parameterFisher(jacobians[r]!, outputs[r]!, loss);
        const [top, second] = symmetricEigenvalues(fisher, parameters);
        expect(curvature.lambdaMax[r]! / top!, `run ${r}`).toBeCloseTo(1, 5);
        expect(second!).toBeLessThan(top!);
        if (loss === 'mse') {
          // And λ_max(Θ_all)/D from the dense kernel.
          const dense = symmetricEigenvalues(all.kernels[r]!, rows)[0]! / COUNT;
          expect(curvature.lambdaMax[r]! / dense).toBeCloseTo(1, 5);
        }
      }
      x.dispose();
      model.dispose();
    },
    60_000,
  );

  it('is λ_max(Θ)/D of the closed-form kernel of a two-layer linear network with zero hidden weights', async () => {
    // n0 → N → 1 linear network with the hidden weights scaled to 0: only the readout moves f,
    // and its NTK is g_b² + g_w² H Hᵀ with H = g_b b (the same row for every input): rank one.
    const model = buildModel({
      act: 'linear',
      inits: ['gaussian'],
      seeds: [1],
      sizes: [3, 4, 1],
      sw2: 1,
      sb2: 0.5,
      param: 'std',
    });
    model.layers[0]!.weights.assign(tf.zerosLike(model.layers[0]!.weights));
    const bias = (await model.layers[0]!.biases.data()) as Float32Array;
    const { biasGain } = model.layers[0]!.scaling;
    const { weightGain: gw, biasGain: gb } = model.layers[1]!.scaling;
    const hNormSq = bias.reduce((s, b) => s + (biasGain * b) ** 2, 0);
    // Θ_ab = gw²‖h‖² + gb² for every a, b, plus the hidden layer's term, which has ∂f/∂h = gw w_out:
    // (gw_hidden² x_a·x_b + gb_hidden²) gw² ‖w_out‖².
    const readout = (await model.layers[1]!.weights.data()) as Float32Array;
    const wNormSq = readout.reduce((s, w) => s + w * w, 0);
    const { weightGain: hw } = model.layers[0]!.scaling;
    const values = inputs(COUNT, 3, 1);
    const theta = new Float64Array(COUNT * COUNT);
    for (let a = 0; a < COUNT; a++)
      for (let b = 0; b < COUNT; b++) {
        let xx = 0;
        for (let i = 0; i < 3; i++) xx += values[a * 3 + i]! * values[b * 3 + i]!;
        theta[a * COUNT + b] =
          gw * gw * hNormSq + gb * gb + (hw * hw * xx + biasGain * biasGain) * gw * gw * wNormSq;
      }
    const x = tf.tensor2d(values, [COUNT, 3]);
    const curvature = await fisherCurvature(model, x, 'mse', { tolerance: 1e-12 });
    expect(curvature.lambdaMax[0]! / (symmetricEigenvalues(theta, COUNT)[0]! / COUNT)).toBeCloseTo(1, 5);
    x.dispose();
    model.dispose();
  });

  it('follows the task: classification → cross-entropy, regression → mse', () => {
    expect(fisherLossOf('classification')).toBe('cross-entropy');
    expect(fisherLossOf('regression')).toBe('mse');
  });
});
