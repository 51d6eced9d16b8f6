import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from './data/dataset.ts';
import type { InputScaling } from './inputScaling.ts';
import { layerwiseKernel } from './layerwiseKernel.ts';
import type { StackedModel } from './model.ts';

/** The most probe inputs an NTK is taken on: its D×D kernel is drawn as a heatmap. */
export const MAX_NTK_INPUTS = 64;

export interface EmpiricalNtk {
  /** Per run, the D×D kernel Θ(x_a, x_b) of the output unit, row-major. */
  readonly kernels: Float32Array[];
  /** Per run, the D values of the output unit f(x_a). */
  readonly outputs: Float32Array[];
}

/**
 * The empirical neural tangent kernel Θ_ab = ⟨∂f(x_a)/∂θ, ∂f(x_b)/∂θ⟩ of output unit `unit` of every
 * run, θ the stored parameters (the ones gradient descent moves), on inputs x [D, n0]: the one-unit
 * case of layerwiseKernel, Σ_l (g_w² H_{l−1}H_{l−1}ᵀ + g_b²) ⊙ (Δ_l Δ_lᵀ), with no per-example loop
 * and no parameter-sized Jacobian.
 */
export async function empiricalNtk(model: StackedModel, x: tf.Tensor2D, unit: number): Promise<EmpiricalNtk> {
  const outputs = model.outputSize;
  if (!Number.isInteger(unit) || unit < 0 || unit >= outputs)
    throw new RangeError(`output unit ${unit} is not in 0 … ${outputs - 1}`);
  const kernel = await layerwiseKernel(model, x, [unit]);
  return {
    kernels: kernel.kernels,
    outputs: kernel.outputs.map((values) =>
      Float32Array.from({ length: kernel.count }, (_, a) => values[a * outputs + unit]!),
    ),
  };
}

/** ‖b − a‖_F / ‖a‖_F in Float64 (a the reference, e.g. the kernel at step 0). */
export function relativeChange(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`arrays of ${a.length} and ${b.length} entries`);
  let difference = 0;
  let reference = 0;
  for (let i = 0; i < a.length; i++) {
    difference += (b[i]! - a[i]!) ** 2;
    reference += a[i]! ** 2;
  }
  if (reference === 0) return difference === 0 ? 0 : Infinity;
  return Math.sqrt(difference / reference);
}

/**
 * Per run, per layer (hidden layers 1 … L, then the readout): ‖W_t − W_0‖_F / ‖W_0‖_F of the stored
 * weights (the ratio is the same for the effective weights g_w·W, the gain being fixed). One read.
 */
export async function weightChange(initial: StackedModel, current: StackedModel): Promise<Float32Array[]> {
  const layers = initial.layers.length;
  if (
    current.runCount !== initial.runCount ||
    current.layers.length !== layers ||
    current.layers.some(
      (l, i) => l.fanIn !== initial.layers[i]!.fanIn || l.fanOut !== initial.layers[i]!.fanOut,
    )
  )
    throw new RangeError('weightChange compares models of the same shape');
  const ratios = tf.tidy(() =>
    tf.stack(
      initial.layers.map((layer, index) => {
        const start = layer.weights;
        const moved = tf.sub(current.layers[index]!.weights, start);
        return tf.sqrt(tf.div(tf.sum(tf.square(moved), [1, 2]), tf.sum(tf.square(start), [1, 2])));
      }),
      1,
    ),
  );
  const values = (await ratios.data()) as Float32Array;
  ratios.dispose();
  return Array.from({ length: initial.runCount }, (_, r) => values.slice(r * layers, (r + 1) * layers));
}

export interface NtkProbeInputs {
  /** [D, n0] row-major, as the first layer sees them (the training inputs' scaling applied). */
  readonly x: Float32Array;
  /** The class of each input (argmax of its one-hot target); −1 for regression. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly inputSize: number;
}

/**
 * The inputs the NTK is measured on: the first `count` (≤ MAX_NTK_INPUTS, and at most the held-out
 * set) held-out examples, stably sorted by class so that a heatmap shows class blocks; regression
 * examples stay in order. Scaled by scaling.scale exactly as training inputs are.
 */
export function ntkProbeInputs(dataset: Dataset, scaling: InputScaling, count: number): NtkProbeInputs {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NTK_INPUTS)
    throw new RangeError(`NTK inputs: ${count} is not in 1 … ${MAX_NTK_INPUTS}`);
  const rows = Math.min(count, dataset.testCount);
  const n0 = dataset.inputSize;
  const outputs = dataset.outputSize;
  const x = new Float32Array(rows * n0);
  const y = new Float32Array(rows * outputs);
  dataset.fillTest(0, rows, scaling.scale, x, y);
  const classOf = (row: number): number => {
    if (dataset.task !== 'classification') return -1;
    let best = 0;
    for (let k = 1; k < outputs; k++) if (y[row * outputs + k]! > y[row * outputs + best]!) best = k;
    return best;
  };
  const classes = Array.from({ length: rows }, (_, row) => classOf(row));
  // Array.prototype.sort is stable: equal classes keep their held-out order.
  const order = classes.map((_, row) => row).sort((a, b) => classes[a]! - classes[b]!);
  const sorted = new Float32Array(rows * n0);
  order.forEach((row, i) => sorted.set(x.subarray(row * n0, (row + 1) * n0), i * n0));
  return { x: sorted, labels: Int32Array.from(order, (row) => classes[row]!), count: rows, inputSize: n0 };
}
