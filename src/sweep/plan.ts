/**
 * A sweep's grid as runs and programs: every grid point (a value of each axis) runs the base
 * configuration's inits × seeds; points whose networks have the same shapes and training and
 * differ only in learning rate (or threshold, which only reads the curve) share one stacked
 * experiment, each run with its own η. Others run one after another. A group over the budget is
 * split into the fewest stacked programs that each fit it. No tfjs here: the page can plan (count
 * runs and programs, refuse) without loading the engine.
 */
import type { LabConfig, ParamKey } from '../config/index.ts';
import { BudgetRefusal, predict, refuse, type BackendFacts, type Budget } from '../engine/budget.ts';
import type { InitKind } from '../engine/init.ts';
import { costConfigOf, planRuns } from '../engine/runs.ts';
import { datasetShape } from '../engine/cost.ts';
import { curvatureSeconds, measurementCount } from './alongTraining.ts';
import { QSTAR_KEY, axisParam } from './axisKey.ts';
import { criticalPairOf } from './criticalFamily.ts';
import type { SweepDefinition, SweepValue } from './types.ts';

/** One run of the grid. */
export interface PlannedPoint {
  /** The swept parameters' values at this point, by URL key. */
  readonly values: Readonly<Record<string, SweepValue>>;
  /** The base configuration with those values. */
  readonly config: LabConfig;
  readonly init: InitKind;
  readonly seed: number;
}

/** One stacked experiment: runs that share every setting but η. */
export interface SweepGroup {
  /** The shared configuration (its lr and thr are the first run's; each run has its own). */
  readonly config: LabConfig;
  /** Indices into SweepPlan.points, in run order. */
  readonly points: readonly number[];
  /**
   * Predicted seconds to build and per training step (budget.ts, plus a share of measure=curvature's
   * λ_max measurements), for a fair progress bar and the Experiments view's prediction.
   */
  readonly buildSeconds: number;
  readonly stepSeconds: number;
}

export interface SweepPlan {
  /** Grid order: the first axis outermost, then the second, then inits, then seeds. */
  readonly points: readonly PlannedPoint[];
  readonly groups: readonly SweepGroup[];
}

export interface PlanOptions {
  /** Split groups (and refuse runs) to fit it; without one, every group is one program. */
  readonly budget?: Budget;
  /** The backend the budget predicts for (default: WASM's table). */
  readonly facts?: BackendFacts;
}

/** Settings a group's runs may differ in: each run takes its own η, and τ reads its own threshold. */
const PER_RUN: ReadonlySet<ParamKey> = new Set<ParamKey>(['lr', 'thr']);

export function planSweep(definition: SweepDefinition, options: PlanOptions = {}): SweepPlan {
  const facts = options.facts ?? { backend: 'wasm' };
  const points: PlannedPoint[] = [];
  for (const cell of gridCells(definition)) {
    const config = { ...definition.base, ...cell.config } as LabConfig;
    for (const run of planRuns(config))
      points.push({ values: cell.values, config, init: run.init, seed: run.seed });
  }
  const byKey = new Map<string, number[]>();
  points.forEach((point, index) => {
    const key = trainingKey(point.config);
    const members = byKey.get(key);
    if (members) members.push(index);
    else byKey.set(key, [index]);
  });
  const groups: SweepGroup[] = [];
  for (const members of byKey.values()) {
    const config = points[members[0]!]!.config;
    for (const chunk of splitToBudget(config, members, points, options.budget, facts)) {
      const prediction = predict(
        costConfigOf(
          config,
          chunk.map((index) => points[index]!),
        ),
        facts,
      );
      // λ_max along training costs more than the steps between its measurements: spread over them.
      const measuring =
        definition.measure === 'curvature'
          ? (measurementCount(config.steps) *
              curvatureSeconds({ ...datasetShape(config), L: config.L, N: config.N }, chunk.length)) /
            config.steps
          : 0;
      groups.push({
        config,
        points: chunk,
        buildSeconds: prediction.buildSeconds,
        stepSeconds: prediction.stepSeconds + measuring,
      });
    }
  }
  return { points, groups };
}

/**
 * Every combination of the axes' values, the first axis outermost. A q* axis sets σ_w² and σ_b²
 * once the cell's activation is known (it may be swept too); the point records them beside q*.
 */
function gridCells(
  definition: SweepDefinition,
): { values: Record<string, SweepValue>; config: Partial<Record<ParamKey, SweepValue>> }[] {
  let cells: { values: Record<string, SweepValue>; config: Partial<Record<ParamKey, SweepValue>> }[] = [
    { values: {}, config: {} },
  ];
  for (const axis of definition.axes) {
    const urlKey = axisParam(axis.key).urlKey;
    cells = cells.flatMap((cell) =>
      axis.values.map((value) => ({
        values: { ...cell.values, [urlKey]: value },
        config: axis.key === QSTAR_KEY ? cell.config : { ...cell.config, [axis.key]: value },
      })),
    );
  }
  if (!definition.axes.some((axis) => axis.key === QSTAR_KEY)) return cells;
  return cells.map((cell) => {
    const act = (cell.config.act ?? definition.base.act) as LabConfig['act'];
    const { sw2, sb2 } = criticalPairOf(act, cell.values[QSTAR_KEY] as number);
    return { values: { ...cell.values, sw2, sb2 }, config: { ...cell.config, sw2, sb2 } };
  });
}

/** What decides the shapes and the training of a run, η and the threshold aside. */
function trainingKey(config: LabConfig): string {
  return JSON.stringify(Object.entries(config).filter(([key]) => !PER_RUN.has(key as ParamKey)));
}

/**
 * The group's runs in the fewest equal chunks that each fit the budget, in order. Throws a
 * BudgetRefusal when a single run does not fit (its suggestion is the nearest configuration).
 */
function splitToBudget(
  config: LabConfig,
  members: readonly number[],
  points: readonly PlannedPoint[],
  budget: Budget | undefined,
  facts: BackendFacts,
): number[][] {
  if (!budget) return [[...members]];
  const refusalOf = (chunk: readonly number[]) =>
    refuse(
      costConfigOf(
        config,
        chunk.map((index) => points[index]!),
      ),
      facts,
      budget,
    );
  for (let count = 1; count <= members.length; count++) {
    const size = Math.ceil(members.length / count);
    const chunks: number[][] = [];
    for (let start = 0; start < members.length; start += size)
      chunks.push(members.slice(start, start + size));
    if (chunks.every((chunk) => refusalOf(chunk) === null)) return chunks;
  }
  // Not even one run of them fits: refuse the first that does not, as the lab refuses any configuration.
  const refusals = members.map((index) => refusalOf([index]));
  throw new BudgetRefusal(refusals.find((refusal) => refusal !== null)!);
}
