import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative, applyActivation } from './activation.ts';
import { scaled } from './gain.ts';
import { preActivation, type StackedModel } from './model.ts';
import { runMatMul, splitsRunMatMul } from './runMatMul.ts';

/** The empirical NTK of a set of output units of every run (see layerwiseKernel). */
export interface LayerwiseKernel {
  /** Probe inputs D. */
  readonly count: number;
  /** The output units the kernel is over, in its order. */
  readonly units: readonly number[];
  /** Per run, the (m·D)×(m·D) kernel, row-major, rows unit-major: index i·D + a (i-th unit, example a). */
  readonly kernels: Float32Array[];
  /** Per run, every output unit's value f_j(x_a) as D × n_out row-major (as the model outputs them). */
  readonly outputs: Float32Array[];
}

/**
 * Θ[(i,a),(j,b)] = ⟨∂f_i(x_a)/∂θ, ∂f_j(x_b)/∂θ⟩ for the m output units `units` of every run, θ the
 * stored parameters (the ones gradient descent moves), on inputs x [D, n0].
 *
 * Layer by layer: with h^l = g_w·(x^{l−1} W^l) + g_b·b^l, ∂f/∂W^l_ij = g_w x^{l−1}_i δ^l_j and
 * ∂f/∂b^l_j = g_b δ^l_j, where δ^l = ∂f/∂h^l; so
 *   Θ = Σ_l (g_w² H_{l−1}H_{l−1}ᵀ + g_b²) ⊗ 1_m1_mᵀ ⊙ (Δ_l Δ_lᵀ),
 * H_{l−1} [D, n_{l−1}] the layer's inputs and Δ_l [m·D, n_l] the signals of every unit and example,
 * readout included. The backward pass runs once on m·D rows (row (i, a) starts from e_{unit i} at the
 * readout and is gated by φ′(h(x_a))): nothing in a layer mixes rows, so each row is its own
 * example's back-propagation. No per-example loop, no parameter-sized Jacobian: the largest tensors
 * are the pre-activations [R, D, N] kept from the forward pass and the signals [R, m·D, N].
 * One unit is the NTK panel's kernel (ntk.ts); all of them the Fisher's (curvature.ts).
 */
export async function layerwiseKernel(
  model: StackedModel,
  x: tf.Tensor2D,
  units: readonly number[],
): Promise<LayerwiseKernel> {
  const outputSize = model.outputSize;
  if (units.length === 0 || units.some((unit) => !Number.isInteger(unit) || unit < 0 || unit >= outputSize))
    throw new RangeError(`output units ${units.join(', ')}: each must be in 0 … ${outputSize - 1}`);
  if (x.shape[1] !== model.inputSize)
    throw new RangeError(`inputs have ${x.shape[1]} features; the model takes ${model.inputSize}`);
  const runs = model.runCount;
  const count = x.shape[0];
  const m = units.length;
  const layers = model.layers;
  const readout = layers.length - 1;

  // Forward: keep h^l of every hidden layer and the Gram matrix H_{l−1}H_{l−1}ᵀ of every layer's
  // input; the activities x^l = φ(h^l) are recomputed where needed rather than kept.
  const preActivations: tf.Tensor3D[] = [];
  const grams: tf.Tensor3D[] = [];
  let kernel: tf.Tensor3D | null = null;
  let delta: tf.Tensor3D | null = null;
  let output: tf.Tensor3D | null = null;
  try {
    for (let index = 0; index <= readout; index++) {
      const previous = index === 0 ? null : preActivations[index - 1]!;
      const [gram, h] = tf.tidy(() => {
        const input: tf.Tensor3D = previous
          ? (applyActivation(model.activation, previous) as tf.Tensor3D)
          : (tf.broadcastTo(x, [runs, count, model.inputSize]) as tf.Tensor3D);
        const inputGram = previous ? runMatMul(input, input, false, true) : sharedGram(x, runs);
        return [inputGram, preActivation(input, layers[index]!, model.weightsOfRuns(index, false))];
      });
      grams.push(gram);
      if (index === readout) output = h;
      else preActivations.push(h);
    }

    for (let index = readout; index >= 0; index--) {
      const layer = layers[index]!;
      const { weightGain, biasGain } = layer.scaling;
      const current: tf.Tensor3D | null = delta;
      const sofar: tf.Tensor3D | null = kernel;
      const [nextKernel, nextDelta] = tf.tidy(() => {
        const gram = tf.add(scaled(grams[index]!, weightGain * weightGain), biasGain * biasGain);
        const inputTerm = m === 1 ? gram : tf.tile(gram, [1, m, m]);
        // At the readout Δ = e_i for row (i, a): Δ Δᵀ is 1 within a unit's block, 0 across units.
        const signalTerm = current
          ? runMatMul(current, current, false, true)
          : m === 1
            ? null
            : unitBlocks(m, count);
        const term = signalTerm ? tf.mul(inputTerm, signalTerm) : inputTerm;
        const sum = (sofar ? tf.add(sofar, term) : term) as tf.Tensor3D;
        if (index === 0) return [sum];
        const h = preActivations[index - 1]!;
        // δ^{l−1} = g_w (δ^l W^lᵀ) ⊙ φ′(h^{l−1}); from the readout, row (i, a) of δ Wᵀ is column
        // units[i] of W (one unit: a single row, broadcast over the examples by the slope).
        const back = current
          ? backProject(model, index, current)
          : readoutColumns(layer.weights, units, count);
        const slope = activationDerivative(model.activation, h, applyActivation(model.activation, h));
        const signal = scaled(back, weightGain);
        const rows = m === 1 ? count : m * count;
        if (!slope) return [sum, tf.broadcastTo(signal, [runs, rows, layer.fanIn])];
        return [sum, tf.mul(signal, m === 1 ? slope : tf.tile(slope, [1, m, 1]))];
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
    const size = (m * count) ** 2;
    const outputs = count * outputSize;
    return {
      count,
      units,
      kernels: Array.from({ length: runs }, (_, r) => kernelValues.slice(r * size, (r + 1) * size)),
      outputs: Array.from({ length: runs }, (_, r) => outputValues.slice(r * outputs, (r + 1) * outputs)),
    };
  } finally {
    for (const t of [...preActivations, ...grams]) if (!t.isDisposed) t.dispose();
    kernel?.dispose();
    delta?.dispose();
    output?.dispose();
  }
}

/**
 * δ Wᵀ ([R, rows, fanIn]) for layer `index`. Where the model keeps its per-run transposed weights,
 * with them; otherwise, on a backend that splits matMuls by run, as (W δᵀ)ᵀ: that transposes two
 * rows × N blocks instead of the N × N weights, and XNNPACK packs δᵀ rather than W as its right
 * operand (at N = 1024, D = 32 on wasm: 9 ms a product against 39 ms, and no 22 ms transpose of W).
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

/** kron(I_m, 1_D 1_Dᵀ) as [1, m·D, m·D]: the readout's Δ Δᵀ in unit-major order. */
function unitBlocks(units: number, count: number): tf.Tensor3D {
  const rows = units * count;
  const values = new Float32Array(rows * rows);
  for (let i = 0; i < units; i++)
    for (let a = 0; a < count; a++) {
      const start = (i * count + a) * rows + i * count;
      values.fill(1, start, start + count);
    }
  return tf.tensor3d(values, [1, rows, rows]);
}

/**
 * The readout weights' columns of `units` ([R, N, n_out] → rows (i, a) ↦ W[:, units[i]]):
 * [R, m·D, N], or [R, 1, N] for one unit (the examples then share it until the slope spreads it).
 */
function readoutColumns(weights: tf.Tensor3D, units: readonly number[], count: number): tf.Tensor3D {
  const [runs, fanIn] = weights.shape;
  const m = units.length;
  const chosen = tf.transpose(tf.gather(weights, units, 2), [0, 2, 1]) as tf.Tensor3D;
  if (m === 1) return chosen;
  const columns = tf.reshape(chosen, [runs, m, 1, fanIn]);
  return tf.reshape(tf.broadcastTo(columns, [runs, m, count, fanIn]), [runs, m * count, fanIn]);
}
