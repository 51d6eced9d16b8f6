import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';
import type { Task } from './data/dataset.ts';
import { lossGradient, perRunLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { MaskedOptimizer } from './optimizer.ts';
import type { OptimizerId } from './optimizerSlots.ts';
import { NO_ORTHOGONALITY, OrthogonalityRule, type OrthogonalitySettings } from './orthogonalityRule.ts';
import type { FrozenNetworks, Trainer } from './trainer.ts';

/** All runs as one program of batched matMuls over the run axis (see Formulation). */
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
  ) {
    this.model = new StackedModel(runCount, activation, inits);
    this.orthogonality = new OrthogonalityRule(orthogonality, 'rows', inits);
    this.optimizer = new MaskedOptimizer(optimizer, learningRates, this.model.parameters);
  }

  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const pass = this.model.forward(x);
      const losses = perRunLoss(task, pass.output, y);
      // The gradient of Σ_r loss_r: every op acts within one run's slice, so each run gets the
      // gradient it would get alone, and a run that turns NaN now spoils only its own slice.
      const grads = this.model.backward(pass, lossGradient(task, pass.output, y));
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
    this.optimizer.setLiveRuns(live);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
