/** Index of the last point at or before `step` in ascending `steps`, or -1 when there is none. */
export function indexAtOrBefore(steps: ArrayLike<number>, length: number, step: number): number {
  if (length === 0 || steps[0]! > step) return -1;
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid]! <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the point whose step is closest to `step` (the earlier one on ties), or -1 when empty. */
export function nearestIndex(steps: ArrayLike<number>, length: number, step: number): number {
  if (length === 0) return -1;
  const before = indexAtOrBefore(steps, length, step);
  if (before < 0) return 0;
  if (before + 1 >= length) return before;
  return step - steps[before]! <= steps[before + 1]! - step ? before : before + 1;
}

/** The last point with a finite value at or before `step`, or null when there is none. */
export function lastFiniteAtOrBefore(
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  length: number,
  step: number,
): { step: number; value: number } | null {
  for (let i = indexAtOrBefore(steps, length, step); i >= 0; i--) {
    const value = values[i]!;
    if (Number.isFinite(value)) return { step: steps[i]!, value };
  }
  return null;
}
