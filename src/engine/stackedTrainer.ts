import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';
import type { Task } from './data/dataset.ts';
import { lossGradient, perRunLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { MaskedOptimizer } from './optimizer.ts';
import type { OptimizerId } from './optimizerSlots.ts';
import { NO_ORTHOGONALITY, OrthogonalityRule, type OrthogonalitySettings } from './orthogonalityRule.ts';
import type { FrozenNetworks, Trainer } from './trainer.ts';
import { copiesPerRun, mirrorInits, mirrorRuns, mirroredOutput, mirroredOutputGradient } from './mirror.ts';

/**
 * All runs as one program of batched matMuls over the run axis (see Formulation). Mirrored runs
 * (mirror.ts) are 2R networks on that axis, combined in the loss.
 */
export class StackedTrainer implements Trainer {
  readonly formulation = 'stacked';
  private readonly model: StackedModel;
  private readonly optimizer: MaskedOptimizer;
  private readonly orthogonality: OrthogonalityRule;

  constructor(
    readonly runCount: number,
    activation: ActivationId,
    inits: readonly LayerInit[],
    optimizer: OptimizerId,
    /** One per run. */
    learningRates: readonly number[],
    orthogonality: OrthogonalitySettings = NO_ORTHOGONALITY,
    /** Every run is f = (g_a − g_b)/√2 of two copies of its init (mirror.ts). */
    private readonly mirrored = false,
  ) {
    const networks = runCount * copiesPerRun(mirrored);
    this.model = new StackedModel(networks, activation, mirrored ? mirrorInits(inits) : inits);
    this.orthogonality = new OrthogonalityRule(orthogonality, 'rows', inits);
    const rates = mirrored ? mirrorRuns(learningRates) : learningRates;
    this.optimizer = new MaskedOptimizer(optimizer, rates, this.model.parameters);
  }

  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const pass = this.model.forward(x);
      const output = this.mirrored ? mirroredOutput(pass.output) : pass.output;
      const losses = perRunLoss(task, output, y);
      // The gradient of Σ_r loss_r: every op acts within one run's slice, so each run gets the
      // gradient it would get alone, and a run that turns NaN now spoils only its own slice.
      const gradient = lossGradient(task, output, y);
      const grads = this.model.backward(pass, this.mirrored ? mirroredOutputGradient(gradient) : gradient);
      const rule = this.orthogonality;
      if (!rule.active) {
        this.optimizer.apply(grads);
        return losses;
      }
      // Parameters are [W¹, b¹, W², b², …]: layer l's weights are at 2l.
      this.model.layers.forEach((layer, l) => {
        const penalty = rule.penaltyGradient(l, layer.weights);
        if (penalty) grads[2 * l] = tf.add(grads[2 * l]!, penalty);
      });
      this.optimizer.apply(grads, (index, updated) =>
        index % 2 === 0 ? rule.project(index / 2, updated) : updated,
      );
      return losses;
    });
  }

  freeze(): FrozenNetworks {
    const { layers, activation } = this.model;
    const model = StackedModel.fromStacked(
      activation,
      layers,
      layers.map((layer) => tf.clone(layer.weights)),
      layers.map((layer) => tf.clone(layer.biases)),
    );
    if (this.mirrored) return frozenMirrored(model, this.runCount);
    return {
      outputs: (x) => model.forward(x).output,
      signal: (x) =>
        tf.stack(
          model.forward(x).preActivations.map((h) => tf.mean(tf.square(h), [1, 2])),
          1,
        ) as tf.Tensor2D,
      model: () => model,
      dispose: () => model.dispose(),
    };
  }

  setLiveRuns(live: readonly boolean[]): void {
    this.optimizer.setLiveRuns(this.mirrored ? mirrorRuns(live) : live);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Frozen mirrored runs from the 2R networks `both` (copies a, then copies b), which it owns:
 * outputs are the mirrored functions; signal and model() are copy a's (one network looked inside),
 * sliced from `both` on first use; copies() is `both` itself.
 */
function frozenMirrored(both: StackedModel, runCount: number): FrozenNetworks {
  let copyA: StackedModel | null = null;
  const firstCopy = (): StackedModel =>
    (copyA ??= StackedModel.fromStacked(
      both.activation,
      both.layers,
      tf.tidy(() => both.layers.map((layer) => tf.slice(layer.weights, 0, runCount))),
      tf.tidy(() => both.layers.map((layer) => tf.slice(layer.biases, 0, runCount))),
    ));
  return {
    outputs: (x) => mirroredOutput(both.forward(x).output),
    signal: (x) =>
      tf.stack(
        both.forward(x).preActivations.map((h) => tf.mean(tf.square(tf.slice(h, 0, runCount)), [1, 2])),
        1,
      ) as tf.Tensor2D,
    model: firstCopy,
    copies: () => both,
    dispose: () => {
      copyA?.dispose();
      both.dispose();
    },
  };
}
