/**
 * Mean and spread across the seeds of one initialization, step by step, from the raw series the
 * store keeps. Pure: no DOM, no store.
 */

/** One seed's measurements of the shown metric, steps ascending. */
export interface SeedTrace {
  readonly steps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly length: number;
  /**
   * The step at which the run diverged: it and every later step are left out of the aggregate, so a
   * diverged run stops counting while the others go on. Infinity for a healthy run.
   */
  readonly cutoff: number;
}

/** Per-step aggregate across seeds; only steps where at least one seed has a finite value appear. */
export interface SeedAggregate {
  readonly length: number;
  readonly steps: Float64Array;
  readonly mean: Float64Array;
  /** Smallest and largest finite value across the seeds at that step: the band. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** How many seeds contributed a finite value. */
  readonly count: Uint16Array;
}

/**
 * Merges the seeds' series by step (a k-way merge: O(total points × seeds), one pass) and, at each
 * step, takes the mean and the min–max of the finite values of the seeds that have not diverged.
 * The seeds usually share their steps; when they do not, each step is aggregated over the seeds
 * that measured it.
 */
export function aggregateSeeds(seeds: readonly SeedTrace[]): SeedAggregate {
  const k = seeds.length;
  const cursor = new Array<number>(k).fill(0);
  let capacity = 16;
  for (const seed of seeds) capacity = Math.max(capacity, seed.length);
  let steps = new Float64Array(capacity);
  let mean = new Float64Array(capacity);
  let lo = new Float64Array(capacity);
  let hi = new Float64Array(capacity);
  let count = new Uint16Array(capacity);
  let length = 0;

  for (;;) {
    let step = Infinity;
    for (let r = 0; r < k; r++) {
      const seed = seeds[r]!;
      const i = cursor[r]!;
      if (i < seed.length) {
        const s = seed.steps[i]!;
        if (s < seed.cutoff && s < step) step = s;
      }
    }
    if (step === Infinity) break;

    let sum = 0;
    let n = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < k; r++) {
      const seed = seeds[r]!;
      const i = cursor[r]!;
      if (i >= seed.length || step >= seed.cutoff || seed.steps[i] !== step) continue;
      cursor[r] = i + 1;
      const v = seed.values[i]!;
      if (!Number.isFinite(v)) continue;
      sum += v;
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0) continue;

    if (length === capacity) {
      capacity *= 2;
      steps = grow(steps, capacity);
      mean = grow(mean, capacity);
      lo = grow(lo, capacity);
      hi = grow(hi, capacity);
      const biggerCount = new Uint16Array(capacity);
      biggerCount.set(count);
      count = biggerCount;
    }
    steps[length] = step;
    mean[length] = sum / n;
    lo[length] = min;
    hi[length] = max;
    count[length] = n;
    length++;
  }
  return { length, steps, mean, lo, hi, count };
}

function grow(array: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(capacity);
  bigger.set(array);
  return bigger;
}
