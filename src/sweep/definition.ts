/**
 * A sweep's definition and its link: the base configuration's keys as in every link, plus
 * `over=<axis>` (once or twice), `measure=tau|ntk` and `exp=<named experiment>`. The text is
 * canonical, so parse → format → parse gives the same definition and the same text.
 */
import { SWEEP_URL_KEYS, parseQuery, toQuery, type Fix, type LabConfig } from '../config/index.ts';
import { EXPERIMENTS } from '../experiments/registry.ts';
import { SweepDefinitionError, parseAxis } from './axis.ts';
import { QSTAR_KEY, keysSetBy } from './axisKey.ts';
import { criticalPairOf } from './criticalFamily.ts';
import type { SweepAxis, SweepDefinition, SweepMeasure } from './types.ts';

export const SWEEP_MEASURES: readonly SweepMeasure[] = ['tau', 'ntk', 'curvature', 'weights', 'curves'];
/** A grid over one or two parameters (a third would be hours of training and unreadable). */
export const MAX_AXES = 2;

export interface ParsedSweep {
  readonly definition: SweepDefinition;
  /** What the base configuration's parser changed (clamped, rounded, ignored keys), as for any link. */
  readonly fixes: readonly Fix[];
}

/** Whether a link describes a sweep (carries `over`, `measure` or `exp`). */
export function isSweepQuery(search: string): boolean {
  const query = new URLSearchParams(search);
  return SWEEP_URL_KEYS.some((key) => query.has(key));
}

/**
 * The definition of a sweep over `over` (axis texts) from `base`; throws SweepDefinitionError
 * with a one-line reason when it cannot run as written.
 */
export function sweepDefinition(
  base: LabConfig,
  over: readonly string[],
  measure: string = 'tau',
  experiment: string | null = null,
): SweepDefinition {
  if (over.length > MAX_AXES)
    throw new SweepDefinitionError(`${over.length} axes: a sweep has at most ${MAX_AXES}`);
  const axes: SweepAxis[] = over.map(parseAxis);
  if (axes.length === 2 && axes[0]!.key === axes[1]!.key)
    throw new SweepDefinitionError(`${axes[0]!.spec.split('=')[0]!} is swept twice`);
  if (axes.length === 2) {
    const [a, b] = axes.map((axis) => keysSetBy(axis.key));
    const both = a!.find((key) => b!.includes(key));
    if (both)
      throw new SweepDefinitionError(`σ_w² and σ_b² are set by qstar; ${both} cannot be swept beside it`);
  }
  if (!(SWEEP_MEASURES as readonly string[]).includes(measure))
    throw new SweepDefinitionError(`measure=${measure}: expected one of ${SWEEP_MEASURES.join(', ')}`);
  if (experiment !== null && !EXPERIMENTS.some((named) => named.id === experiment))
    throw new SweepDefinitionError(
      `exp=${experiment} is not a named experiment (known: ${EXPERIMENTS.map((named) => named.id).join(', ')})`,
    );
  const definition = { base, axes, measure: measure as SweepMeasure, experiment };
  checkThresholdMetric(definition);
  checkCriticalFamily(definition);
  return definition;
}

/** Reads a sweep link; throws SweepDefinitionError for an axis, measure or experiment it cannot run. */
export function parseSweepQuery(search: string): ParsedSweep {
  const { config, fixes } = parseQuery(search);
  const query = new URLSearchParams(search);
  const extra: Fix[] = [];
  const first = (key: string): string | null => {
    const all = query.getAll(key);
    for (const repeat of all.slice(1))
      extra.push({
        key,
        kind: 'ignored',
        raw: repeat,
        applied: all[0]!,
        reason: 'given more than once; the first value is kept',
      });
    return all[0] ?? null;
  };
  const measure = first('measure') ?? 'tau';
  const experiment = first('exp');
  const definition = sweepDefinition(config, query.getAll('over'), measure, experiment);
  return { definition, fixes: [...fixes, ...extra] };
}

/** The link of a definition: every base parameter (toQuery), then the axes, measure and experiment. */
export function sweepQuery(definition: SweepDefinition): string {
  const parts = definition.axes.map((axis) => `over=${encodeSweepValue(axis.spec)}`);
  parts.push(`measure=${definition.measure}`);
  if (definition.experiment !== null) parts.push(`exp=${encodeSweepValue(definition.experiment)}`);
  return `${toQuery(definition.base)}&${parts.join('&')}`;
}

/**
 * An axis as a query value, readable: '=', ':' and ',' may stand in a value unescaped (a query
 * splits pairs at '&' and a pair at its first '='), everything else as encodeURIComponent has it.
 */
function encodeSweepValue(text: string): string {
  return encodeURIComponent(text).replace(/%3D/g, '=').replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** τ is read from the base configuration's `lm`, or the axis's values of it: accuracy needs classes. */
function checkThresholdMetric(definition: SweepDefinition): void {
  const metrics = definition.axes.find((axis) => axis.key === 'lm')?.values ?? [definition.base.lm];
  const data = definition.axes.find((axis) => axis.key === 'data')?.values ?? [definition.base.data];
  if (metrics.includes('acc') && data.includes('teacher'))
    throw new SweepDefinitionError(
      'lm=acc: the teacher task is a regression, it has no accuracy; use lm=train or lm=test',
    );
}

/** Every q* of the axis has a critical pair the schema can hold, for every activation of the grid. */
function checkCriticalFamily(definition: SweepDefinition): void {
  const family = definition.axes.find((axis) => axis.key === QSTAR_KEY);
  if (!family) return;
  const acts = definition.axes.find((axis) => axis.key === 'act')?.values ?? [definition.base.act];
  for (const act of acts)
    for (const qStar of family.values) criticalPairOf(act as LabConfig['act'], qStar as number);
}
