import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from './data/dataset.ts';
import { perRunCorrect, perRunLoss } from './loss.ts';

import { MAX_EVAL_CHUNK } from './budget.ts';

/**
 * Held-out examples per chunk at most: at the default size a chunk costs about as much as a few
 * training steps. Deep or wide networks take smaller chunks (budget.ts: predict().evaluationChunk),
 * since a chunk keeps every layer's activations and cannot be interrupted.
 */
export const EVAL_CHUNK = MAX_EVAL_CHUNK;

export interface EvalResult {
  /** Steps taken when evaluated. */
  readonly step: number;
  /** Per-run mean loss on the held-out examples; NaN for diverged runs. */
  readonly loss: Float32Array;
  /** Per-run fraction classified correctly; null for regression. */
  readonly accuracy: Float32Array | null;
  readonly examples: number;
}

/**
 * The held-out loss (and accuracy) of every run on the first `examples` test examples, in chunks
 * of `chunkSize` (default EVAL_CHUNK), so that a caller can spread it between training steps. One
 * device read in all.
 */
export class HeldOutEvaluation {
  private evaluated = 0;
  private totals: tf.Tensor2D;
  private readonly x: Float32Array;
  private readonly y: Float32Array;

  /**
   * @param outputs the outputs of every run ([R, B, n_out]) for inputs [B, n0]
   * @param diverged runs whose results are NaN whatever their outputs
   */
  constructor(
    readonly step: number,
    private readonly dataset: Dataset,
    private readonly inputScale: number,
    readonly examples: number,
    private readonly diverged: readonly boolean[],
    private readonly outputs: (x: tf.Tensor2D) => tf.Tensor3D,
    readonly chunkSize: number = EVAL_CHUNK,
  ) {
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new RangeError(`chunk size ${chunkSize} is not a positive integer`);
    this.totals = tf.zeros([2, diverged.length]);
    const rows = Math.min(chunkSize, examples);
    this.x = new Float32Array(rows * dataset.inputSize);
    this.y = new Float32Array(rows * dataset.outputSize);
  }

  /** Chunks in all. */
  get chunks(): number {
    return Math.ceil(this.examples / this.chunkSize);
  }

  get done(): boolean {
    return this.evaluated >= this.examples;
  }

  /** Evaluates the next chunk (device work only; nothing is read back). */
  chunk(): void {
    if (this.done) return;
    const { dataset } = this;
    const count = Math.min(this.chunkSize, this.examples - this.evaluated);
    dataset.fillTest(this.evaluated, count, this.inputScale, this.x, this.y);
    const runCount = this.diverged.length;
    const next = tf.tidy(() => {
      const x = tf.tensor2d(this.x.subarray(0, count * dataset.inputSize), [count, dataset.inputSize]);
      const y = tf.tensor2d(this.y.subarray(0, count * dataset.outputSize), [count, dataset.outputSize]);
      const outputs = this.outputs(x);
      const lossSum = tf.mul(perRunLoss(dataset.task, outputs, y), count);
      const correct = dataset.task === 'classification' ? perRunCorrect(outputs, y) : tf.zeros([runCount]);
      return tf.add(this.totals, tf.stack([lossSum, correct])) as tf.Tensor2D;
    });
    this.totals.dispose();
    this.totals = next;
    this.evaluated += count;
  }

  /** Evaluates what is left, then reads the totals. */
  async result(): Promise<EvalResult> {
    while (!this.done) this.chunk();
    const values = await this.totals.data();
    const runCount = this.diverged.length;
    const { examples } = this;
    const loss = new Float32Array(runCount);
    const accuracy = this.dataset.task === 'classification' ? new Float32Array(runCount) : null;
    for (let r = 0; r < runCount; r++) {
      const diverged = this.diverged[r]!;
      loss[r] = diverged ? NaN : values[r]! / examples;
      if (accuracy) accuracy[r] = diverged ? NaN : values[runCount + r]! / examples;
    }
    return { step: this.step, loss, accuracy, examples };
  }

  dispose(): void {
    this.totals.dispose();
  }
}
