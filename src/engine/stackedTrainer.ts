import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';
import type { Task } from './data/dataset.ts';
import { lossGradient, perRunLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { MaskedOptimizer } from './optimizer.ts';
import type { OptimizerId } from './optimizerSlots.ts';
import type { FrozenNetworks, Trainer } from './trainer.ts';

/** All runs as one program of batched matMuls over the run axis (see Formulation). */
export class StackedTrainer implements Trainer {
  readonly formulation = 'stacked';
  private readonly model: StackedModel;
  private readonly optimizer: MaskedOptimizer;

  constructor(
    readonly runCount: number,
    activation: ActivationId,
    inits: readonly LayerInit[],
    optimizer: OptimizerId,
    /** One per run. */
    learningRates: readonly number[],
  ) {
    this.model = new StackedModel(runCount, activation, inits);
    this.optimizer = new MaskedOptimizer(optimizer, learningRates, this.model.parameters);
  }

  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const pass = this.model.forward(x);
      const losses = perRunLoss(task, pass.output, y);
      // The gradient of Σ_r loss_r: every op acts within one run's slice, so each run gets the
      // gradient it would get alone, and a run that turns NaN now spoils only its own slice.
      this.optimizer.apply(this.model.backward(pass, lossGradient(task, pass.output, y)));
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
