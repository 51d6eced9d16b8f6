/**
 * Aggregation of a sweep's points over seeds, for drawing: τ per grid cell (mean and min–max over
 * the seeds that reached the threshold, and how many did not or diverged), and the mean of any
 * other per-point number (NTK change, weight change). Pure: no DOM, no store.
 */
import type { InitKind } from '../../engine/init.ts';
import type { SweepCurve, SweepPoint, SweepValue } from '../../sweep/types.ts';

export const INIT_ORDER: readonly InitKind[] = ['gaussian', 'orthogonal'];

/** Min, mean and max of a set of numbers (null when empty). */
export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export function spreadOf(values: readonly number[]): Spread | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  return {
    mean: finite.reduce((a, b) => a + b, 0) / finite.length,
    min: Math.min(...finite),
    max: Math.max(...finite),
    count: finite.length,
  };
}

/** τ at one value of the swept parameter, over the seeds run there. */
export interface TauCell {
  readonly x: SweepValue;
  readonly seeds: number;
  /** τ over the seeds that reached the threshold; null when none did. */
  readonly tau: Spread | null;
  /** Seeds that diverged (a NaN or infinite loss) before reaching it. */
  readonly diverged: number;
  /** Seeds that trained to the end without reaching it. */
  readonly notReached: number;
  /** tauLinesBestOver: per seed that reached τ, the value of the other axis where it was smallest. */
  readonly bestAt?: readonly SweepValue[];
}

/** One line of a τ chart: one init at one value of the second swept parameter (if any). */
export interface TauLine {
  readonly init: InitKind;
  readonly second: SweepValue | null;
  readonly cells: readonly TauCell[];
}

/** Values of `key` among the points, in the order they first appear (the sweep's order). */
export function valuesOf(points: readonly SweepPoint[], key: string): SweepValue[] {
  const seen: SweepValue[] = [];
  for (const p of points) {
    const v = p[key];
    if ((typeof v === 'number' || typeof v === 'string') && !seen.includes(v)) seen.push(v);
  }
  return seen;
}

/** Numbers ascending, choice values in their order of appearance. */
export function orderedValues(points: readonly SweepPoint[], key: string): SweepValue[] {
  const values = valuesOf(points, key);
  return values.every((v) => typeof v === 'number')
    ? [...values].sort((a, b) => (a as number) - (b as number))
    : values;
}

/**
 * τ lines: for each init (Gaussian first) and each value of `secondKey` (in order), one cell per
 * value of `xKey` that has points. A seed counts once, as reached, diverged or not reached.
 */
export function tauLines(points: readonly SweepPoint[], xKey: string, secondKey: string | null): TauLine[] {
  const xs = orderedValues(points, xKey);
  const seconds: (SweepValue | null)[] = secondKey ? orderedValues(points, secondKey) : [null];
  const lines: TauLine[] = [];
  for (const init of INIT_ORDER) {
    for (const second of seconds) {
      const mine = points.filter((p) => p.init === init && (secondKey === null || p[secondKey] === second));
      if (mine.length === 0) continue;
      const cells: TauCell[] = [];
      for (const x of xs) {
        const here = mine.filter((p) => p[xKey] === x);
        if (here.length === 0) continue;
        const reached = here.filter((p) => p.tau !== null).map((p) => p.tau as number);
        const diverged = here.filter((p) => p.tau === null && p.diverged).length;
        cells.push({
          x,
          seeds: here.length,
          tau: spreadOf(reached),
          diverged,
          notReached: here.length - reached.length - diverged,
        });
      }
      lines.push({ init, second, cells });
    }
  }
  return lines;
}

/**
 * τ lines at the best value of another swept parameter (Saxe et al.: each depth at its best learning
 * rate): one line per init; at each value of `xKey`, each seed's τ is the smallest over the values
 * of `overKey`. A seed with no τ at any of them counts as diverged when every one of its runs
 * there diverged, else as not reached.
 */
export function tauLinesBestOver(points: readonly SweepPoint[], xKey: string, overKey: string): TauLine[] {
  const xs = orderedValues(points, xKey);
  const lines: TauLine[] = [];
  for (const init of INIT_ORDER) {
    const mine = points.filter((p) => p.init === init);
    if (mine.length === 0) continue;
    const cells: TauCell[] = [];
    for (const x of xs) {
      const here = mine.filter((p) => p[xKey] === x);
      if (here.length === 0) continue;
      const seeds = [...new Set(here.map((p) => p.seed))];
      const best: { tau: number; at: SweepValue }[] = [];
      let diverged = 0;
      for (const seed of seeds) {
        const runs = here.filter((p) => p.seed === seed);
        const reached = runs.filter((p) => p.tau !== null);
        if (reached.length > 0) {
          const top = reached.reduce((a, b) => ((b.tau as number) < (a.tau as number) ? b : a));
          best.push({ tau: top.tau as number, at: top[overKey] as SweepValue });
        } else if (runs.every((p) => p.diverged)) diverged++;
      }
      cells.push({
        x,
        seeds: seeds.length,
        tau: spreadOf(best.map((b) => b.tau)),
        diverged,
        notReached: seeds.length - best.length - diverged,
        bestAt: best.map((b) => b.at),
      });
    }
    lines.push({ init, second: null, cells });
  }
  return lines;
}

/** A per-point number against the swept parameter, for one init. */
export interface ValueLine {
  readonly init: InitKind;
  readonly cells: readonly { readonly x: number; readonly value: Spread }[];
}

/** Mean and spread over seeds of `read(point)` at every numeric value of `xKey`, per init. */
export function valueLines(
  points: readonly SweepPoint[],
  xKey: string,
  read: (point: SweepPoint) => number | undefined,
): ValueLine[] {
  const xs = orderedValues(points, xKey).filter((x): x is number => typeof x === 'number');
  const lines: ValueLine[] = [];
  for (const init of INIT_ORDER) {
    const mine = points.filter((p) => p.init === init);
    const cells: { x: number; value: Spread }[] = [];
    for (const x of xs) {
      const values = mine
        .filter((p) => p[xKey] === x)
        .map(read)
        .filter((v): v is number => v !== undefined);
      const value = spreadOf(values);
      if (value) cells.push({ x, value });
    }
    if (cells.length > 0) lines.push({ init, cells });
  }
  return lines;
}

/**
 * The layers whose weight change is drawn, as indices into a point's `weightChange` (hidden layers
 * 1…L, then the readout L+1): the first, a middle one and the readout, as in Huang et al. Fig. 1,
 * where the first and last change like 1/√n and the square middle ones like 1/n.
 */
export function sampledLayers(layerCount: number): { readonly label: string; readonly index: number }[] {
  if (layerCount <= 0) return [];
  if (layerCount === 1) return [{ label: 'W₁ (readout)', index: 0 }];
  const layers = [{ label: 'W₁ (input)', index: 0 }];
  const middle = Math.floor((layerCount - 1) / 2);
  if (middle > 0) layers.push({ label: `W${subscript(middle + 1)} (middle)`, index: middle });
  layers.push({ label: `W${subscript(layerCount)} (readout)`, index: layerCount - 1 });
  return layers;
}

function subscript(n: number): string {
  return [...String(n)].map((d) => String.fromCharCode(0x2080 + Number(d))).join('');
}

/** The training curves of one init at one grid point, one per seed. */
export interface CurveGroup {
  readonly init: InitKind;
  /** The swept values of the grid point, e.g. { lr: 0.01 } (empty without axes). */
  readonly at: Readonly<Record<string, SweepValue>>;
  readonly seeds: readonly { readonly steps: readonly number[]; readonly values: readonly number[] }[];
}

/** Curves grouped by init and grid point (the swept keys' values), Gaussian first, grid in order. */
export function curveGroups(
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
  axisKeys: readonly string[],
): CurveGroup[] {
  return groupByCell(points, curves, axisKeys, (curve) => ({
    steps: curve.steps,
    values: curve.trainLoss,
  })).map(({ init, at, members }) => ({ init, at, seeds: members }));
}

/**
 * What `pick` takes from each curve (null: the curve has none of it), grouped by init and grid point
 * (the values of `axisKeys`), the seeds of a cell together: Gaussian first, cells in grid order.
 */
export function groupByCell<T>(
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
  axisKeys: readonly string[],
  pick: (curve: SweepCurve) => T | null,
): { init: InitKind; at: Readonly<Record<string, SweepValue>>; members: T[] }[] {
  const groups = new Map<string, { init: InitKind; at: Record<string, SweepValue>; members: T[] }>();
  for (const curve of curves) {
    const point = points[curve.point];
    const picked = point ? pick(curve) : null;
    if (!point || picked === null) continue;
    const at: Record<string, SweepValue> = {};
    for (const key of axisKeys) {
      const v = point[key];
      if (typeof v === 'number' || typeof v === 'string') at[key] = v;
    }
    const id = JSON.stringify([point.init, axisKeys.map((k) => at[k])]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { init: point.init, at, members: [] }));
    group.members.push(picked);
  }
  return [...groups.values()].sort((a, b) => INIT_ORDER.indexOf(a.init) - INIT_ORDER.indexOf(b.init));
}
