import * as tf from '@tensorflow/tfjs-core';
import { SLOT_COUNT, type OptimizerId } from './optimizerSlots.ts';
import { variableFrom } from './variables.ts';

export type { OptimizerId };

const MOMENTUM = 0.9;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const RMSPROP_DECAY = 0.9;
const EPSILON = 1e-8;

/** Optimizer state tensors per parameter: momentum buffers, moment estimates. */

/**
 * Element-wise update rules written as pure tensor functions. All are element-wise, so each run's
 * update equals training it alone; and a run can be frozen (diverged) by selecting its old
 * values with tf.where, which never multiplies, so no 0·NaN reaches a healthy run.
 *
 * - sgd: θ ← θ − η g
 * - momentum (heavy ball, as tf.train.momentum): v ← 0.9 v + g; θ ← θ − η v
 * - adam (Kingma & Ba, bias-corrected): β₁ = 0.9, β₂ = 0.999, ε = 1e-8
 * - rmsprop (Hinton's lecture 6e): s ← 0.9 s + 0.1 g²; θ ← θ − η g/(√s + ε)
 */
export class MaskedOptimizer {
  private readonly slots: tf.Variable[][];
  /** Per parameter, a bool tensor of its shape that is true in the slices of live runs; null while all live. */
  private liveMasks: tf.Tensor[] | null = null;
  private stepCount = 0;

  constructor(
    readonly id: OptimizerId,
    readonly learningRate: number,
    private readonly params: readonly tf.Variable[],
  ) {
    this.slots = params.map((p) =>
      Array.from({ length: SLOT_COUNT[id] }, () => variableFrom(tf.zerosLike(p))),
    );
  }

  /** Extra floats held per parameter (for the memory estimate). */
  static slotCount(id: OptimizerId): number {
    return SLOT_COUNT[id];
  }

  /**
   * Freezes the runs whose entry is false (the run axis is every parameter's first axis). The masks
   * are built once on the host, full-size: a broadcast tf.where would tile the mask every step.
   */
  setLiveRuns(live: readonly boolean[]): void {
    this.disposeMasks();
    if (live.every(Boolean)) return;
    this.liveMasks = this.params.map((param) => {
      const perRun = param.size / live.length;
      const values = new Uint8Array(param.size);
      live.forEach((isLive, r) => values.fill(isLive ? 1 : 0, r * perRun, (r + 1) * perRun));
      return tf.tensor(values, param.shape, 'bool');
    });
  }

  /** Applies one update to the live runs; call inside tf.tidy with gradients in parameter order. */
  apply(grads: readonly tf.Tensor[]): void {
    this.stepCount += 1;
    this.params.forEach((param, index) => {
      const slots = this.slots[index]!;
      const { next, nextSlots } = this.rule(param, grads[index]!, slots);
      const live = this.liveMasks?.[index];
      param.assign(live ? tf.where(live, next, param) : next);
      slots.forEach((slot, s) => slot.assign(live ? tf.where(live, nextSlots[s]!, slot) : nextSlots[s]!));
    });
  }

  private rule(
    param: tf.Tensor,
    grad: tf.Tensor,
    slots: readonly tf.Tensor[],
  ): { next: tf.Tensor; nextSlots: tf.Tensor[] } {
    const lr = this.learningRate;
    switch (this.id) {
      case 'sgd':
        return { next: tf.sub(param, tf.mul(grad, lr)), nextSlots: [] };
      case 'momentum': {
        const velocity = tf.add(tf.mul(slots[0]!, MOMENTUM), grad);
        return { next: tf.sub(param, tf.mul(velocity, lr)), nextSlots: [velocity] };
      }
      case 'adam': {
        const m = tf.add(tf.mul(slots[0]!, ADAM_BETA1), tf.mul(grad, 1 - ADAM_BETA1));
        const v = tf.add(tf.mul(slots[1]!, ADAM_BETA2), tf.mul(tf.square(grad), 1 - ADAM_BETA2));
        const mHatScale = 1 / (1 - ADAM_BETA1 ** this.stepCount);
        const vHatScale = 1 / (1 - ADAM_BETA2 ** this.stepCount);
        const denominator = tf.add(tf.sqrt(tf.mul(v, vHatScale)), EPSILON);
        return { next: tf.sub(param, tf.div(tf.mul(m, lr * mHatScale), denominator)), nextSlots: [m, v] };
      }
      case 'rmsprop': {
        const s = tf.add(tf.mul(slots[0]!, RMSPROP_DECAY), tf.mul(tf.square(grad), 1 - RMSPROP_DECAY));
        return { next: tf.sub(param, tf.div(tf.mul(grad, lr), tf.add(tf.sqrt(s), EPSILON))), nextSlots: [s] };
      }
    }
  }

  dispose(): void {
    for (const slots of this.slots) for (const slot of slots) slot.dispose();
    this.disposeMasks();
  }

  private disposeMasks(): void {
    this.liveMasks?.forEach((mask) => mask.dispose());
    this.liveMasks = null;
  }
}
