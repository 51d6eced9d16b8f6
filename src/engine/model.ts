import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';
import { activationDerivative, applyActivation } from './activation.ts';
import type { LayerScaling } from './init.ts';
import { variableFrom } from './variables.ts';
import { runMatMul, splitsRunMatMul } from './runMatMul.ts';
import { scaled } from './gain.ts';

/** Per-run weight slices are kept (see weightsOfRuns) for models up to this size. */
const MAX_KEPT_SLICE_BYTES = 64 * 2 ** 20;

/** One weight matrix of all runs at once. */
export interface StackedLayer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** [R, fanIn, fanOut] */
  readonly weights: tf.Variable<tf.Rank.R3>;
  /** [R, 1, fanOut] */
  readonly biases: tf.Variable<tf.Rank.R3>;
  readonly scaling: LayerScaling;
}

/** Per-run initial parameters of one layer, concatenated over runs by the model. */
export interface LayerInit {
  readonly fanIn: number;
  readonly fanOut: number;
  /** Forward gains; they depend on the parameterization only, so one serves every run. */
  readonly scaling: LayerScaling;
  /** One row-major [fanIn, fanOut] array per run. */
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
}

/** What the backward pass needs from the forward pass. */
export interface ForwardPass {
  /** [R, B, n_out] */
  readonly output: tf.Tensor3D;
  /** Input of every layer ([R, B, fanIn]). */
  readonly layerInputs: readonly tf.Tensor3D[];
  /** Pre-activation h^l of every hidden layer ([R, B, N]). */
  readonly preActivations: readonly tf.Tensor3D[];
}

/**
 * R networks n0 → N → … → N → n_out as one tensor program: every layer is a batched matMul over
 * the run axis, so R runs cost R times the FLOPs but the same number of kernel dispatches as one.
 * Hidden layers apply φ; the readout is linear.
 *
 * Back-propagation is written out rather than taken from tfjs autodiff: it is a few batched
 * matMuls, it keeps exactly the tensors it needs, and it does not depend on tfjs-core's gradient
 * registry (whose ESM-only registration file does not load in plain Node).
 */
export class StackedModel {
  readonly layers: readonly StackedLayer[];
  /** Per-run slices of weights for runMatMul, by layer and orientation, with the data they came from. */
  private readonly weightsByRun = new Map<string, { source: tf.DataId; parts: tf.Tensor2D[] }>();

  /** From per-run initial arrays, or (`{ stacked }`) taking ownership of existing variables. */
  constructor(
    readonly runCount: number,
    readonly activation: ActivationId,
    inits: readonly LayerInit[] | { readonly stacked: readonly StackedLayer[] },
  ) {
    this.layers =
      'stacked' in inits
        ? inits.stacked
        : inits.map((init) => ({
            fanIn: init.fanIn,
            fanOut: init.fanOut,
            scaling: init.scaling,
            weights: variableFrom(tf.tensor3d(concat(init.weights), [runCount, init.fanIn, init.fanOut])),
            biases: variableFrom(tf.tensor3d(concat(init.biases), [runCount, 1, init.fanOut])),
          }));
  }

  /**
   * A model over stacked tensors made elsewhere (the per-run formulation stacks its parameters
   * for a snapshot); it takes ownership of them, and dispose() frees them.
   */
  static fromStacked(
    activation: ActivationId,
    layers: readonly Omit<StackedLayer, 'weights' | 'biases'>[],
    weights: readonly tf.Tensor3D[],
    biases: readonly tf.Tensor3D[],
  ): StackedModel {
    return new StackedModel(weights[0]!.shape[0], activation, {
      stacked: layers.map((layer, l) => ({
        fanIn: layer.fanIn,
        fanOut: layer.fanOut,
        scaling: layer.scaling,
        weights: variableFrom(weights[l]!),
        biases: variableFrom(biases[l]!),
      })),
    });
  }

  get inputSize(): number {
    return this.layers[0]!.fanIn;
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1]!.fanOut;
  }

  /** Weights and biases of every layer, in the order `backward` returns their gradients. */
  get parameters(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.weights, layer.biases]);
  }

  /** Parameters of one run (weights and biases). */
  get parameterCount(): number {
    return this.layers.reduce((sum, l) => sum + l.fanIn * l.fanOut + l.fanOut, 0);
  }

  /**
   * Layer `index`'s weights as one 2-D matrix per run (transposed if asked), where runMatMul
   * splits by run; kept until the weights change, so that a model measured many times (a
   * snapshot's forward, backward and Jacobian passes) slices them once and XNNPACK packs them
   * once. Undefined where matMuls are not split.
   */
  weightsOfRuns(index: number, transposed: boolean): tf.Tensor2D[] | undefined {
    // XNNPACK keeps a packed copy of every matrix it has multiplied by while that matrix lives:
    // kept slices of a large model would double its memory (and overflow the 32-bit WASM heap).
    if (!splitsRunMatMul() || this.parameterBytes() > MAX_KEPT_SLICE_BYTES) return undefined;
    const key = `${index}${transposed ? 'ᵀ' : ''}`;
    const weights = this.layers[index]!.weights;
    const cached = this.weightsByRun.get(key);
    if (cached?.source === weights.dataId) return cached.parts;
    cached?.parts.forEach((part) => part.dispose());
    const parts = tf.tidy(() =>
      (tf.unstack(weights) as tf.Tensor2D[]).map((m) => (transposed ? tf.transpose(m) : m)),
    );
    // Kept past any tidy around the caller: the cache owns them until the weights change.
    parts.forEach((part) => tf.keep(part));
    this.weightsByRun.set(key, { source: weights.dataId, parts });
    return parts;
  }

  private parameterBytes(): number {
    return 4 * this.runCount * this.layers.reduce((sum, l) => sum + l.fanIn * l.fanOut, 0);
  }

  /** Forward pass for inputs shared by all runs ([B, n0]); call inside tf.tidy. */
  forward(x: tf.Tensor2D): ForwardPass {
    const batch = x.shape[0];
    let activity = tf.broadcastTo(x, [this.runCount, batch, this.inputSize]) as tf.Tensor3D;
    const layerInputs: tf.Tensor3D[] = [];
    const preActivations: tf.Tensor3D[] = [];
    const last = this.layers.length - 1;
    this.layers.forEach((layer, index) => {
      layerInputs.push(activity);
      const h = preActivation(activity, layer, this.weightsOfRuns(index, false));
      if (index === last) {
        activity = h;
        return;
      }
      preActivations.push(h);
      activity = applyActivation(this.activation, h) as tf.Tensor3D;
    });
    return { output: activity, layerInputs, preActivations };
  }

  /**
   * Gradients of Σ_r loss_r with respect to `parameters`, given ∂loss/∂output ([R, B, n_out]).
   * Every op acts within one run's slice, so each run gets exactly its own gradient.
   */
  backward(pass: ForwardPass, outputGradient: tf.Tensor3D): tf.Tensor[] {
    const grads: tf.Tensor[] = new Array<tf.Tensor>(2 * this.layers.length);
    let delta = outputGradient;
    for (let index = this.layers.length - 1; index >= 0; index--) {
      const layer = this.layers[index]!;
      const { weightGain, biasGain } = layer.scaling;
      const input = pass.layerInputs[index]!;
      grads[2 * index] = scaled(runMatMul(input, delta, true, false), weightGain);
      grads[2 * index + 1] = scaled(tf.sum(delta, 1, true), biasGain);
      if (index === 0) break;
      // δ^{l−1} = (g δ^l Wᵀ) ⊙ φ′(h^{l−1}); the layer's input is φ(h^{l−1}).
      const back = scaled(
        runMatMul(delta, layer.weights, false, true, this.weightsOfRuns(index, true)),
        weightGain,
      );
      const slope = activationDerivative(this.activation, pass.preActivations[index - 1]!, input);
      delta = (slope ? tf.mul(back, slope) : back) as tf.Tensor3D;
    }
    return grads;
  }

  dispose(): void {
    for (const { parts } of this.weightsByRun.values()) parts.forEach((part) => part.dispose());
    this.weightsByRun.clear();
    for (const layer of this.layers) {
      layer.weights.dispose();
      layer.biases.dispose();
    }
  }
}

/** h = g (x W) + g_b b for every run; `weightsOfRuns` as runMatMul takes them. */
export function preActivation(
  x: tf.Tensor3D,
  layer: StackedLayer,
  weightsOfRuns?: tf.Tensor2D[],
): tf.Tensor3D {
  const { weightGain, biasGain } = layer.scaling;
  return tf.add(
    scaled(runMatMul(x, layer.weights, false, false, weightsOfRuns), weightGain),
    scaled(layer.biases, biasGain),
  );
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
