import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative, applyActivation } from './activation.ts';
import { scaled } from './gain.ts';
import { preActivation, type StackedModel } from './model.ts';
import { runMatMul } from './runMatMul.ts';

/**
 * The empirical NTK over every output unit of every run: Θ_all[(i,a),(j,b)] = ⟨∂f_i(x_a)/∂θ,
 * ∂f_j(x_b)/∂θ⟩, θ the stored weights and biases. Rows and columns are ordered unit-major,
 * index i·D + a (unit i, example a), so the diagonal block of unit i is empiricalNtk(model, x, i).
 */
export interface AllOutputNtk {
  /** Probe inputs D. */
  readonly count: number;
  /** Output units k. */
  readonly units: number;
  /** Per run, the (k·D)×(k·D) kernel, row-major. */
  readonly kernels: Float32Array[];
  /** Per run, f_i(x_a) as D×k row-major (example-major, as the model's outputs are). */
  readonly outputs: Float32Array[];
}

/**
 * Θ_all of every run on inputs x [D, n0], layer by layer as empiricalNtk (ntk.ts) does for one unit:
 *   Θ_all = Σ_l (g_w² H_{l−1}H_{l−1}ᵀ + g_b²) ⊗ 1_k1_kᵀ ⊙ (Δ_l Δ_lᵀ),
 * with Δ_l [k·D, n_l] the signals ∂f_i(x_a)/∂h^l of every unit i and example a. The backward pass
 * runs once on a batch of k·D rows (row i·D + a starts from e_i at the readout and is gated by
 * φ′(h(x_a))); nothing in a layer mixes rows, so every row is its own example's back-propagation.
 * The largest tensors are the kept pre-activations [R, D, N] and the signals [R, k·D, N].
 */
export async function allOutputNtk(model: StackedModel, x: tf.Tensor2D): Promise<AllOutputNtk> {
  if (x.shape[1] !== model.inputSize)
    throw new RangeError(`inputs have ${x.shape[1]} features; the model takes ${model.inputSize}`);
  const runs = model.runCount;
  const count = x.shape[0];
  const units = model.outputSize;
  const rows = units * count;
  const layers = model.layers;
  const readout = layers.length - 1;

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
        return [
          runMatMul(input, input, false, true),
          preActivation(input, layers[index]!, model.weightsOfRuns(index, false)),
        ];
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
        const inputTerm = tf.tile(
          tf.add(scaled(grams[index]!, weightGain * weightGain), biasGain * biasGain),
          [1, units, units],
        );
        // At the readout Δ = e_i for row (i, a): Δ Δᵀ is 1 within a unit's block, 0 across units.
        const signalTerm = current ? runMatMul(current, current, false, true) : unitBlocks(units, count);
        const term = tf.mul(inputTerm, signalTerm);
        const sum = (sofar ? tf.add(sofar, term) : term) as tf.Tensor3D;
        if (index === 0) return [sum];
        // δ^{l−1} = g_w (δ^l W^lᵀ) ⊙ φ′(h^{l−1}); from the readout, row (i, a) of δ W ᵀ is column i of W.
        const back = current
          ? runMatMul(current, layer.weights, false, true, model.weightsOfRuns(index, true))
          : readoutColumns(layer.weights, count);
        const h = preActivations[index - 1]!;
        const slope = activationDerivative(model.activation, h, applyActivation(model.activation, h));
        const signal = scaled(back, weightGain);
        return [sum, slope ? tf.mul(signal, tf.tile(slope, [1, units, 1])) : signal];
      }) as [tf.Tensor3D, tf.Tensor3D?];
      sofar?.dispose();
      current?.dispose();
      kernel = nextKernel;
      delta = nextDelta ?? null;
      grams[index]!.dispose();
      if (index > 0) preActivations[index - 1]!.dispose();
    }
    const [kernelValues, outputValues] = (await Promise.all([kernel!.data(), output!.data()])) as [
      Float32Array,
      Float32Array,
    ];
    const size = rows * rows;
    return {
      count,
      units,
      kernels: Array.from({ length: runs }, (_, r) => kernelValues.slice(r * size, (r + 1) * size)),
      outputs: Array.from({ length: runs }, (_, r) =>
        outputValues.slice(r * count * units, (r + 1) * count * units),
      ),
    };
  } finally {
    for (const t of [...preActivations, ...grams]) if (!t.isDisposed) t.dispose();
    kernel?.dispose();
    delta?.dispose();
    output?.dispose();
  }
}

/** kron(I_k, 1_D 1_Dᵀ) as [1, k·D, k·D]: the readout's Δ Δᵀ in unit-major order. */
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

/** Readout weights [R, N, k] as rows (i, a) ↦ W[:, i]: [R, k·D, N]. */
function readoutColumns(weights: tf.Tensor3D, count: number): tf.Tensor3D {
  const [runs, fanIn, units] = weights.shape;
  const columns = tf.reshape(tf.transpose(weights, [0, 2, 1]), [runs, units, 1, fanIn]);
  return tf.reshape(tf.broadcastTo(columns, [runs, units, count, fanIn]), [runs, units * count, fanIn]);
}
