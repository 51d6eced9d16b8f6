/**
 * A sweep in words, for its panel and the Experiments view: what is trained (the base
 * configuration, with the swept parameters as their grids) and how many runs that makes. Pure.
 */
import { PARAMS, paramKeyOf, type LabConfig, type ParamKey } from '../../config/index.ts';
import { formatQuantity } from '../../ui/format.ts';
import { QSTAR_KEY, axisParam, type AxisKey } from '../../sweep/axisKey.ts';
import type { SweepAxis, SweepDefinition } from '../../sweep/types.ts';

/** The parameters named when describing a sweep, in reading order. */
const DESCRIBED: readonly ParamKey[] = [
  'act',
  'sw2',
  'sb2',
  'L',
  'N',
  'param',
  'lr',
  'opt',
  'bs',
  'data',
  'steps',
];

/** The short name of a parameter by its URL key, as the charts label values: η for lr, L, N, … */
export function symbolOf(urlKey: string): string {
  const key = urlKey === QSTAR_KEY ? QSTAR_KEY : paramKeyOf(urlKey);
  return (key && axisParam(key).symbol) ?? urlKey;
}

export function runCount(definition: SweepDefinition): number {
  const inits = definition.base.init === 'both' ? 2 : 1;
  return definition.axes.reduce((n, axis) => n * axis.values.length, inits * definition.base.seeds);
}

function value(key: AxisKey, v: number | string): string {
  const param = axisParam(key);
  if (param.kind === 'choice') return param.choices.find((c) => c.value === v)?.label ?? String(v);
  return formatQuantity(v as number);
}

function axisText(axis: SweepAxis): string {
  const n = axis.values.length;
  if (n > 4 && axis.values.every((v) => typeof v === 'number')) {
    const first = value(axis.key, axis.values[0]!);
    const last = value(axis.key, axis.values[n - 1]!);
    return `${first} … ${last} (${n} values${axis.log ? ', log' : ''})`;
  }
  return axis.values.map((v) => value(axis.key, v)).join(', ');
}

/** e.g. "φ = erf, σ_w² = 1, …, N ∈ {64 … 2048 (6 values, log)}, …; both inits × 1 seed: 12 runs". */
export function describeSweep(definition: SweepDefinition): string {
  const base: LabConfig = definition.base;
  const parts = DESCRIBED.map((key) => {
    const name = PARAMS[key].symbol ?? PARAMS[key].label;
    const axis = definition.axes.find((a) => a.key === key);
    const family = definition.axes.find((a) => a.key === QSTAR_KEY);
    if (family && (key === 'sw2' || key === 'sb2')) return `${name} critical at q*`;
    if (key === 'L' && base.arch === 'rnn' && !axis) return 'recurrent, 28 steps (rows)';
    if (axis) return `${name} ∈ {${axisText(axis)}}`;
    if (key === 'param') return base.param === 'ntk' ? 'NTK parameterization' : 'standard parameterization';
    if (key === 'opt') return value('opt', base.opt);
    if (key === 'data') return base.data === 'mnist' ? 'MNIST' : 'teacher task';
    return `${name} = ${value(key, base[key])}`;
  });
  // Axes over parameters not among the usual ones (e.g. the threshold) are named too.
  for (const axis of definition.axes)
    if (!(DESCRIBED as readonly AxisKey[]).includes(axis.key))
      parts.push(`${axisParam(axis.key).label} ∈ {${axisText(axis)}}`);
  const inits = base.init === 'both' ? 'Gaussian and orthogonal' : value('init', base.init);
  const seeds = base.seeds === 1 ? '1 seed' : `${base.seeds} seeds`;
  const runs = runCount(definition);
  return `${parts.join(', ')}; ${inits} × ${seeds}: ${runs} ${runs === 1 ? 'run' : 'runs'}`;
}

/** A duration as people say it: "45 s", "3 min 20 s", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.round(s / 60);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
