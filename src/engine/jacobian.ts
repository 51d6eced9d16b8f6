import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative, applyActivation } from './activation.ts';
import {
  fixedPointProbeDraw,
  spectrumFromScaled,
  type JacobianProbe,
  type JacobianSpectrum,
} from './jacobianSummary.ts';
import { preActivation, type StackedModel } from './model.ts';
import type { RunInfo } from './runs.ts';
import { singularValues } from './svd.ts';
import { runMatMul } from './runMatMul.ts';
import { scaled } from './gain.ts';

export {
  fixedPointProbeDraw,
  spectrumFromScaled,
  summarizeScaled,
  type JacobianProbe,
  type JacobianSpectrum,
  type SpectrumSummary,
} from './jacobianSummary.ts';

export interface JacobianOptions {
  readonly probe?: JacobianProbe;
  /** With probe 'data': the index of the held-out example (default 0). */
  readonly example?: number;
}

/**
 * The hidden layers J runs over: those whose weights are square N × N, so that J is the product
 * of square factors D^l W^l that free probability describes. The hidden layers are model.layers
 * 0 … L−1 (h^1 … h^L); layer 0 maps n0 → N and is square only when n0 = N. So J = ∂x^L/∂x⁰ with
 * depth L when n0 = N, and J = ∂x^L/∂x¹ with depth L − 1 otherwise (depth 0, J = I, when L = 1).
 */
export function jacobianLayers(model: StackedModel): { first: number; count: number } {
  const hidden = model.layers.length - 1;
  const width = model.layers[0]!.fanOut;
  const first = model.layers[0]!.fanIn === width ? 0 : 1;
  return { first, count: Math.max(0, hidden - first) };
}

/** J̃ of every run (row-major, [R, N, N] flattened) and its log scale, from the tfjs backend. */
export interface AccumulatedJacobian {
  readonly width: number;
  readonly depth: number;
  readonly firstLayer: number;
  /**
   * Row-vector convention of the model (h = x·W): J̃[r] is the transpose of the column-convention
   * J̃ = ∂x^L/∂x^{l₀−1} / exp(logScale), i.e. element [j, i] is ∂x^L_i/∂x^{l₀−1}_j. Same singular values.
   */
  readonly matrices: Float32Array;
  readonly logScale: Float64Array;
  readonly probeVariance: Float64Array;
}

// Below this Frobenius norm a product is not divided further (it is then exactly or almost zero).
const TINY_NORM = 1e-30;

/**
 * Accumulates the Jacobian of every run forward, layer by layer, as one stacked program:
 * P ← (P · g W^l) ⊙ φ′(h^l) with a batched matMul over runs, then P ← P/‖P‖_F, keeping each norm.
 * The log of the product of the norms is summed on the host in Float64, so depth 1000 neither
 * overflows nor underflows. `firstPreActivation` is h^{l₀} ([R, 1, N]); the later h^l come from
 * propagating it (biases included). Two reads from the device in all.
 */
export async function accumulateJacobian(
  model: StackedModel,
  firstPreActivation: tf.Tensor3D,
): Promise<AccumulatedJacobian> {
  const { first, count } = jacobianLayers(model);
  const runs = model.runCount;
  const width = model.layers[0]!.fanOut;
  if (count === 0) {
    const matrices = new Float32Array(runs * width * width);
    // J = I: J̃ = I/√N, logScale = ln √N.
    for (let r = 0; r < runs; r++)
      for (let i = 0; i < width; i++) matrices[r * width * width + i * width + i] = 1 / Math.sqrt(width);
    const probeVariance = await meanSquare(firstPreActivation);
    return {
      width,
      depth: 0,
      firstLayer: first + 1,
      matrices,
      logScale: new Float64Array(runs).fill(0.5 * Math.log(width)),
      probeVariance,
    };
  }

  let product: tf.Tensor3D | null = null;
  let h = tf.clone(firstPreActivation);
  const norms: tf.Tensor1D[] = [];
  try {
    for (let index = first; index < first + count; index++) {
      const layer = model.layers[index]!;
      const current: tf.Tensor3D | null = product;
      const last = index === first + count - 1;
      const [normalized, norm, following] = tf.tidy(() => {
        const weights = scaled(layer.weights, layer.scaling.weightGain);
        const phi = applyActivation(model.activation, h);
        const slope = activationDerivative(model.activation, h, phi);
        // Unscaled weights are the model's own: its per-run slices are reused (see weightsOfRuns).
        const byRun = layer.scaling.weightGain === 1 ? model.weightsOfRuns(index, false) : undefined;
        let m = current ? runMatMul(current, weights, false, false, byRun) : weights;
        if (slope) m = tf.mul(m, slope);
        const frobenius = tf.maximum(tf.sqrt(tf.sum(tf.square(m), [1, 2])), TINY_NORM) as tf.Tensor1D;
        const unit = tf.div(m, tf.reshape(frobenius, [runs, 1, 1])) as tf.Tensor3D;
        return last
          ? [unit, frobenius]
          : [
              unit,
              frobenius,
              preActivation(
                phi as tf.Tensor3D,
                model.layers[index + 1]!,
                model.weightsOfRuns(index + 1, false),
              ),
            ];
      }) as [tf.Tensor3D, tf.Tensor1D, tf.Tensor3D?];
      current?.dispose();
      product = normalized;
      norms.push(norm);
      if (following) {
        h.dispose();
        h = following;
      }
    }
    const stackedNorms = tf.tidy(() =>
      tf.concat([tf.stack(norms), tf.reshape(tf.mean(tf.square(firstPreActivation), [1, 2]), [1, runs])]),
    );
    const [normValues, matrices] = await Promise.all([stackedNorms.data(), product!.data()]);
    stackedNorms.dispose();
    const logScale = new Float64Array(runs);
    for (let l = 0; l < count; l++)
      for (let r = 0; r < runs; r++) logScale[r] = logScale[r]! + Math.log(normValues[l * runs + r]!);
    const probeVariance = Float64Array.from(normValues.subarray(count * runs));
    return {
      width,
      depth: count,
      firstLayer: first + 1,
      matrices: matrices as Float32Array,
      logScale,
      probeVariance,
    };
  } finally {
    h.dispose();
    product?.dispose();
    for (const norm of norms) norm.dispose();
  }
}

async function meanSquare(h: tf.Tensor3D): Promise<Float64Array> {
  const value = tf.tidy(() => tf.mean(tf.square(h), [1, 2]));
  const data = await value.data();
  value.dispose();
  return Float64Array.from(data);
}

/**
 * The fixed-point probe h ~ N(0, q I_N) of each run, [R, 1, N]: drawn from the run's seed, so
 * twins (same seed, other init) share it.
 */
export function fixedPointProbe(seeds: readonly number[], width: number, q: number): tf.Tensor3D {
  const values = new Float32Array(seeds.length * width);
  const std = Math.sqrt(q);
  seeds.forEach((seed, r) => {
    const draw = fixedPointProbeDraw(seed, width);
    for (let i = 0; i < width; i++) values[r * width + i] = std * draw[i]!;
  });
  return tf.tensor3d(values, [seeds.length, 1, width]);
}

/** Singular values of each run's accumulated Jacobian, in Float64, with the summaries. */
export function jacobianSpectra(
  accumulated: AccumulatedJacobian,
  runs: readonly RunInfo[],
  probe: JacobianProbe,
): JacobianSpectrum[] {
  const { width, matrices } = accumulated;
  const size = width * width;
  return runs.map((run) => {
    const scaledValues = singularValues(
      matrices.subarray(run.runId * size, (run.runId + 1) * size),
      width,
      width,
    );
    return spectrumFromScaled(
      run,
      probe,
      accumulated.depth,
      accumulated.firstLayer,
      accumulated.probeVariance[run.runId]!,
      accumulated.logScale[run.runId]!,
      scaledValues,
    );
  });
}
