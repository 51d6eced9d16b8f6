import { area, line, scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import type { InitKind } from '../../engine/index.ts';
import type { RunTrace } from '../../state/training.ts';
import { aggregateSeeds, type SeedAggregate } from './aggregate.ts';
import { decimate, type Decimated } from './decimate.ts';
import { lastFiniteAtOrBefore } from './lookup.ts';
import type { MetricView } from './metric.ts';
import { firstReach } from './threshold.ts';

export const MARGIN = { top: 14, right: 18, bottom: 44, left: 66 } as const;
/** Drawing resolution: at most two buckets per pixel of plot width. */
const BUCKETS_PER_PIXEL = 2;
/** Minibatch losses are smoothed by averaging over at least 1/250 of the step axis. */
const SMOOTHING_BUCKETS = 250;

export const INIT_LABEL: Record<InitKind, string> = { gaussian: 'Gaussian', orthogonal: 'orthogonal' };
const INIT_ORDER: readonly InitKind[] = ['gaussian', 'orthogonal'];

export interface LossGeometry {
  readonly width: number;
  readonly height: number;
  readonly innerWidth: number;
  readonly innerHeight: number;
  readonly x: ScaleContinuousNumeric<number, number>;
  readonly y: ScaleContinuousNumeric<number, number>;
  readonly logY: boolean;
}

/** One initialization: its seeds, their per-step aggregate, and what is drawn of it. */
export interface InitCurve {
  readonly init: InitKind;
  readonly label: string;
  readonly runs: readonly RunTrace[];
  /** Undecimated mean and min–max across seeds, per step: τ and readouts use this. */
  readonly aggregate: SeedAggregate;
  /** Bucket means of [mean, lo, hi]: what is drawn. */
  readonly drawn: Decimated;
  /** First step where the mean reaches the threshold; null when not (yet) reached. */
  readonly tau: number | null;
  readonly linePath: string | null;
  /** Null with a single seed: then there is no spread to show. */
  readonly bandPath: string | null;
}

export interface DivergedMark {
  readonly init: InitKind;
  readonly label: string;
  readonly runId: number;
  readonly seed: number;
  /** The step whose training loss was first NaN or ±Inf. */
  readonly step: number;
  /** The run's last finite point of the shown metric, where the ✕ goes; null when it has none. */
  readonly point: { readonly step: number; readonly value: number } | null;
}

export interface LossChart {
  readonly geometry: LossGeometry;
  readonly curves: readonly InitCurve[];
  readonly marks: readonly DivergedMark[];
  readonly bucketCount: number;
  /** Largest step measured so far in the shown metric (0 when none). */
  readonly lastStep: number;
}

export interface ChartInput {
  readonly runs: readonly RunTrace[];
  readonly metric: MetricView;
  readonly width: number;
  /** Log y was asked for and the metric allows it. */
  readonly logY: boolean;
  readonly threshold: number;
  /** Planned length of training: the x axis spans [0, totalSteps] so that curves grow into it. */
  readonly totalSteps: number;
}

export function chartHeight(width: number): number {
  return Math.round(Math.min(460, Math.max(300, width * 0.55)));
}

export function bucketCount(innerWidth: number, smoothed: boolean): number {
  const perPixel = Math.max(1, Math.floor(innerWidth * BUCKETS_PER_PIXEL));
  return smoothed ? Math.min(perPixel, SMOOTHING_BUCKETS) : perPixel;
}

/**
 * Everything the panel draws, from the store's traces: one linear pass over each series for the
 * aggregate, one for the decimation, one for τ. Pure apart from reading the (growing) series.
 */
export function buildLossChart(input: ChartInput): LossChart {
  const { runs, metric, width, logY, threshold } = input;
  const height = chartHeight(width);
  const innerWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
  const innerHeight = height - MARGIN.top - MARGIN.bottom;

  let lastStep = 0;
  for (const trace of runs) {
    const series = metric.series(trace);
    if (series.length > 0) lastStep = Math.max(lastStep, series.steps[series.length - 1]!);
  }
  const xMax = visibleSteps(input.totalSteps, lastStep);
  const buckets = bucketCount(innerWidth, metric.smoothed);

  const partial = INIT_ORDER.flatMap((init) => {
    const own = runs.filter((trace) => trace.run.init === init);
    if (own.length === 0) return [];
    const aggregate = aggregateSeeds(
      own.map((trace) => {
        const series = metric.series(trace);
        return {
          steps: series.steps,
          values: series.values,
          length: series.length,
          cutoff: trace.diverged ? trace.diverged.step : Infinity,
        };
      }),
    );
    const drawn = decimate(
      aggregate.steps,
      [aggregate.mean, aggregate.lo, aggregate.hi],
      aggregate.length,
      0,
      xMax,
      buckets,
    );
    const tau = firstReach(aggregate.steps, aggregate.mean, aggregate.length, threshold, metric.direction);
    return [{ init, label: INIT_LABEL[init], runs: own, aggregate, drawn, tau }];
  });

  const marks: DivergedMark[] = runs.flatMap((trace) => {
    if (!trace.diverged) return [];
    const series = metric.series(trace);
    const limit = Math.min(trace.diverged.lastFiniteStep ?? trace.diverged.step - 1, trace.diverged.step - 1);
    return [
      {
        init: trace.run.init,
        label: INIT_LABEL[trace.run.init],
        runId: trace.run.runId,
        seed: trace.run.seed,
        step: trace.diverged.step,
        point: lastFiniteAtOrBefore(series.steps, series.values, series.length, limit),
      },
    ];
  });

  const x = scaleLinear().domain([0, xMax]).range([0, innerWidth]);
  const y = yScale(metric, logY, threshold, partial, marks).range([innerHeight, 0]);
  const visible = (v: number) => Number.isFinite(v) && (!logY || v > 0);

  const curves: InitCurve[] = partial.map((curve) => {
    const { steps, channels } = curve.drawn;
    const [mean, lo, hi] = channels as [Float64Array, Float64Array, Float64Array];
    const indices = Array.from({ length: curve.drawn.length }, (_, i) => i);
    const linePath =
      line<number>()
        .defined((i) => visible(mean[i]!))
        .x((i) => x(steps[i]!))
        .y((i) => y(mean[i]!))(indices) || null;
    const bandPath =
      curve.runs.length > 1
        ? area<number>()
            .defined((i) => visible(lo[i]!) && visible(hi[i]!))
            .x((i) => x(steps[i]!))
            .y0((i) => y(lo[i]!))
            .y1((i) => y(hi[i]!))(indices) || null
        : null;
    return { ...curve, linePath, bandPath };
  });

  return {
    geometry: { width, height, innerWidth, innerHeight, x, y, logY },
    curves,
    marks,
    bucketCount: buckets,
    lastStep,
  };
}

/** Accuracy: [0, 1]. Losses: the drawn band and mean, the ✕ marks and the threshold, made nice. */
function yScale(
  metric: MetricView,
  logY: boolean,
  threshold: number,
  curves: readonly { drawn: Decimated }[],
  marks: readonly DivergedMark[],
): ScaleContinuousNumeric<number, number> {
  if (!metric.logAllowed) return scaleLinear().domain([0, 1]);
  let min = Infinity;
  let max = -Infinity;
  const take = (v: number) => {
    if (!Number.isFinite(v) || (logY && v <= 0)) return;
    if (v < min) min = v;
    if (v > max) max = v;
  };
  for (const { drawn } of curves) {
    for (const channel of drawn.channels) for (let i = 0; i < drawn.length; i++) take(channel[i]!);
  }
  for (const mark of marks) if (mark.point) take(mark.point.value);
  take(threshold);
  if (logY) {
    if (min === Infinity) return scaleLog().domain([0.1, 10]);
    if (min === max) return scaleLog().domain([min / 2, max * 2]);
    return scaleLog().domain([min, max]).nice();
  }
  if (min === Infinity) return scaleLinear().domain([0, 1]);
  const lo = Math.min(0, min);
  const hi = max > lo ? max : lo + 1;
  return scaleLinear().domain([lo, hi]).nice();
}

/** The x axis never starts narrower than this many steps (or the whole run, if shorter). */
const FIRST_VIEW_STEPS = 64;

/**
 * The x axis's end: the run's step limit once training gets near it, before that the smallest
 * doubling of 64 steps that holds the curves with a little room. The early curve fills the panel
 * instead of hugging the left edge, and the axis changes only log₂(T/64) times per run.
 */
export function visibleSteps(totalSteps: number, lastStep: number): number {
  const limit = Math.max(1, totalSteps, lastStep);
  let view = FIRST_VIEW_STEPS;
  while (view < lastStep * 1.05 && view < limit) view *= 2;
  return Math.min(view, limit);
}
