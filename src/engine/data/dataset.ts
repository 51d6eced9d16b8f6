/** Classification scores by accuracy too; regression only by its loss. */
export type Task = 'classification' | 'regression';

/**
 * A training set and a held-out set, on the host. Inputs come out standardized per example
 * (‖x‖²/n0 = 1); the experiment multiplies them by the input scale that puts layer 1 at q*.
 */
export interface Dataset {
  readonly name: string;
  readonly task: Task;
  readonly inputSize: number;
  /** Classes (one-hot targets) or regression outputs. */
  readonly outputSize: number;
  readonly trainCount: number;
  readonly testCount: number;
  /**
   * Examples per chunk when the training set arrives in chunks (chunk 0 first, in order): give it
   * to BatchOrder, whose first steps then need chunk 0 only. Absent when all of it is there at once.
   */
  readonly trainChunkSize?: number;
  /**
   * Resolves once training examples `indices` have arrived (at once if they have); rejects with
   * the reason if their chunk failed to load. fillTrain throws for examples not loaded yet.
   */
  ensureTrain?(indices: ArrayLike<number>): Promise<void>;
  /** Writes examples `indices` of the training set into x ([B, n0]) and y ([B, n_out]), times `scale` for x. */
  fillTrain(indices: ArrayLike<number>, scale: number, x: Float32Array, y: Float32Array): void;
  /** Same for the held-out examples start … start+count−1. */
  fillTest(start: number, count: number, scale: number, x: Float32Array, y: Float32Array): void;
}

/** Reads a named file of the prepared data (fetch in the browser, fs in Node): no DOM or fs here. */
export type ByteSource = (fileName: string) => Promise<Uint8Array>;

/** Writes a standardized copy of `values` (mean 0, ‖x‖²/n = 1) times `scale` into out[offset …]. */
export function writeStandardized(
  values: ArrayLike<number>,
  start: number,
  length: number,
  scale: number,
  out: Float32Array,
  offset: number,
): void {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += values[start + i]!;
  const mean = sum / length;
  let squares = 0;
  for (let i = 0; i < length; i++) {
    const d = values[start + i]! - mean;
    squares += d * d;
  }
  // A constant example has no direction; it is written as zeros rather than divided by 0.
  const factor = squares > 0 ? scale / Math.sqrt(squares / length) : 0;
  for (let i = 0; i < length; i++) out[offset + i] = (values[start + i]! - mean) * factor;
}
