import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative, applyActivation } from './activation.ts';
import type { Dataset } from './data/dataset.ts';
import type { InputScaling } from './inputScaling.ts';
import { preActivation, type StackedModel } from './model.ts';
import { runMatMul, splitsRunMatMul } from './runMatMul.ts';
import { scaled } from './gain.ts';

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
 * run, θ the stored parameters (the ones gradient descent moves), on inputs x [D, n0].
 *
 * Layer by layer: with h^l = g_w·(x^{l−1} W^l) + g_b·b^l, ∂f/∂W^l_ij = g_w x^{l−1}_i δ^l_j and
 * ∂f/∂b^l_j = g_b δ^l_j, where δ^l = ∂f/∂h^l; so
 *   Θ = Σ_l (g_w² H_{l−1}H_{l−1}ᵀ + g_b²) ⊙ (Δ_l Δ_lᵀ),
 * H_{l−1} [D, n_{l−1}] the layer's inputs and Δ_l [D, n_l] their signals, readout included. The
 * batch axis is the example axis: δ is back-propagated from the one-hot output gradient of each
 * example separately in one pass, because nothing in a layer mixes examples. No per-example loop,
 * no parameter-sized Jacobian: the largest tensors are the pre-activations [R, D, N] kept from the
 * forward pass (as a training step on a batch of D keeps them), and Θ is accumulated in place.
 */
export async function empiricalNtk(model: StackedModel, x: tf.Tensor2D, unit: number): Promise<EmpiricalNtk> {
  const outputs = model.outputSize;
  if (!Number.isInteger(unit) || unit < 0 || unit >= outputs)
    throw new RangeError(`output unit ${unit} is not in 0 … ${outputs - 1}`);
  if (x.shape[1] !== model.inputSize)
    throw new RangeError(`inputs have ${x.shape[1]} features; the model takes ${model.inputSize}`);
  const runs = model.runCount;
  const count = x.shape[0];
  const layers = model.layers;
  const readout = layers.length - 1;

  // Forward: keep h^l of every hidden layer and the Gram matrix H_{l−1}H_{l−1}ᵀ of every layer's
  // input; the activities x^l = φ(h^l) are recomputed where needed rather than kept.
  const preActivations: tf.Tensor3D[] = [];
  const grams: tf.Tensor3D[] = [];
  let kernel: tf.Tensor3D | null = null;
  let delta: tf.Tensor3D | null = null;
  let output: tf.Tensor2D | null = null;
  try {
    for (let index = 0; index <= readout; index++) {
      const previous = index === 0 ? null : preActivations[index - 1]!;
      const [gram, h] = tf.tidy(() => {
        const input: tf.Tensor3D = previous
          ? (applyActivation(model.activation, previous) as tf.Tensor3D)
          : (tf.broadcastTo(x, [runs, count, model.inputSize]) as tf.Tensor3D);
        const inputGram = previous ? runMatMul(input, input, false, true) : sharedGram(x, runs);
        const next = preActivation(input, layers[index]!, model.weightsOfRuns(index, false));
        return [
          inputGram,
          index === readout ? tf.squeeze(tf.slice(next, [0, 0, unit], [-1, -1, 1]), [2]) : next,
        ];
      });
      grams.push(gram);
      if (index === readout) output = h as tf.Tensor2D;
      else preActivations.push(h as tf.Tensor3D);
    }

    // Backward from the readout, whose δ is the one-hot e_unit for every example (Δ Δᵀ = 1).
    for (let index = readout; index >= 0; index--) {
      const layer = layers[index]!;
      const { weightGain, biasGain } = layer.scaling;
      const current: tf.Tensor3D | null = delta;
      const sofar: tf.Tensor3D | null = kernel;
      const [nextKernel, nextDelta] = tf.tidy(() => {
        const inputTerm = tf.add(scaled(grams[index]!, weightGain * weightGain), biasGain * biasGain);
        const term = current ? tf.mul(inputTerm, runMatMul(current, current, false, true)) : inputTerm;
        const sum = (sofar ? tf.add(sofar, term) : term) as tf.Tensor3D;
        if (index === 0) return [sum];
        const h = preActivations[index - 1]!;
        // δ^{l−1} = g_w (δ^l W^lᵀ) ⊙ φ′(h^{l−1}); at the readout δ^l W^lᵀ is column `unit` of W.
        const back = current
          ? backProject(model, index, current)
          : tf.reshape(tf.slice(layer.weights, [0, 0, unit], [-1, -1, 1]), [runs, 1, layer.fanIn]);
        const slope = activationDerivative(model.activation, h, applyActivation(model.activation, h));
        const signal = scaled(back, weightGain);
        return [sum, slope ? tf.mul(signal, slope) : tf.broadcastTo(signal, [runs, count, layer.fanIn])];
      }) as [tf.Tensor3D, tf.Tensor3D?];
      sofar?.dispose();
      current?.dispose();
      kernel = nextKernel;
      delta = nextDelta ?? null;
      // Each layer's h and Gram are used once on the way back.
      grams[index]!.dispose();
      if (index > 0) preActivations[index - 1]!.dispose();
    }
    const [kernelValues, outputValues] = (await Promise.all([kernel!.data(), output!.data()])) as [
      Float32Array,
      Float32Array,
    ];
    const size = count * count;
    return {
      kernels: Array.from({ length: runs }, (_, r) => kernelValues.slice(r * size, (r + 1) * size)),
      outputs: Array.from({ length: runs }, (_, r) => outputValues.slice(r * count, (r + 1) * count)),
    };
  } finally {
    for (const t of [...preActivations, ...grams]) if (!t.isDisposed) t.dispose();
    kernel?.dispose();
    delta?.dispose();
    output?.dispose();
  }
}

/**
 * δ Wᵀ ([R, D, fanIn]) for layer `index`. Where the model keeps its per-run transposed weights, with
 * them; otherwise, on a backend that splits matMuls by run, as (W δᵀ)ᵀ: that transposes two D × N
 * blocks instead of the N × N weights, and XNNPACK packs δᵀ rather than W as its right operand
 * (at N = 1024, D = 32 on wasm: 9 ms a product against 39 ms, and no 22 ms transpose of W).
 */
function backProject(model: StackedModel, index: number, delta: tf.Tensor3D): tf.Tensor3D {
  const weights = model.layers[index]!.weights;
  const kept = model.weightsOfRuns(index, true);
  if (kept || !splitsRunMatMul()) return runMatMul(delta, weights, false, true, kept);
  return tf.transpose(runMatMul(weights, delta, false, true), [0, 2, 1]);
}

/** x xᵀ of inputs shared by every run, taken once and broadcast to [R, D, D]. */
function sharedGram(x: tf.Tensor2D, runs: number): tf.Tensor3D {
  const [count, features] = x.shape;
  const single = tf.reshape(x, [1, count, features]) as tf.Tensor3D;
  return tf.broadcastTo(runMatMul(single, single, false, true), [runs, count, count]) as tf.Tensor3D;
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
