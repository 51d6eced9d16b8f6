import type { InitKind } from '../../engine/init.ts';
import type { SweepCurve, SweepPoint, SweepValue } from '../../sweep/types.ts';
import { groupByCell } from './aggregate.ts';

/** The singular values of one grid point's weights (one init) against steps, over its seeds. */
export interface SingularValueLine {
  readonly init: InitKind;
  /** The point's values of the swept axes (init and seed left out). */
  readonly at: Readonly<Record<string, SweepValue>>;
  readonly seeds: number;
  readonly steps: readonly number[];
  /** Mean over the seeds of each seed's mean and std of the singular values… */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** …and the smallest minimum and largest maximum of any seed. */
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/**
 * The curves' weight spectra (measure=weights: weightSteps, weightSv) grouped by init and the
 * values of `axisKeys`, the seeds of a group put together at the steps they all have (the first
 * seed's steps; a seed that stopped early, diverged, ends the group's line there).
 */
export function singularValueLines(
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
  axisKeys: readonly string[],
): SingularValueLine[] {
  return groupByCell(points, curves, axisKeys, ({ weightSteps, weightSv }) =>
    weightSteps && weightSv ? { weightSteps, weightSv } : null,
  )
    .map(({ members, ...group }) => ({ ...group, curves: members }))
    .map((group) => {
      const length = Math.min(...group.curves.map((c) => c.weightSteps.length));
      const index = Array.from({ length }, (_, i) => i);
      const over = (
        pick: (c: (typeof group.curves)[number], i: number) => number,
        reduce: (v: number[]) => number,
      ) => index.map((i) => reduce(group.curves.map((c) => pick(c, i))));
      const average = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      return {
        init: group.init,
        at: group.at,
        seeds: group.curves.length,
        steps: group.curves[0]!.weightSteps.slice(0, length),
        mean: over((c, i) => c.weightSv.mean[i]!, average),
        std: over((c, i) => c.weightSv.std[i]!, average),
        min: over(
          (c, i) => c.weightSv.min[i]!,
          (v) => Math.min(...v),
        ),
        max: over(
          (c, i) => c.weightSv.max[i]!,
          (v) => Math.max(...v),
        ),
      };
    });
}

/** The held-out metric (lm=acc: accuracy; lm=test: loss) of one grid point and init, mean over its seeds. */
export interface HeldOutLine {
  readonly init: InitKind;
  readonly at: Readonly<Record<string, SweepValue>>;
  readonly seeds: number;
  readonly steps: readonly number[];
  readonly mean: readonly number[];
}

/** The curves' held-out metric (evalSteps, evalMetric) grouped as singularValueLines groups spectra. */
export function heldOutLines(
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
  axisKeys: readonly string[],
): HeldOutLine[] {
  return groupByCell(points, curves, axisKeys, ({ evalSteps, evalMetric }) =>
    evalSteps && evalMetric ? ([evalSteps, evalMetric] as const) : null,
  )
    .map(({ members, ...group }) => ({ ...group, series: members }))
    .map((group) => {
      const length = Math.min(...group.series.map(([steps]) => steps.length));
      return {
        init: group.init,
        at: group.at,
        seeds: group.series.length,
        steps: group.series[0]![0].slice(0, length),
        mean: Array.from(
          { length },
          (_, i) => group.series.reduce((sum, [, values]) => sum + values[i]!, 0) / group.series.length,
        ),
      };
    });
}
