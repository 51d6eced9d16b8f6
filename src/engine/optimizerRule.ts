import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from './optimizerSlots.ts';

const MOMENTUM = 0.9;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const RMSPROP_DECAY = 0.9;
const EPSILON = 1e-8;

/**
 * η: one number for every run, or one per run as a [R, 1, 1] tensor that broadcasts over each
 * run's slice of a stacked parameter (run axis first).
 */
export type LearningRate = number | tf.Tensor;

/** x·η·factor, with the number path exactly as before per-run rates existed. */
function timesRate(x: tf.Tensor, lr: LearningRate, factor = 1): tf.Tensor {
  if (typeof lr === 'number') return tf.mul(x, lr * factor);
  return tf.mul(factor === 1 ? x : tf.mul(x, factor), lr);
}

export interface RuleResult {
  readonly next: tf.Tensor;
  readonly nextSlots: tf.Tensor[];
}

/**
 * Element-wise update rules written as pure tensor functions, shared by both formulations of the
 * training step (stacked and per-run), so they cannot update differently. All are element-wise,
 * so each run's update equals training it alone.
 *
 * - sgd: θ ← θ − η g
 * - momentum (heavy ball, as tf.train.momentum): v ← 0.9 v + g; θ ← θ − η v
 * - adam (Kingma & Ba, bias-corrected): β₁ = 0.9, β₂ = 0.999, ε = 1e-8
 * - rmsprop (Hinton's lecture 6e): s ← 0.9 s + 0.1 g²; θ ← θ − η g/(√s + ε)
 *
 * `step` counts updates, 1 for the first (Adam's bias correction needs it). A per-run η
 * multiplies exactly where the single one does, so each run's update is the one it would get alone.
 */
export function updateRule(
  id: OptimizerId,
  learningRate: LearningRate,
  step: number,
  param: tf.Tensor,
  grad: tf.Tensor,
  slots: readonly tf.Tensor[],
): RuleResult {
  const lr = learningRate;
  switch (id) {
    case 'sgd':
      return { next: tf.sub(param, timesRate(grad, lr)), nextSlots: [] };
    case 'momentum': {
      const velocity = tf.add(tf.mul(slots[0]!, MOMENTUM), grad);
      return { next: tf.sub(param, timesRate(velocity, lr)), nextSlots: [velocity] };
    }
    case 'adam': {
      const m = tf.add(tf.mul(slots[0]!, ADAM_BETA1), tf.mul(grad, 1 - ADAM_BETA1));
      const v = tf.add(tf.mul(slots[1]!, ADAM_BETA2), tf.mul(tf.square(grad), 1 - ADAM_BETA2));
      const mHatScale = 1 / (1 - ADAM_BETA1 ** step);
      const vHatScale = 1 / (1 - ADAM_BETA2 ** step);
      const denominator = tf.add(tf.sqrt(tf.mul(v, vHatScale)), EPSILON);
      return { next: tf.sub(param, tf.div(timesRate(m, lr, mHatScale), denominator)), nextSlots: [m, v] };
    }
    case 'rmsprop': {
      const s = tf.add(tf.mul(slots[0]!, RMSPROP_DECAY), tf.mul(tf.square(grad), 1 - RMSPROP_DECAY));
      return {
        next: tf.sub(param, tf.div(timesRate(grad, lr), tf.add(tf.sqrt(s), EPSILON))),
        nextSlots: [s],
      };
    }
  }
}
