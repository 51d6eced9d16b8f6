/** Which way a metric improves: losses go down to a threshold, accuracy goes up to it. */
export type Direction = 'down' | 'up';

/**
 * τ: the first step at which a curve reaches the threshold (value ≤ threshold for 'down', ≥ for
 * 'up'); null when it never does. Non-finite values never count as reaching it.
 */
export function firstReach(
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  length: number,
  threshold: number,
  direction: Direction,
): number | null {
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (direction === 'down' ? v <= threshold : v >= threshold) return steps[i]!;
  }
  return null;
}
