import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative } from './activation.ts';
import type { Task } from './data/dataset.ts';
import type { InitKind } from './init.ts';
import { lossGradient, perRunLoss } from './loss.ts';
import type { StackedModel } from './model.ts';
import type { RunInfo } from './runs.ts';
import { runMatMul } from './runMatMul.ts';
import { scaled } from './gain.ts';

/** Back-propagated gradient norms of one run, per hidden layer (index l−1 for h^l). */
export interface GradientNorms {
  readonly runId: number;
  readonly init: InitKind;
  readonly seed: number;
  /** Mean loss over the examples used (the training loss, as in step()). */
  readonly loss: number;
  /** ‖∂loss/∂h^l‖_F over the batch ([B, N]), l = 1 … L. */
  readonly preActivation: Float32Array;
  /** ‖∂loss/∂W^l‖_F, l = 1 … L. */
  readonly weight: Float32Array;
}

/**
 * ‖∂loss/∂h^l‖ and ‖∂loss/∂W^l‖ of every run and hidden layer on the batch (x [B, n0], y [B, n_out]),
 * loss being the batch mean that training minimizes. The recursion is the model's backward pass:
 * δ^{l−1} = (g δ^l W^lᵀ) ⊙ φ′(h^{l−1}). One device read.
 */
export async function gradientNorms(
  model: StackedModel,
  task: Task,
  runs: readonly RunInfo[],
  x: tf.Tensor2D,
  y: tf.Tensor2D,
): Promise<GradientNorms[]> {
  const hidden = model.layers.length - 1;
  const stacked = tf.tidy(() => {
    const pass = model.forward(x);
    const loss = perRunLoss(task, pass.output, y);
    let delta = lossGradient(task, pass.output, y);
    const deltaNorms: tf.Tensor[] = new Array<tf.Tensor>(hidden);
    const weightNorms: tf.Tensor[] = new Array<tf.Tensor>(hidden);
    for (let index = hidden; index >= 1; index--) {
      const layer = model.layers[index]!;
      const back = scaled(
        runMatMul(delta, layer.weights, false, true, model.weightsOfRuns(index, true)),
        layer.scaling.weightGain,
      );
      const input = pass.layerInputs[index]!;
      const slope = activationDerivative(model.activation, pass.preActivations[index - 1]!, input);
      delta = (slope ? tf.mul(back, slope) : back) as tf.Tensor3D;
      const below = model.layers[index - 1]!;
      const weightGradient = scaled(
        runMatMul(pass.layerInputs[index - 1]!, delta, true, false),
        below.scaling.weightGain,
      );
      deltaNorms[index - 1] = frobenius(delta);
      weightNorms[index - 1] = frobenius(weightGradient);
    }
    // Rows: loss, then ‖δ^l‖ for l = 1 … L, then ‖∂W^l‖ for l = 1 … L; columns: runs.
    return tf.stack([loss, ...deltaNorms, ...weightNorms]);
  });
  return readGradientNorms(stacked, runs, hidden);
}

/**
 * Reads (and disposes) a [1 + 2L, R] tensor of loss, ‖δ^l‖ and ‖∂W^l‖ rows, column r for runs[r]:
 * the layout both formulations compute gradient norms in.
 */
export async function readGradientNorms(
  stacked: tf.Tensor,
  runs: readonly RunInfo[],
  hidden: number,
): Promise<GradientNorms[]> {
  const values = (await stacked.data()) as Float32Array;
  stacked.dispose();
  const runCount = stacked.shape[1]!;
  const column = (row: number, r: number) => values[row * runCount + r]!;
  return runs.map((run, r) => {
    const preActivation = new Float32Array(hidden);
    const weight = new Float32Array(hidden);
    for (let l = 0; l < hidden; l++) {
      preActivation[l] = column(1 + l, r);
      weight[l] = column(1 + hidden + l, r);
    }
    return { ...run, loss: column(0, r), preActivation, weight };
  });
}

function frobenius(t: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(t), [1, 2]));
}
