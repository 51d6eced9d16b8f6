/**
 * Runs a sweep: its groups one after another (plan.ts), each one stacked experiment with a
 * learning rate per run, on the current tfjs backend. Gives way to the event loop between steps
 * (the page stays live, Cancel is heard within a step), reports progress with a remaining time
 * extrapolated from the work done, and hands over each group's points as it finishes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ByteSource, Dataset } from '../engine/data/dataset.ts';
import { loadMnist, mnistDataset } from '../engine/data/mnist.ts';
import type { TeacherOptions } from '../engine/data/teacher.ts';
import { backendKind, type BackendFacts, type Budget } from '../engine/budget.ts';
import type { UnitDrawCache } from '../engine/drawCache.ts';
import { createExperiment, type Experiment, type Formulation } from '../engine/experiment.ts';
import type { NetworkMeasurements, NtkMeasurement } from '../engine/measurements.ts';
import { relativeChange } from '../engine/ntk.ts';
import { sweepQuery } from './definition.ts';
import { LAB_VERSION } from './labVersion.ts';
import { planSweep, type SweepGroup, type SweepPlan } from './plan.ts';
import { TrainingMeasurements } from './alongTraining.ts';
import { EVAL_EXAMPLES, RunTracker, evalEvery, tauRule } from './tau.ts';
import type { SweepCurve, SweepDefinition, SweepPoint, SweepProgress, SweepResultFile } from './types.ts';

/** NTK probe inputs of measure=ntk (the paper's Fig. 1 used D = 20), and the output unit measured. */
export const NTK_INPUTS = 20;
export const NTK_UNIT = 0;
/** The sweep gives way to the event loop at least this often (ms of work between yields). */
const YIELD_MS = 25;
/** Progress is reported at most this often (ms), and at every group's start and end. */
const PROGRESS_MS = 100;

export interface SweepRunOptions {
  /** Where the prepared MNIST files are read from (needed for data=mnist). */
  readonly dataSource?: ByteSource;
  /** Every group trains on this dataset instead (tests). */
  readonly dataset?: Dataset;
  readonly teacher?: Partial<TeacherOptions>;
  /** Groups are split to fit it, and a run that cannot fit is refused (BudgetRefusal) before any work. */
  readonly budget?: Budget;
  /** Default: the active tfjs backend's table. */
  readonly backendFacts?: BackendFacts;
  readonly formulation?: Formulation;
  /** Held-out examples of lm=test/acc evaluations (default EVAL_EXAMPLES). */
  readonly evalExamples?: number;
  readonly drawCache?: UnitDrawCache;
  /** Cancels: the promise then resolves with the groups finished so far, complete = false. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** After each group: every point finished so far, in grid order, and their curves. */
  readonly onPoints?: (points: readonly SweepPoint[], curves: readonly SweepCurve[]) => void;
}

/** What one finished run contributes to the file. */
interface RunResult {
  readonly point: SweepPoint;
  readonly curve: Omit<SweepCurve, 'point'>;
}

class Cancelled extends Error {}

export async function runSweep(
  definition: SweepDefinition,
  options: SweepRunOptions = {},
): Promise<SweepResultFile> {
  const started = Date.now();
  const facts = options.backendFacts ?? { backend: backendKind(tf.getBackend()) };
  const plan = planSweep(definition, { ...(options.budget ? { budget: options.budget } : {}), facts });
  const results: (RunResult | null)[] = plan.points.map(() => null);
  const progress = new ProgressClock(plan, started, definition.measure === 'tau', options.onProgress);
  const datasets = new DatasetCache(options);
  let complete = true;
  try {
    for (const [index, group] of plan.groups.entries()) {
      if (options.signal?.aborted) throw new Cancelled();
      const finished = await runGroup(definition, plan, group, index, datasets, progress, options);
      group.points.forEach((pointIndex, r) => (results[pointIndex] = finished[r]!));
      progress.groupDone(index);
      if (options.onPoints) {
        const { points, curves } = assemble(results);
        options.onPoints(points, curves);
      }
    }
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    complete = false;
  }
  const { points, curves } = assemble(results);
  const base = definition.base;
  return {
    format: 'isometry-lab-sweep',
    version: 1,
    labVersion: LAB_VERSION,
    createdAt: new Date(started).toISOString(),
    backend: tf.getBackend(),
    experiment: definition.experiment,
    query: sweepQuery(definition),
    config: base,
    over: definition.axes.map((axis) => axis.spec),
    measure: definition.measure,
    threshold: { metric: base.lm, value: base.thr, rule: tauRule(base.lm, base.thr, base.steps) },
    steps: base.steps,
    points,
    curves,
    complete,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Trains one group to its end (or until each run has reached τ or diverged, for measure=tau). */
async function runGroup(
  definition: SweepDefinition,
  plan: SweepPlan,
  group: SweepGroup,
  groupIndex: number,
  datasets: DatasetCache,
  progress: ProgressClock,
  options: SweepRunOptions,
): Promise<RunResult[]> {
  const { config } = group;
  const members = group.points.map((index) => plan.points[index]!);
  const abortCheck = (): void => {
    if (options.signal?.aborted) throw new Cancelled();
  };
  progress.building(groupIndex, 0);
  const experiment = await createExperiment(config, {
    ...(await datasets.for(config.data)),
    runs: members.map((point) => ({ init: point.init, seed: point.seed, lr: point.config.lr })),
    evalExamples: options.evalExamples ?? EVAL_EXAMPLES,
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.backendFacts ? { backendFacts: options.backendFacts } : {}),
    ...(options.formulation ? { formulation: options.formulation } : {}),
    ...(options.drawCache ? { drawCache: options.drawCache } : {}),
    onProgress: async (done, count) => {
      progress.building(groupIndex, done / count);
      await progress.giveWay();
      abortCheck();
    },
  });
  const trackers = members.map((point) => new RunTracker(config.lm, point.config.thr, config.steps));
  const ntk = definition.measure === 'ntk';
  const along = new TrainingMeasurements(definition.measure, members.length);
  const testLoss: (number | null)[] = members.map(() => null);
  let initial: NetworkMeasurements | null = null;
  try {
    let initialKernels: NtkMeasurement | null = null;
    if (ntk) {
      initial = experiment.freeze();
      initialKernels = await initial.ntk(NTK_INPUTS, NTK_UNIT);
    }
    const every = evalEvery(config.steps);
    const evaluates = config.lm !== 'train';
    if (evaluates) await evaluateInto(experiment, trackers, config.lm, testLoss);
    if (along.due(0, config.steps)) await along.take(experiment, 0);
    progress.training(groupIndex, 0);
    for (let step = 1; step <= config.steps; step++) {
      abortCheck();
      const result = await experiment.step();
      result.loss.forEach((loss, r) => trackers[r]!.observeTrain(result.step, loss));
      if (evaluates && (step % every === 0 || step === config.steps))
        await evaluateInto(experiment, trackers, config.lm, testLoss);
      if (along.due(step, config.steps)) await along.take(experiment, step);
      progress.training(groupIndex, step);
      await progress.giveWay();
      // Only τ is settled by reaching it: the other measures want the whole run.
      if (definition.measure === 'tau' && trackers.every((tracker) => tracker.settled)) {
        progress.stoppedEarly(groupIndex, step);
        break;
      }
    }
    trackers.forEach((tracker) => tracker.finish());
    const changes =
      initial && initialKernels ? await changesSince(experiment, initial, initialKernels) : null;
    return members.map((member, r) => {
      const tracker = trackers[r]!;
      const diverged = tracker.divergedAt !== null;
      const change = changes && !diverged ? changes[r]! : null;
      const measured = along.of(r, member.config);
      const point: SweepPoint = {
        ...member.values,
        init: member.init,
        seed: member.seed,
        tau: tracker.tau,
        diverged,
        divergedAtStep: tracker.divergedAt,
        finalLoss: tracker.meanOfWindow(),
        stepsTrained: tracker.stepsTrained,
        ...(change ?? {}),
        ...measured.point,
        ...(evaluates ? { finalTestLoss: diverged ? null : testLoss[r]! } : {}),
      };
      const curve = {
        steps: tracker.curveSteps,
        trainLoss: tracker.curveLoss,
        ...(evaluates ? { evalSteps: tracker.evalSteps, evalMetric: tracker.evalMetric } : {}),
        ...measured.curve,
      };
      return { point, curve };
    });
  } finally {
    initial?.dispose();
    experiment.dispose();
  }
}

/** Evaluates every run into its tracker, and keeps each run's latest held-out loss in `losses`. */
async function evaluateInto(
  experiment: Experiment,
  trackers: readonly RunTracker[],
  metric: 'test' | 'acc',
  losses: (number | null)[],
): Promise<void> {
  const evaluation = await experiment.evaluate();
  const values = metric === 'acc' ? evaluation.accuracy! : evaluation.loss;
  trackers.forEach((tracker, r) => tracker.observeEval(evaluation.step, values[r]!));
  evaluation.loss.forEach((loss, r) => (losses[r] = Number.isFinite(loss) ? loss : null));
}

/** measure=ntk: per run, the relative change of the NTK and of each layer's weights since step 0. */
async function changesSince(
  experiment: Experiment,
  initial: NetworkMeasurements,
  initialKernels: NtkMeasurement,
): Promise<{ ntkChange: number; weightChange: number[] }[]> {
  const final = experiment.freeze();
  try {
    const kernels = await final.ntk(NTK_INPUTS, NTK_UNIT);
    const weights = await final.weightChangeSince(initial);
    return kernels.kernels.map((kernel, r) => ({
      ntkChange: relativeChange(initialKernels.kernels[r]!, kernel),
      weightChange: Array.from(weights[r]!),
    }));
  } finally {
    final.dispose();
  }
}

/** The finished points in grid order, and their curves indexed into that list. */
function assemble(results: readonly (RunResult | null)[]): {
  points: SweepPoint[];
  curves: SweepCurve[];
} {
  const points: SweepPoint[] = [];
  const curves: SweepCurve[] = [];
  for (const result of results) {
    if (!result) continue;
    curves.push({ point: points.length, ...result.curve });
    points.push(result.point);
  }
  return { points, curves };
}

/** MNIST is read and decoded once per sweep, not once per group. */
class DatasetCache {
  private mnist: Promise<Dataset> | null = null;

  constructor(private readonly run: SweepRunOptions) {}

  /** The dataset (or teacher) options of createExperiment for a group on `data`. */
  async for(data: 'mnist' | 'teacher'): Promise<{ dataset?: Dataset; teacher?: Partial<TeacherOptions> }> {
    if (this.run.dataset) return { dataset: this.run.dataset };
    if (data === 'teacher') return this.run.teacher ? { teacher: this.run.teacher } : {};
    const source = this.run.dataSource;
    if (!source) throw new Error('data=mnist needs a dataSource to read the prepared MNIST files');
    this.mnist ??= loadMnist(source).then(mnistDataset);
    return { dataset: await this.mnist };
  }
}

const ESTIMATE_AFTER_SECONDS = 2;

/**
 * Work done and to do, in predicted seconds (budget.ts: building, and steps × seconds per step of
 * each group), so that a deep group weighs what it costs; the remaining time scales the
 * prediction by how long the work done actually took. A group that stops early gives its
 * remaining steps back.
 */
class ProgressClock {
  private readonly groupWork: number[];
  private workTotal: number;
  private workBefore = 0;
  private current = 0;
  private runsDone = 0;
  private phase: SweepProgress['phase'] = 'building';
  private groupIndex = 0;
  private lastReport = -Infinity;
  private lastYield = Date.now();

  constructor(
    private readonly plan: SweepPlan,
    private readonly started: number,
    private readonly mayStopEarly: boolean,
    private readonly report?: (progress: SweepProgress) => void,
  ) {
    this.groupWork = plan.groups.map((group) => group.buildSeconds + group.config.steps * group.stepSeconds);
    this.workTotal = this.groupWork.reduce((sum, work) => sum + work, 0);
  }

  building(groupIndex: number, fraction: number): void {
    const group = this.plan.groups[groupIndex]!;
    this.groupIndex = groupIndex;
    this.phase = 'building';
    this.current = fraction * group.buildSeconds;
    this.emit(fraction === 0);
  }

  training(groupIndex: number, step: number): void {
    const group = this.plan.groups[groupIndex]!;
    this.phase = 'training';
    this.current = group.buildSeconds + step * group.stepSeconds;
    this.emit(step === 0);
  }

  stoppedEarly(groupIndex: number, step: number): void {
    const group = this.plan.groups[groupIndex]!;
    const saved = (group.config.steps - step) * group.stepSeconds;
    this.groupWork[groupIndex] = this.groupWork[groupIndex]! - saved;
    this.workTotal -= saved;
  }

  groupDone(groupIndex: number): void {
    this.workBefore += this.groupWork[groupIndex]!;
    this.current = 0;
    this.runsDone += this.plan.groups[groupIndex]!.points.length;
    this.emit(true);
  }

  /** Lets other work run (messages, Cancel) when the sweep has held the thread for YIELD_MS. */
  async giveWay(): Promise<void> {
    if (Date.now() - this.lastYield < YIELD_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.lastYield = Date.now();
  }

  private emit(force: boolean): void {
    const now = Date.now();
    if (!this.report || (!force && now - this.lastReport < PROGRESS_MS)) return;
    this.lastReport = now;
    const workDone = this.workBefore + this.current;
    const elapsedSeconds = (now - this.started) / 1000;
    // The first seconds (worker start, the first step compiling its kernels) say little about
    // the rate: no estimate before ESTIMATE_AFTER_SECONDS and 2% of the work.
    const remainingSeconds =
      elapsedSeconds >= ESTIMATE_AFTER_SECONDS && workDone >= 0.02 * this.workTotal
        ? (elapsedSeconds * Math.max(0, this.workTotal - workDone)) / workDone
        : null;
    this.report({
      runsDone: this.runsDone,
      runsTotal: this.plan.points.length,
      workDone,
      workTotal: this.workTotal,
      groupIndex: this.groupIndex,
      groupCount: this.plan.groups.length,
      phase: this.phase,
      elapsedSeconds,
      remainingSeconds,
      mayStopEarly: this.mayStopEarly,
    });
  }
}
