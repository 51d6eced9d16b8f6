import type { JacobianSpectrum, SpectrumSummary } from '../../engine/jacobianSummary.ts';
import { RandomStream } from '../../engine/random.ts';

/**
 * How far a measured moment of one network scatters, so that finite-size noise is not read as a
 * contradiction with theory:
 * - 'draws': the smallest–largest value over networks at initialization: the runs of this init
 *   and the extra ones drawn with the next seeds (initDraws.ts);
 * - 'seeds': the same over the runs of this init (during training no new network can be drawn);
 * - 'bootstrap': one network during training: a 90% interval from resampling its N eigenvalues,
 *   which shows the noise of the eigenvalues, not that of the network draw.
 */
export type SpreadSource = 'draws' | 'seeds' | 'bootstrap';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export type SpreadStatistic = 'meanSq' | 'variance' | 'sMax' | 'conditionNumber';

export interface Spread {
  readonly source: SpreadSource;
  /** Networks behind the interval ('draws', 'seeds') or the eigenvalues resampled ('bootstrap'). */
  readonly count: number;
  /** Null where the source says nothing (the bootstrap of a maximum). */
  readonly intervals: Readonly<Record<SpreadStatistic, Interval | null>>;
}

const STATISTICS: readonly SpreadStatistic[] = ['meanSq', 'variance', 'sMax', 'conditionNumber'];
export const BOOTSTRAP_RESAMPLES = 400;
export const BOOTSTRAP_LEVEL = 0.9;

/** Smallest and largest of the values that are not NaN (null when there are none). */
export function rangeOf(values: readonly number[]): Interval | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? { lo, hi } : null;
}

/** The spread over whole networks: each value is one network's moment. */
export function networkSpread(source: 'draws' | 'seeds', networks: readonly SpectrumSummary[]): Spread {
  const intervals = Object.fromEntries(
    STATISTICS.map((key) => [key, rangeOf(networks.map((n) => n[key]))]),
  ) as Record<SpreadStatistic, Interval | null>;
  return { source, count: networks.length, intervals };
}

/** The q-quantile of sorted values, interpolated linearly between order statistics. */
function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/**
 * Percentile bootstrap of the mean and the variance of σ² over one network's eigenvalues, seeded
 * by the run and step so that the interval does not flicker on redraw. Computed on σ̃ = σ/e^s
 * (s = logScale) and scaled back in logs, so deep networks neither overflow nor underflow.
 */
export function bootstrapSpread(spectrum: JacobianSpectrum, step: number): Spread {
  const { logSingularValues, logScale } = spectrum;
  const n = logSingularValues.length;
  const scaled = Float64Array.from(logSingularValues, (logSigma) => Math.exp(2 * (logSigma - logScale)));
  const means = new Float64Array(BOOTSTRAP_RESAMPLES);
  const variances = new Float64Array(BOOTSTRAP_RESAMPLES);
  const stream = new RandomStream('spectrum-bootstrap', spectrum.runId, step);
  const pick = new Float64Array(n);
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      pick[i] = scaled[stream.nextInt(n)]!;
      sum += pick[i]!;
    }
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (pick[i]! - mean) ** 2;
    means[b] = mean;
    variances[b] = squares / n;
  }
  const tail = (1 - BOOTSTRAP_LEVEL) / 2;
  const interval = (values: Float64Array, power: number): Interval | null => {
    if (n === 0 || values.some((v) => !Number.isFinite(v))) return null;
    values.sort();
    const factor = (v: number) => Math.exp(power * logScale + Math.log(v));
    return { lo: factor(quantile(values, tail)), hi: factor(quantile(values, 1 - tail)) };
  };
  return {
    source: 'bootstrap',
    count: n,
    intervals: {
      meanSq: interval(means, 2),
      variance: interval(variances, 4),
      sMax: null,
      conditionNumber: null,
    },
  };
}

/**
 * The spread shown for one init at one snapshot: over the runs and the extra draws where the
 * snapshot is the one at initialization and draws were taken, else over the runs (seeds), else
 * a bootstrap of the one run.
 */
export function initSpread(
  runs: readonly JacobianSpectrum[],
  draws: readonly SpectrumSummary[],
  step: number,
): Spread | null {
  if (runs.length === 0) return null;
  if (draws.length > 0) return networkSpread('draws', [...runs, ...draws]);
  if (runs.length > 1) return networkSpread('seeds', runs);
  return bootstrapSpread(runs[0]!, step);
}
