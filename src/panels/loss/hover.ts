import type { InitCurve } from './chart.ts';
import { indexAtOrBefore, nearestIndex } from './lookup.ts';
import type { MetricView } from './metric.ts';

export interface HoverRun {
  readonly seed: number;
  /** The run's raw value at the latest measured step ≤ the hovered one; NaN when none. */
  readonly value: number;
  readonly diverged: boolean;
}

export interface HoverEntry {
  readonly label: string;
  /** Mean across the seeds still going at the latest aggregated step ≤ the hovered one. */
  readonly mean: number;
  readonly seeds: number;
  readonly runs: readonly HoverRun[];
}

export interface HoverReading {
  readonly step: number;
  readonly entries: readonly HoverEntry[];
}

/** The measured step nearest to `step`, taken from the curve with the most points. */
export function snapStep(curves: readonly InitCurve[], step: number): number | null {
  let best: InitCurve | null = null;
  for (const curve of curves) if (!best || curve.aggregate.length > best.aggregate.length) best = curve;
  if (!best) return null;
  const i = nearestIndex(best.aggregate.steps, best.aggregate.length, step);
  return i < 0 ? null : best.aggregate.steps[i]!;
}

/** What the hover readout says at `step`: each init's mean and each of its runs' raw values. */
export function readAt(curves: readonly InitCurve[], metric: MetricView, step: number): HoverReading {
  const entries = curves.map((curve) => {
    const { aggregate } = curve;
    const i = indexAtOrBefore(aggregate.steps, aggregate.length, step);
    const runs = curve.runs.map((trace) => {
      const series = metric.series(trace);
      const diverged = trace.diverged !== null && step >= trace.diverged.step;
      const j = indexAtOrBefore(series.steps, series.length, step);
      return { seed: trace.run.seed, value: diverged || j < 0 ? NaN : series.values[j]!, diverged };
    });
    return {
      label: curve.label,
      mean: i < 0 ? NaN : aggregate.mean[i]!,
      seeds: i < 0 ? 0 : aggregate.count[i]!,
      runs,
    };
  });
  return { step, entries };
}
