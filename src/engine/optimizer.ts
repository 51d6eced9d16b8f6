import * as tf from '@tensorflow/tfjs-core';
import { SLOT_COUNT, type OptimizerId } from './optimizerSlots.ts';
import { updateRule, type LearningRate } from './optimizerRule.ts';
import { variableFrom } from './variables.ts';

export type { OptimizerId };

/**
 * The update rules of optimizerRule.ts over stacked parameters (run axis first). A run is frozen
 * (diverged) by selecting its old values with tf.where, which never multiplies, so no 0·NaN
 * reaches a healthy run. Each run has its own learning rate: one number when they are all equal,
 * else a [R, 1, 1] tensor (so an η sweep is one program, not one per η).
 */
export class MaskedOptimizer {
  private readonly slots: tf.Variable[][];
  /** Per parameter, a bool tensor of its shape that is true in the slices of live runs; null while all live. */
  private liveMasks: tf.Tensor[] | null = null;
  private stepCount = 0;
  private readonly learningRate: LearningRate;

  constructor(
    readonly id: OptimizerId,
    /** One per run, in run order. */
    readonly learningRates: readonly number[],
    private readonly params: readonly tf.Variable[],
  ) {
    this.learningRate = learningRates.every((lr) => lr === learningRates[0])
      ? learningRates[0]!
      : tf.tensor3d([...learningRates], [learningRates.length, 1, 1]);
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

  /**
   * Applies one update to the live runs; call inside tf.tidy with gradients in parameter order.
   * `constrain` maps a parameter's updated value before it is stored (the Stiefel and Oblique
   * projections), inside the live-run selection, so a frozen run is not touched by it either.
   */
  apply(grads: readonly tf.Tensor[], constrain?: (index: number, updated: tf.Tensor) => tf.Tensor): void {
    this.stepCount += 1;
    this.params.forEach((param, index) => {
      const slots = this.slots[index]!;
      const { next: updated, nextSlots } = updateRule(
        this.id,
        this.learningRate,
        this.stepCount,
        param,
        grads[index]!,
        slots,
      );
      const next = constrain ? constrain(index, updated) : updated;
      const live = this.liveMasks?.[index];
      param.assign(live ? tf.where(live, next, param) : next);
      slots.forEach((slot, s) => slot.assign(live ? tf.where(live, nextSlots[s]!, slot) : nextSlots[s]!));
    });
  }

  dispose(): void {
    for (const slots of this.slots) for (const slot of slots) slot.dispose();
    if (typeof this.learningRate !== 'number') this.learningRate.dispose();
    this.disposeMasks();
  }

  private disposeMasks(): void {
    this.liveMasks?.forEach((mask) => mask.dispose());
    this.liveMasks = null;
  }
}
