/**
 * What a sweep chart draws, from a running sweep (its definition and the points so far) or from a
 * result file (saved, opened, or kept from the last run): the same drawing either way, so that a
 * reopened file looks exactly as the sweep did when it ended.
 */
import { PARAMS, type LabConfig } from '../../config/index.ts';
import { experimentById, type ExperimentChart } from '../../experiments/registry.ts';
import { axisParam } from '../../sweep/axisKey.ts';
import { parseAxis } from '../../sweep/axis.ts';
import type {
  SweepAxis,
  SweepCurve,
  SweepDefinition,
  SweepMeasure,
  SweepPoint,
  SweepResultFile,
  SweepValue,
} from '../../sweep/types.ts';

export type SweepChartKind = ExperimentChart;

export interface DrawnAxis {
  /** The URL key the points carry the value under. */
  readonly key: string;
  readonly label: string;
  readonly log: boolean;
  /** The grid's values, in the order they run. */
  readonly values: readonly SweepValue[];
}

export interface SweepDrawing {
  readonly kind: SweepChartKind;
  /**
   * The axes drawn: the x axis first, then the one whose values get a line each. With `bestOver`
   * (a named experiment's choice) the second is instead minimized over: one line per init.
   */
  readonly axes: readonly DrawnAxis[];
  readonly bestOver: string | null;
  readonly measure: SweepMeasure;
  readonly config: LabConfig;
  readonly threshold: { readonly metric: LabConfig['lm']; readonly value: number };
  readonly steps: number;
  readonly points: readonly SweepPoint[];
  readonly curves: readonly SweepCurve[];
}

/** The chart a sweep is drawn as: its named experiment's, else the one its measure and axes call for. */
export function chartKindOf(
  measure: SweepMeasure,
  axes: readonly { readonly key: string }[],
  experiment: string | null,
): SweepChartKind {
  const named = experiment === null ? undefined : experimentById(experiment);
  if (named) return named.chart;
  if (measure === 'curvature') return 'curvature-scatter';
  if (measure === 'weights') return 'singular-values';
  if (measure === 'curves') return 'curves';
  if (axes.length === 0) return 'curves';
  if (measure === 'ntk' && axes[0]!.key === 'N') return 'change-vs-width';
  return 'tau-vs-x';
}

/** The named experiment's `bestOver` axis, put last, when the sweep has it and another axis. */
function orderForBestOver(
  axes: readonly DrawnAxis[],
  experiment: string | null,
): { axes: readonly DrawnAxis[]; bestOver: string | null } {
  const key = experiment === null ? undefined : experimentById(experiment)?.bestOver;
  const over = key === undefined ? undefined : axes.find((a) => a.key === PARAMS[key].urlKey);
  if (!over || axes.length !== 2) return { axes, bestOver: null };
  return { axes: [...axes.filter((a) => a !== over), over], bestOver: over.key };
}

function drawnAxis(axis: SweepAxis): DrawnAxis {
  const param = axisParam(axis.key);
  return { key: param.urlKey, label: param.label, log: axis.log, values: axis.values };
}

export function drawingOfRun(
  definition: SweepDefinition,
  points: readonly SweepPoint[],
  curves: readonly SweepCurve[],
): SweepDrawing {
  const { axes, bestOver } = orderForBestOver(definition.axes.map(drawnAxis), definition.experiment);
  return {
    kind: chartKindOf(definition.measure, axes, definition.experiment),
    axes,
    bestOver,
    measure: definition.measure,
    config: definition.base,
    threshold: { metric: definition.base.lm, value: definition.base.thr },
    steps: definition.base.steps,
    points,
    curves,
  };
}

export function drawingOfFile(file: SweepResultFile): SweepDrawing {
  const { axes, bestOver } = orderForBestOver(
    file.over.map((spec) => drawnAxis(parseAxis(spec))),
    file.experiment,
  );
  return {
    kind: chartKindOf(file.measure, axes, file.experiment),
    axes,
    bestOver,
    measure: file.measure,
    config: file.config,
    threshold: { metric: file.threshold.metric, value: file.threshold.value },
    steps: file.steps,
    points: file.points,
    curves: file.curves,
  };
}

/** What every sweep chart is drawn from: a drawing, full size or compact (the Experiments view). */
export interface SweepChartProps {
  readonly drawing: SweepDrawing;
  readonly compact?: boolean;
}
