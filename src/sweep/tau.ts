/**
 * τ of one run (the first step at which it reaches the threshold), its final loss, and its
 * decimated training curve, read step by step as the sweep trains.
 *
 * - lm=train: one minibatch loss is noisy (a lucky batch would end the count early), so τ is the
 *   first step t at which the mean of the minibatch losses of the last TRAIN_WINDOW steps (all of
 *   them while t < TRAIN_WINDOW) is ≤ the threshold. The mean lags a falling loss by at most
 *   (TRAIN_WINDOW − 1)/2 = 4.5 steps, the same for every run, so comparisons are unaffected.
 * - lm=test / acc: the held-out metric on EVAL_EXAMPLES examples, evaluated at step 0 and every
 *   evalEvery(T) steps (T/100, so τ is resolved to 1 % of the run); τ is the first evaluated step
 *   at which the loss is ≤ (accuracy ≥) the threshold.
 */
import type { LabConfig } from '../config/index.ts';

export const TRAIN_WINDOW = 10;
export const EVAL_EXAMPLES = 500;
/** Training curves keep at most this many points (means over equal buckets of steps). */
export const CURVE_POINTS = 200;

/** Steps between held-out evaluations for lm=test or acc. */
export function evalEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / 100));
}

/** How τ is read, in one sentence, for the result file. */
export function tauRule(metric: LabConfig['lm'], threshold: number, steps: number): string {
  if (metric === 'train')
    return `first step at which the mean minibatch loss of the last ${TRAIN_WINDOW} steps is ≤ ${threshold}`;
  const what = metric === 'test' ? `held-out loss ≤ ${threshold}` : `held-out accuracy ≥ ${threshold}`;
  return `first evaluated step with ${what}, on ${EVAL_EXAMPLES} held-out examples every ${evalEvery(steps)} steps`;
}

export class RunTracker {
  /** First step at which the threshold was reached; null until then. */
  tau: number | null = null;
  divergedAt: number | null = null;
  /** The last step with a finite loss. */
  stepsTrained = 0;
  readonly curveSteps: number[] = [];
  readonly curveLoss: number[] = [];
  readonly evalSteps: number[] = [];
  readonly evalMetric: number[] = [];
  private readonly window: number[] = [];
  private bucketSum = 0;
  private bucketCount = 0;
  private readonly bucket: number;

  constructor(
    private readonly metric: LabConfig['lm'],
    private readonly threshold: number,
    private readonly steps: number,
  ) {
    this.bucket = Math.max(1, Math.ceil(steps / CURVE_POINTS));
  }

  /** Whether nothing more is to be learnt about τ: reached, or diverged first. */
  get settled(): boolean {
    return this.tau !== null || this.divergedAt !== null;
  }

  /**
   * The minibatch loss of `step`; a non-finite one means the run diverged at it. The curve keeps
   * finite values only: it ends at the last bucket before the divergence.
   */
  observeTrain(step: number, loss: number): void {
    if (this.divergedAt !== null) return;
    if (!Number.isFinite(loss)) {
      this.divergedAt = step;
      this.finish();
      return;
    }
    this.stepsTrained = step;
    this.window.push(loss);
    if (this.window.length > TRAIN_WINDOW) this.window.shift();
    if (this.metric === 'train' && this.tau === null && this.meanOfWindow()! <= this.threshold)
      this.tau = step;
    this.bucketSum += loss;
    this.bucketCount += 1;
    if (step % this.bucket === 0 || step === this.steps) this.closeBucket(step);
  }

  /** A held-out evaluation after `step` steps (loss for lm=test, accuracy for lm=acc). */
  observeEval(step: number, value: number): void {
    if (this.divergedAt !== null || !Number.isFinite(value)) return;
    this.evalSteps.push(step);
    this.evalMetric.push(value);
    if (this.tau !== null || this.metric === 'train') return;
    if (this.metric === 'acc' ? value >= this.threshold : value <= this.threshold) this.tau = step;
  }

  /** The mean of the last TRAIN_WINDOW finite minibatch losses (null if none). */
  meanOfWindow(): number | null {
    if (this.window.length === 0) return null;
    return this.window.reduce((sum, v) => sum + v, 0) / this.window.length;
  }

  /** Ends the curve at the last step trained (a group that stops early leaves a part-filled bucket). */
  finish(): void {
    if (this.bucketCount > 0) this.closeBucket(this.stepsTrained);
  }

  private closeBucket(step: number): void {
    this.curveSteps.push(step);
    this.curveLoss.push(this.bucketSum / this.bucketCount);
    this.bucketSum = 0;
    this.bucketCount = 0;
  }
}
