import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';
import { activationDerivative, applyActivation } from './activation.ts';
import type { Task } from './data/dataset.ts';
import type { LayerScaling } from './init.ts';
import {
  fusedBackActivate,
  fusedBiasActivate,
  fusedLayerKernelsAvailable,
  registerFusedLayerKernels,
} from './kernels/fusedLayerKernels.ts';
import { columnLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { updateRule } from './optimizerRule.ts';
import { NO_ORTHOGONALITY, OrthogonalityRule, type OrthogonalitySettings } from './orthogonalityRule.ts';
import { SLOT_COUNT, type OptimizerId } from './optimizerSlots.ts';
import type { FrozenNetworks, Trainer } from './trainer.ts';
import { variableFrom } from './variables.ts';
import { scaled } from './gain.ts';
import { MIRROR_SCALE, copiesPerRun } from './mirror.ts';

/** One layer of one run, in column layout: h = weightGain·(Wᵀ x) + biasGain·b for x of shape [n_in, B]. */
interface ColumnParameters {
  readonly fanIn: number;
  readonly fanOut: number;
  readonly scaling: LayerScaling;
  /** Wᵀ, [fanOut, fanIn]. */
  readonly weights: tf.Tensor2D;
  /** [fanOut, 1]. */
  readonly biases: tf.Tensor2D;
}

/** A trained layer: its parameters as variables, and their optimizer state. */
interface ColumnLayer extends ColumnParameters {
  readonly weights: tf.Variable<tf.Rank.R2>;
  readonly biases: tf.Variable<tf.Rank.R2>;
  /** Optimizer state of the weights and of the biases. */
  readonly weightSlots: readonly tf.Variable[];
  readonly biasSlots: readonly tf.Variable[];
}

/**
 * Every run as its own chain of 2-D matMuls in column layout (see Formulation): forward
 * Wᵀ·x, backward Wᵀ's transpose times δ, and the weight gradient δ·xᵀ, each an untransposed 2-D
 * product with an [n, B] activation block as the right operand. A frozen (diverged) run is not
 * computed at all. The arithmetic is that of StackedModel, so both formulations train alike (a
 * test holds them together). A mirrored run (mirror.ts) is two such chains, copy a of run r at
 * r and copy b at R + r, whose outputs meet in the loss.
 */
export class PerRunTrainer implements Trainer {
  readonly formulation = 'per-run';
  private readonly runs: ColumnLayer[][];
  private live: boolean[];
  private updates = 0;
  private readonly orthogonality: OrthogonalityRule;

  constructor(
    readonly runCount: number,
    private readonly activation: ActivationId,
    inits: readonly LayerInit[],
    private readonly optimizer: OptimizerId,
    /** One per run: each run's chain of kernels takes its own η as a scalar. */
    private readonly learningRates: readonly number[],
    orthogonality: OrthogonalitySettings = NO_ORTHOGONALITY,
    /** Every run is f = (g_a − g_b)/√2 of two copies of its init (mirror.ts). */
    private readonly mirrored = false,
  ) {
    registerFusedLayerKernels();
    this.orthogonality = new OrthogonalityRule(orthogonality, 'columns', inits);
    this.live = new Array<boolean>(runCount).fill(true);
    const slots = (shape: number[]) =>
      Array.from({ length: SLOT_COUNT[optimizer] }, () => variableFrom(tf.zeros(shape)));
    // Copy b of run r (index R + r) starts from run r's arrays, so both copies hold the same bits.
    this.runs = Array.from({ length: runCount * copiesPerRun(mirrored) }, (_, network) => {
      const r = network % runCount;
      return inits.map((init) => ({
        fanIn: init.fanIn,
        fanOut: init.fanOut,
        scaling: init.scaling,
        weights: variableFrom(
          tf.tidy(() => tf.transpose(tf.tensor2d(init.weights[r]!, [init.fanIn, init.fanOut]))),
        ),
        biases: variableFrom(tf.tensor2d(init.biases[r]!, [init.fanOut, 1])),
        weightSlots: slots([init.fanOut, init.fanIn]),
        biasSlots: slots([init.fanOut, 1]),
      }));
    });
  }

  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    this.updates += 1;
    return tf.tidy(() => {
      const columns = tf.transpose(x);
      const targets = tf.transpose(y);
      const losses = this.live.map((live, r) =>
        live
          ? tf.tidy(() =>
              this.trainRun(this.copiesOf(r, this.runs), this.learningRates[r]!, task, x, columns, targets),
            )
          : tf.scalar(NaN),
      );
      return tf.stack(losses) as tf.Tensor1D;
    });
  }

  freeze(): FrozenNetworks {
    const frozen: ColumnParameters[][] = this.runs.map((layers) =>
      layers.map((layer) => ({ ...layer, weights: tf.clone(layer.weights), biases: tf.clone(layer.biases) })),
    );
    // Of mirrored runs, the copies a (the first R): the network that signal, gradient norms and
    // model() look inside (see FrozenNetworks.model).
    const copiesA = frozen.slice(0, this.runCount);
    let model: StackedModel | null = null;
    let both: StackedModel | null = null;
    return {
      outputs: (x) => this.outputsOf(frozen, x),
      signal: (x) => {
        const columns = tf.transpose(x);
        return tf.stack(
          copiesA.map((layers) =>
            tf.stack(this.forward(layers, columns).preActivations.map((h) => tf.mean(tf.square(h)))),
          ),
        ) as tf.Tensor2D;
      },
      gradientNorms: (task, x, y, runIds) =>
        this.gradientNormsOf(
          runIds.map((r) => copiesA[r]!),
          task,
          x,
          y,
        ),
      model: () => (model ??= this.stacked(copiesA)),
      ...(this.mirrored ? { copies: () => (both ??= this.stacked(frozen)) } : {}),
      dispose: () => {
        model?.dispose();
        both?.dispose();
        for (const layer of frozen.flat()) tf.dispose([layer.weights, layer.biases]);
      },
    };
  }

  setLiveRuns(live: readonly boolean[]): void {
    this.live = [...live];
  }

  dispose(): void {
    for (const layer of this.runs.flat()) {
      for (const variable of [layer.weights, layer.biases, ...layer.weightSlots, ...layer.biasSlots])
        variable.dispose();
    }
  }

  /** The networks of run r: [its network], or its copies [a, b] when mirrored. */
  private copiesOf<T>(r: number, networks: readonly T[]): T[] {
    return this.mirrored ? [networks[r]!, networks[this.runCount + r]!] : [networks[r]!];
  }

  /** Run r's output [n_out, B] from its networks' outputs: (o_a − o_b)/√2 when mirrored. */
  private runOutput(outputs: readonly tf.Tensor2D[]): tf.Tensor2D {
    return outputs.length === 2 ? tf.mul(tf.sub(outputs[0]!, outputs[1]!), MIRROR_SCALE) : outputs[0]!;
  }

  /** The outputs [R, B, n_out] of every run (mirrored runs combined) of `networks`. */
  private outputsOf(networks: readonly (readonly ColumnParameters[])[], x: tf.Tensor2D): tf.Tensor3D {
    const columns = tf.transpose(x);
    const runs = Array.from({ length: this.runCount }, (_, r) =>
      tf.transpose(
        this.runOutput(this.copiesOf(r, networks).map((layers) => this.forward(layers, columns).output)),
      ),
    );
    return tf.stack(runs) as tf.Tensor3D;
  }

  /** Row-layout [R, n_in, n_out] stacks of the runs' parameters. */
  private stacked(runs: readonly (readonly ColumnParameters[])[]): StackedModel {
    const layers = runs[0]!;
    const [weights, biases] = tf.tidy(() => [
      layers.map((_, l) => tf.stack(runs.map((run) => tf.transpose(run[l]!.weights))) as tf.Tensor3D),
      layers.map((_, l) => tf.stack(runs.map((run) => tf.transpose(run[l]!.biases))) as tf.Tensor3D),
    ]);
    return StackedModel.fromStacked(this.activation, layers, weights, biases);
  }

  private forward(layers: readonly ColumnParameters[], columns: tf.Tensor2D) {
    const fused = fusedLayerKernelsAvailable();
    const inputs: tf.Tensor2D[] = [];
    const preActivations: tf.Tensor2D[] = [];
    let activity = columns;
    const last = layers.length - 1;
    layers.forEach((layer, index) => {
      inputs.push(activity);
      const { weightGain, biasGain } = layer.scaling;
      const z = tf.matMul(layer.weights, activity) as tf.Tensor2D;
      if (index < last && fused) {
        const { h, a } = fusedBiasActivate(z, layer.biases, this.activation, weightGain, biasGain);
        preActivations.push(h);
        activity = a;
        return;
      }
      const h = tf.add<tf.Tensor2D>(scaled(z, weightGain), scaled(layer.biases, biasGain));
      if (index < last) {
        preActivations.push(h);
        activity = applyActivation(this.activation, h) as tf.Tensor2D;
      } else activity = h;
    });
    return { output: activity, inputs, preActivations };
  }

  /**
   * Forward, backward and update of one run, given its networks (one, or the copies a and b of a
   * mirrored run); returns its loss before the update.
   */
  private trainRun(
    copies: readonly (readonly ColumnLayer[])[],
    learningRate: number,
    task: Task,
    rows: tf.Tensor2D,
    columns: tf.Tensor2D,
    targets: tf.Tensor2D,
  ): tf.Scalar {
    // Both forward passes first: the loss needs both outputs (each copy's update then touches only
    // its own variables).
    const passes = copies.map((layers) => this.forward(layers, columns));
    const { loss, gradient } = columnLoss(task, this.runOutput(passes.map((pass) => pass.output)), targets);
    // Plain SGD needs only η·gradient, and back-propagation is linear in δ: starting from η·δ
    // gives every parameter's step directly and saves a multiply per parameter.
    const folded = this.optimizer === 'sgd';
    const delta: tf.Tensor2D = folded ? tf.mul(gradient, learningRate) : gradient;
    // ∂f/∂o_a = 1/√2 and ∂f/∂o_b = −1/√2 for a mirrored run.
    const deltas: tf.Tensor2D[] =
      copies.length === 2
        ? [tf.mul<tf.Tensor2D>(delta, MIRROR_SCALE), tf.mul<tf.Tensor2D>(delta, -MIRROR_SCALE)]
        : [delta];
    copies.forEach((layers, c) =>
      this.trainNetwork(layers, passes[c]!, deltas[c]!, rows, learningRate, folded),
    );
    return loss;
  }

  /** Back-propagates `delta` (∂loss/∂output, times η when `folded`) through one network and updates it. */
  private trainNetwork(
    layers: readonly ColumnLayer[],
    pass: ReturnType<PerRunTrainer['forward']>,
    delta: tf.Tensor2D,
    rows: tf.Tensor2D,
    learningRate: number,
    folded: boolean,
  ): void {
    this.backward(layers, pass, delta, rows, (index, grads) => {
      const layer = layers[index]!;
      const rule = this.orthogonality;
      // The penalty's gradient is taken at the weights before this update, like the loss's.
      const penalty = rule.penaltyGradient(index, layer.weights);
      const weightGrad = penalty
        ? tf.add(grads.weights, folded ? tf.mul(penalty, learningRate) : penalty)
        : grads.weights;
      const project = rule.constrains(index) ? (next: tf.Tensor) => rule.project(index, next) : undefined;
      this.update(learningRate, layer.weights, weightGrad, layer.weightSlots, folded, project);
      this.update(learningRate, layer.biases, grads.biases, layer.biasSlots, folded);
    });
  }

  /**
   * Back-propagates ∂loss/∂output (`delta`, [n_out, B]) through one run, from the readout down,
   * handing each layer's gradients to `visit` after the δ below it has been computed from its
   * weights (so that `visit` may update them), together with that δ (null for the first layer).
   */
  private backward(
    layers: readonly ColumnParameters[],
    pass: ReturnType<PerRunTrainer['forward']>,
    outputDelta: tf.Tensor2D,
    rows: tf.Tensor2D,
    visit: (
      index: number,
      grads: { weights: tf.Tensor2D; biases: tf.Tensor2D },
      below: tf.Tensor2D | null,
    ) => void,
  ): void {
    const fused = fusedLayerKernelsAvailable();
    let delta = outputDelta;
    for (let index = layers.length - 1; index >= 0; index--) {
      const layer = layers[index]!;
      const { weightGain, biasGain } = layer.scaling;
      const input = pass.inputs[index]!;
      // The first layer's input rows are the batch itself; deeper ones are transposed explicitly,
      // because a transposed matMul would leave XNNPACK.
      const inputRows = index === 0 ? rows : tf.transpose(input);
      const weights = scaled(tf.matMul(delta, inputRows), weightGain) as tf.Tensor2D;
      const biases = scaled(tf.sum(delta, 1, true), biasGain) as tf.Tensor2D;
      let below: tf.Tensor2D | null = null;
      if (index > 0) {
        // δ^{l−1} = (g W δ^l) ⊙ φ′(h^{l−1}), with W = (Wᵀ)ᵀ taken before this layer's update.
        const back = tf.matMul(tf.transpose(layer.weights), delta) as tf.Tensor2D;
        const h = pass.preActivations[index - 1]!;
        if (fused) below = fusedBackActivate(back, h, input, this.activation, weightGain);
        else {
          const slope = activationDerivative(this.activation, h, input);
          const gained = scaled(back, weightGain);
          below = (slope ? tf.mul(gained, slope) : gained) as tf.Tensor2D;
        }
      }
      visit(index, { weights, biases }, below);
      if (below) delta = below;
    }
  }

  /**
   * Rows: loss, ‖∂loss/∂h^l‖ for l = 1 … L, ‖∂loss/∂W^l‖ for l = 1 … L (as gradientNorms.ts lays
   * them out); columns: runs. Call inside tf.tidy.
   */
  private gradientNormsOf(
    runs: readonly (readonly ColumnParameters[])[],
    task: Task,
    x: tf.Tensor2D,
    y: tf.Tensor2D,
  ): tf.Tensor2D {
    const columns = tf.transpose(x);
    const targets = tf.transpose(y);
    const perRun = runs.map((layers) => {
      const pass = this.forward(layers, columns);
      const { loss, gradient } = columnLoss(task, pass.output, targets);
      const hidden = layers.length - 1;
      const deltaNorms: tf.Tensor[] = new Array<tf.Tensor>(hidden);
      const weightNorms: tf.Tensor[] = new Array<tf.Tensor>(hidden);
      this.backward(layers, pass, gradient, x, (index, grads, below) => {
        if (index < hidden) weightNorms[index] = tf.norm(grads.weights);
        if (below) deltaNorms[index - 1] = tf.norm(below);
      });
      return tf.stack([loss, ...deltaNorms, ...weightNorms]);
    });
    return tf.stack(perRun, 1) as tf.Tensor2D;
  }

  private update(
    learningRate: number,
    param: tf.Variable,
    grad: tf.Tensor,
    slots: readonly tf.Variable[],
    folded: boolean,
    /** Maps the updated value before it is stored (the Stiefel and Oblique projections). */
    constrain: (updated: tf.Tensor) => tf.Tensor = (updated) => updated,
  ): void {
    if (folded) {
      param.assign(constrain(tf.sub(param, grad)));
      return;
    }
    const { next, nextSlots } = updateRule(this.optimizer, learningRate, this.updates, param, grad, slots);
    param.assign(constrain(next));
    slots.forEach((slot, s) => slot.assign(nextSlots[s]!));
  }
}
