import * as tf from '@tensorflow/tfjs-core';
import type { Task } from './data/dataset.ts';

/**
 * Each run's mean loss over the batch, [R], from outputs [R, B, n_out] and targets [B, n_out]
 * shared by all runs, and its gradient with respect to the outputs. Classification: softmax
 * cross-entropy with one-hot targets (nats). Regression: mean squared error over examples and
 * outputs. The gradient is that of Σ_r loss_r, which for run r is ∂loss_r/∂output_r alone.
 */
export function perRunLoss(task: Task, outputs: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor1D {
  if (task === 'classification') {
    const picked = tf.sum(tf.mul(outputs, targets), -1);
    return tf.mean(tf.sub(tf.logSumExp(outputs, -1), picked), -1) as tf.Tensor1D;
  }
  return tf.mean(tf.square(tf.sub(outputs, targets)), [1, 2]) as tf.Tensor1D;
}

export function lossGradient(task: Task, outputs: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor3D {
  const [, batch, width] = outputs.shape;
  if (task === 'classification') return tf.div(tf.sub(tf.softmax(outputs), targets), batch);
  return tf.mul(tf.sub(outputs, targets), 2 / (batch * width));
}

/** Number of examples per run whose largest output is the target class, [R]. */
export function perRunCorrect(outputs: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(
    tf.cast(tf.equal(tf.argMax(outputs, -1), tf.argMax(targets, -1)), 'float32'),
    -1,
  ) as tf.Tensor1D;
}

/**
 * One run's mean loss and its gradient with respect to the outputs, in the per-run formulation's
 * column layout: outputs and targets [n_out, B], one example per column. Same losses as perRunLoss.
 */
export function columnLoss(
  task: Task,
  outputs: tf.Tensor2D,
  targets: tf.Tensor2D,
): { loss: tf.Scalar; gradient: tf.Tensor2D } {
  const [width, batch] = outputs.shape;
  if (task === 'classification') {
    const logNormalizer = tf.logSumExp(outputs, 0, true);
    const picked = tf.sum(tf.mul(outputs, targets), 0, true);
    const softmax = tf.exp(tf.sub(outputs, logNormalizer));
    return {
      loss: tf.mean(tf.sub(logNormalizer, picked)),
      gradient: tf.div(tf.sub(softmax, targets), batch),
    };
  }
  const difference = tf.sub(outputs, targets);
  return { loss: tf.mean(tf.square(difference)), gradient: tf.mul(difference, 2 / (batch * width)) };
}
