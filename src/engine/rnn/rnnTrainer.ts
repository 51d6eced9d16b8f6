import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../../theory/index.ts';
import type { Task } from '../data/dataset.ts';
import { lossGradient, perRunLoss } from '../loss.ts';
import { MaskedOptimizer } from '../optimizer.ts';
import type { OptimizerId } from '../optimizerSlots.ts';
import { NO_ORTHOGONALITY, OrthogonalityRule, type OrthogonalitySettings } from '../orthogonalityRule.ts';
import type { FrozenNetworks, Trainer } from '../trainer.ts';
import { StackedRnn, type RnnRunArrays, type RnnScalings } from './rnnModel.ts';
import { notForRnn, type SequenceShape } from './sequence.ts';

/** Index of W in StackedRnn.parameterList (the only matrix `orth` acts on). */
const RECURRENT = 0;

/** The parameters of every run kept aside at one step, with the recurrent model itself for the weight spectra. */
export interface FrozenRnn extends FrozenNetworks {
  readonly rnn: StackedRnn;
}

/**
 * All runs of a recurrent experiment as one stacked program (StackedRnn), trained through
 * MaskedOptimizer, so every `opt`, per-run learning rates and the freezing of diverged runs work as
 * for the MLPs. The `orth` option acts on the recurrent kernel W, the matrix whose singular values
 * govern vanishing and exploding gradients through time (THEORY §6; Hlav §5): the soft and
 * gain-adjusted penalties' gradients are added to W's before the update rule, the Stiefel and
 * Oblique projections put W back after it. U, V and the biases stay Euclidean.
 */
export class RnnTrainer implements Trainer {
  /** There is one formulation of the recurrence: runs stacked (per-run slicing is runMatMul's, on WASM). */
  readonly formulation = 'stacked';
  readonly runCount: number;
  private readonly model: StackedRnn;
  private readonly optimizer: MaskedOptimizer;
  private readonly orthogonality: OrthogonalityRule;

  constructor(
    activation: ActivationId,
    sequence: SequenceShape,
    scalings: RnnScalings,
    width: number,
    classes: number,
    runs: readonly RnnRunArrays[],
    optimizer: OptimizerId,
    /** One per run. */
    learningRates: readonly number[],
    orthogonality: OrthogonalitySettings = NO_ORTHOGONALITY,
  ) {
    this.runCount = runs.length;
    this.model = StackedRnn.fromArrays(activation, sequence, scalings, width, classes, runs);
    // The rule's layers: W (constrained), then the readout V (never constrained).
    this.orthogonality = new OrthogonalityRule(orthogonality, 'rows', [
      { fanIn: width, fanOut: width, scaling: scalings.recurrent },
      { fanIn: width, fanOut: classes, scaling: scalings.readout },
    ]);
    this.optimizer = new MaskedOptimizer(optimizer, learningRates, this.model.parameterList);
  }

  /** x: [B, T·width], each example's time steps in order (an image's rows). */
  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const pass = this.model.forward(x);
      const losses = perRunLoss(task, pass.output, y);
      const grads = this.model.backward(pass, lossGradient(task, pass.output, y));
      const rule = this.orthogonality;
      if (!rule.active) {
        this.optimizer.apply(grads);
        return losses;
      }
      const penalty = rule.penaltyGradient(RECURRENT, this.model.parameters.recurrent);
      if (penalty) grads[RECURRENT] = tf.add(grads[RECURRENT]!, penalty);
      this.optimizer.apply(grads, (index, updated) =>
        index === RECURRENT ? rule.project(RECURRENT, updated) : updated,
      );
      return losses;
    });
  }

  freeze(): FrozenRnn {
    const rnn = this.model.copy();
    return {
      rnn,
      outputs: (x) => rnn.forward(x).output,
      signal: () => {
        throw notForRnn('signal propagation', 'its depth is time, and every step shares one W');
      },
      gradientNorms: () => {
        throw notForRnn('gradient norms per layer', 'it has one hidden layer, unrolled over time');
      },
      model: () => {
        throw notForRnn(
          'a measurement of the layered network (Jacobian spectrum, NTK, curvature, weight change)',
          'its parameters are the recurrent W, U, V, not a stack of layers',
        );
      },
      dispose: () => rnn.dispose(),
    };
  }

  setLiveRuns(live: readonly boolean[]): void {
    this.optimizer.setLiveRuns(live);
  }

  /** The live model (tests read its parameters). */
  get network(): StackedRnn {
    return this.model;
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
