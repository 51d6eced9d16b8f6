/**
 * Bucket means for drawing: a curve of any length becomes at most `bucketCount + 2` vertices in one
 * pass. Buckets are fixed slices of the x domain (not of the data), so a growing curve keeps its
 * earlier vertices from one frame to the next and does not shimmer. Averaging within a bucket also
 * smooths the per-step noise of minibatch losses; the raw points stay in the store.
 */

export interface Decimated {
  readonly length: number;
  readonly steps: Float64Array;
  /** One array per input channel (e.g. mean, lo, hi), each `length` long. */
  readonly channels: readonly Float64Array[];
}

/**
 * Averages steps and every channel within each bucket of `[x0, x1]` split into `bucketCount` equal
 * slices (points outside go to the end buckets). The first and last input points are kept exactly,
 * so the drawing starts and ends where the data does. A bucket holding one point yields that point,
 * so data sparser than the buckets passes through unchanged. Values must be finite.
 */
export function decimate(
  steps: ArrayLike<number>,
  channels: readonly ArrayLike<number>[],
  length: number,
  x0: number,
  x1: number,
  bucketCount: number,
): Decimated {
  const buckets = Math.max(1, Math.floor(bucketCount));
  const capacity = Math.min(length, buckets) + 2;
  const outSteps = new Float64Array(capacity);
  const outChannels = channels.map(() => new Float64Array(capacity));
  const sums = new Float64Array(channels.length);
  let out = 0;
  if (length === 0) return { length: 0, steps: outSteps, channels: outChannels };

  const emitPoint = (i: number) => {
    outSteps[out] = steps[i]!;
    for (let c = 0; c < channels.length; c++) outChannels[c]![out] = channels[c]![i]!;
    out++;
  };

  const scale = x1 > x0 ? buckets / (x1 - x0) : 0;
  const bucketOf = (s: number) => Math.min(buckets - 1, Math.max(0, Math.floor((s - x0) * scale)));

  emitPoint(0);
  let current = -1;
  let stepSum = 0;
  let n = 0;
  let firstInBucket = 0;
  const flush = () => {
    if (n === 0) return;
    // A lone first or last point is emitted exactly on its own; do not repeat it.
    if (n === 1 && (firstInBucket === 0 || firstInBucket === length - 1)) return;
    outSteps[out] = stepSum / n;
    for (let c = 0; c < channels.length; c++) outChannels[c]![out] = sums[c]! / n;
    out++;
  };

  for (let i = 0; i < length; i++) {
    const s = steps[i]!;
    const b = bucketOf(s);
    if (b !== current) {
      flush();
      current = b;
      stepSum = 0;
      n = 0;
      sums.fill(0);
      firstInBucket = i;
    }
    stepSum += s;
    for (let c = 0; c < channels.length; c++) sums[c]! += channels[c]![i]!;
    n++;
  }
  flush();
  if (length > 1) emitPoint(length - 1);
  return { length: out, steps: outSteps, channels: outChannels };
}
