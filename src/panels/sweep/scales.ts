/**
 * Axis scales of the sweep charts: a swept parameter's axis (log where the sweep is, categorical
 * positions for choice values) and a positive quantity's axis (log when it spans a wide range).
 * Pure: no DOM.
 */
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { formatQuantity } from '../../ui/format.ts';
import type { SweepValue } from '../../sweep/types.ts';
import type { ChartScales } from '../SmallChart.tsx';
import type { DrawnAxis } from './drawing.ts';

type Scale = ScaleContinuousNumeric<number, number>;

/** Where a value of the axis goes along it: the number itself, or a choice's index. */
export function axisPosition(axis: DrawnAxis, value: SweepValue): number {
  return typeof value === 'number' ? value : axis.values.indexOf(value);
}

export function isNumericAxis(axis: DrawnAxis): boolean {
  return axis.values.every((v) => typeof v === 'number');
}

/** Grids this small are labelled at every value; larger ones get d3's ticks. */
const MAX_LABELLED_VALUES = 7;

export interface SweepXAxis {
  readonly scale: Scale;
  readonly log: boolean;
  readonly ticks?: { readonly values: readonly number[]; readonly format: (value: number) => string };
  readonly format?: string;
}

export function sweepXAxis(axis: DrawnAxis, innerWidth: number): SweepXAxis {
  if (!isNumericAxis(axis)) {
    const n = axis.values.length;
    return {
      scale: scaleLinear()
        .domain([-0.5, Math.max(0.5, n - 0.5)])
        .range([0, innerWidth]),
      log: false,
      ticks: { values: axis.values.map((_, i) => i), format: (i) => String(axis.values[i] ?? '') },
    };
  }
  const values = axis.values as number[];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const log = axis.log && lo > 0;
  const scale = log ? logDomain(lo, hi, 0.06) : linearDomain(lo, hi, 0.06);
  scale.range([0, innerWidth]);
  // The grid's own values label the axis when there are few and they read as written (widths 64 …
  // 2048, depths, 0.001, 0.01); values like 0.00316 get the scale's round ticks instead.
  const round = values.every((v) => Number.isInteger(v) || Number(v.toPrecision(2)) === v);
  const format = (v: number) => (Number.isInteger(v) ? String(v) : formatQuantity(v, 3));
  if (values.length <= MAX_LABELLED_VALUES && round) return { scale, log, ticks: { values, format } };
  return { scale, log, format: '~g' };
}

/** A positive quantity's axis (τ, a relative change): log when it spans more than `logRatio`. */
export function quantityAxis(
  values: readonly number[],
  innerHeight: number,
  options: { readonly logRatio?: number; readonly forceLog?: boolean; readonly zeroFloor?: boolean } = {},
): { scale: Scale; log: boolean } {
  const finite = values.filter((v) => Number.isFinite(v) && (!options.forceLog || v > 0));
  const lo = finite.length > 0 ? Math.min(...finite) : 1;
  const hi = finite.length > 0 ? Math.max(...finite) : 10;
  const log = options.forceLog === true || (lo > 0 && hi / lo > (options.logRatio ?? 8));
  const scale = log
    ? logDomain(lo, hi, 0.08)
    : linearDomain(options.zeroFloor ? Math.min(0, lo) : lo, hi, 0.08);
  scale.range([innerHeight, 0]);
  if (!log) scale.nice();
  return { scale, log };
}

function logDomain(lo: number, hi: number, pad: number): Scale {
  const a = lo === hi ? lo / 2 : lo;
  const b = lo === hi ? hi * 2 : hi;
  const r = Math.pow(b / a, pad);
  return scaleLog().domain([a / r, b * r]);
}

function linearDomain(lo: number, hi: number, pad: number): Scale {
  const span = hi - lo || Math.abs(hi) || 1;
  return scaleLinear().domain([lo - (lo === 0 ? 0 : span * pad), hi + span * pad]);
}

/**
 * The scales of a log–log chart of a positive quantity against a swept parameter (the NTK change
 * against width, the error against n), y spanning `values` (1e-3 … 1 while there are none).
 */
export function logLogScales(
  xAxis: DrawnAxis,
  values: readonly number[],
  innerWidth: number,
  innerHeight: number,
): ChartScales {
  const x = sweepXAxis({ ...xAxis, log: true }, innerWidth);
  const y = quantityAxis(values.length > 0 ? values : [1e-3, 1], innerHeight, { forceLog: true });
  return {
    x: x.scale,
    y: y.scale,
    ...(x.ticks ? { xTicks: x.ticks } : {}),
    ...(x.format ? { xFormat: x.format } : {}),
    yFormat: '~g',
  };
}
