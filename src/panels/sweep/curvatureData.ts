/**
 * What the curvature charts draw, from a sweep's points and curves (measure=curvature): the
 * (s²_max, λ_max) pairs at initialization with their correlation, and λ_max along training per
 * run. Pure: no DOM.
 */
import type { InitKind } from '../../engine/init.ts';
import type { SweepCurve, SweepPoint, SweepValue } from '../../sweep/types.ts';
import { pearson } from './pearson.ts';

/** One run at initialization: s²_max of its Jacobian and λ_max of its Fisher, both > 0. */
export interface CurvaturePoint {
  /** Index of the run's point. */
  readonly index: number;
  readonly init: InitKind;
  readonly seed: number;
  readonly sMaxSq: number;
  readonly lambdaMax: number;
  readonly qStar: number | null;
}

export interface CurvatureCorrelation {
  /** Pearson ρ of (log s²_max, log λ_max): what a straight line on the log-log chart means. */
  readonly log: number | null;
  /** Pearson ρ of the values themselves. */
  readonly linear: number | null;
  readonly count: number;
}

/** The runs with a finite, positive λ_max and s²_max (a diverged or unmeasured run has none). */
export function curvaturePoints(points: readonly SweepPoint[]): CurvaturePoint[] {
  return points.flatMap((p, index) => {
    const { lambdaMaxFisher: lambdaMax, sMaxSq } = p;
    if (!(lambdaMax !== undefined && lambdaMax > 0 && Number.isFinite(lambdaMax))) return [];
    if (!(sMaxSq !== undefined && sMaxSq > 0 && Number.isFinite(sMaxSq))) return [];
    const qStar = typeof p.qStar === 'number' && Number.isFinite(p.qStar) ? p.qStar : null;
    return [{ index, init: p.init, seed: p.seed, sMaxSq, lambdaMax, qStar }];
  });
}

export function curvatureCorrelation(points: readonly CurvaturePoint[]): CurvatureCorrelation {
  return {
    log: pearson(
      points.map((p) => Math.log(p.sMaxSq)),
      points.map((p) => Math.log(p.lambdaMax)),
    ),
    linear: pearson(
      points.map((p) => p.sMaxSq),
      points.map((p) => p.lambdaMax),
    ),
    count: points.length,
  };
}

/** The distinct q* values present, ascending (for a colour scale and its legend). */
export function qStarValues(points: readonly CurvaturePoint[]): number[] {
  return [...new Set(points.flatMap((p) => (p.qStar === null ? [] : [p.qStar])))].sort((a, b) => a - b);
}

/** One run's λ_max(Fisher) along training. */
export interface LambdaLine {
  readonly point: number;
  readonly init: InitKind;
  readonly seed: number;
  /** The run's values of the swept parameters (init and seed aside), by URL key. */
  readonly at: Readonly<Record<string, SweepValue>>;
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

/**
 * One line per run that has curvature steps, keeping the steps where λ_max is finite and > 0 (the
 * chart's y axis is log), with the values of `axisKeys` its point was run at.
 */
export function lambdaLines(
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
  axisKeys: readonly string[],
): LambdaLine[] {
  return curves.flatMap((curve) => {
    const point = points[curve.point];
    const { curvatureSteps, lambdaMax } = curve;
    if (!point || !curvatureSteps || !lambdaMax) return [];
    const kept = curvatureSteps.flatMap((step, i) => {
      const value = lambdaMax[i];
      return value !== undefined && value > 0 && Number.isFinite(value) ? [[step, value] as const] : [];
    });
    if (kept.length === 0) return [];
    const at: Record<string, SweepValue> = {};
    for (const key of axisKeys) {
      const value = point[key];
      if (typeof value === 'number' || typeof value === 'string') at[key] = value;
    }
    return [
      {
        point: curve.point,
        init: point.init,
        seed: point.seed,
        at,
        steps: kept.map(([step]) => step),
        values: kept.map(([, value]) => value),
      },
    ];
  });
}
