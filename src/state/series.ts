/**
 * A growable (step, value) series backed by typed arrays: appending is amortized O(1), and the
 * panels read `steps`/`values` up to `length` without copying.
 */
export class Series {
  steps = new Float64Array(256);
  values = new Float64Array(256);
  length = 0;

  push(step: number, value: number): void {
    if (this.length === this.steps.length) {
      this.steps = grow(this.steps);
      this.values = grow(this.values);
    }
    this.steps[this.length] = step;
    this.values[this.length] = value;
    this.length++;
  }

  /** The last finite value at or before `step`, for readouts; NaN when there is none. */
  valueAt(step: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0 || this.steps[0]! > step) return NaN;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.steps[mid]! <= step) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo]!;
  }
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
