/**
 * The runs result file (RunsResultFile): the training curves of one configuration's runs, as
 * `npm run experiment` writes them and the exported PyTorch program does, and a strict reader for
 * opening one in the lab. As with sweep files (src/sweep/resultFile.ts), anything that is not such
 * a file, a version this lab does not read, or a field missing or of the wrong kind is refused with
 * a one-line reason naming the field; fields the reader does not know are kept.
 */
import type { LabConfig } from '../config/index.ts';
import type { HeadlessReport } from '../engine/headless.ts';
import type { InitKind } from '../engine/init.ts';
import { SweepFileError, completedConfig } from '../sweep/resultFile.ts';
import { isObject, jsonFieldReaders, resultFileRecord, type Json } from '../sweep/jsonFields.ts';

export const RUNS_FILE_FORMAT = 'isometry-lab-runs';
export const RUNS_FILE_VERSION = 1;

/** One run's samples; JSON has no NaN, so a value that was not finite (a diverged run) is null. */
export interface RunsFileRun {
  readonly runId: number;
  readonly init: InitKind;
  readonly seed: number;
  readonly lr: number;
  /** Steps taken at each sample: 0, every, 2·every, …, and the last step. */
  readonly steps: readonly number[];
  /** Mean minibatch loss of the steps since the previous sample; null at step 0 and once diverged. */
  readonly trainLoss: readonly (number | null)[];
  /** Held-out loss after steps[i] steps. */
  readonly testLoss: readonly (number | null)[];
  /** Held-out accuracy after steps[i] steps; null (the whole list) for regression. */
  readonly testAcc: readonly (number | null)[] | null;
  readonly diverged: boolean;
  readonly divergedAtStep: number | null;
}

/** Another engine than the lab's (the exported PyTorch program): what ran it, and where. */
export interface RunsFileEngine {
  readonly name: string;
  readonly [detail: string]: unknown;
}

export interface RunsResultFile {
  readonly format: typeof RUNS_FILE_FORMAT;
  readonly version: typeof RUNS_FILE_VERSION;
  /** The lab's version (package.json) that computed it, or that the exported program came from. */
  readonly labVersion: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Where it ran, in words: a tfjs backend ('cpu', 'wasm') or e.g. "pytorch 2.4 · cuda (NVIDIA H200)". */
  readonly backend: string;
  readonly engine?: RunsFileEngine;
  /** The link query of the configuration. */
  readonly query: string;
  readonly config: LabConfig;
  readonly task: 'classification' | 'regression';
  /** Steps asked for (a run that diverged stops being trained but keeps its samples). */
  readonly steps: number;
  /** Held-out evaluation period, in steps. */
  readonly every: number;
  /** Held-out examples per evaluation. */
  readonly evalExamples: number;
  /** How the samples were taken, in words (SAMPLING_NOTE of src/engine/headless.ts). */
  readonly sampling: string;
  readonly runs: readonly RunsFileRun[];
  /** False when training stopped before `steps` (interrupted). */
  readonly complete: boolean;
  readonly seconds: number;
  readonly [extra: string]: unknown;
}

/** What a runs file says besides the report: where and when it ran, and how long it took. */
export interface RunsFileContext {
  readonly labVersion: string;
  readonly createdAt: string;
  readonly backend: string;
  readonly query: string;
  readonly steps: number;
  readonly every: number;
  readonly evalExamples: number;
  readonly complete: boolean;
  readonly seconds: number;
}

/**
 * The runs file of a headless report (src/engine/headless.ts). The report's other keys (`info`:
 * the experiment's shapes, formulation and notes) are kept: the CLI printed them before this
 * format existed.
 */
export function runsFileOf(report: HeadlessReport, context: RunsFileContext): RunsResultFile {
  const { config, sampling, runs, ...rest } = report;
  return {
    format: RUNS_FILE_FORMAT,
    version: RUNS_FILE_VERSION,
    labVersion: context.labVersion,
    createdAt: context.createdAt,
    backend: context.backend,
    query: context.query,
    config,
    task: report.info.dataset.task,
    steps: context.steps,
    every: context.every,
    evalExamples: context.evalExamples,
    sampling,
    ...rest,
    runs: runs.map((run) => ({
      runId: run.runId,
      init: run.init,
      seed: run.seed,
      lr: run.lr,
      steps: run.steps,
      trainLoss: run.trainLoss.map(finiteOrNull),
      testLoss: run.testLoss.map(finiteOrNull),
      testAcc: run.testAcc && run.testAcc.map(finiteOrNull),
      diverged: run.diverged,
      divergedAtStep: run.divergedAtStep,
    })),
    complete: context.complete,
    seconds: context.seconds,
  };
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** The file's text: JSON, two-space indented, ending in a newline; a non-finite number is null. */
export function runsResultText(file: RunsResultFile): string {
  return `${JSON.stringify(file, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

/** A file that cannot be opened: the message says why, naming the field. */
export class RunsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunsFileError';
  }
}

const {
  field,
  text: text_,
  finite,
  wholeNumber,
  array,
  object,
  measured,
} = jsonFieldReaders((message) => new RunsFileError(message));

const INITS: readonly string[] = ['gaussian', 'orthogonal'];
const TASKS: readonly string[] = ['classification', 'regression'];

/** Reads a runs file; throws RunsFileError with the reason. */
export function parseRunsResult(text: string): RunsResultFile {
  const file = resultFileRecord(
    text,
    { name: 'runs', format: RUNS_FILE_FORMAT, version: RUNS_FILE_VERSION },
    (message) => new RunsFileError(message),
  );
  if (file.engine !== undefined) text_(object(file, 'engine'), 'name', 'engine.');
  text_(file, 'query');
  let config: LabConfig;
  try {
    config = completedConfig(field(file, 'config'));
  } catch (error) {
    if (error instanceof SweepFileError) throw new RunsFileError(error.message);
    throw error;
  }
  const task = text_(file, 'task');
  if (!TASKS.includes(task)) throw new RunsFileError(`task "${task}" is not classification or regression`);
  wholeNumber(file, 'steps');
  if (wholeNumber(file, 'every') < 1) throw new RunsFileError('every is not at least 1');
  if (wholeNumber(file, 'evalExamples') < 1) throw new RunsFileError('evalExamples is not at least 1');
  text_(file, 'sampling');
  const runs = array(file, 'runs');
  if (runs.length === 0) throw new RunsFileError('runs is empty');
  runs.forEach((run, i) => checkRun(run, i, task));
  if (typeof file.complete !== 'boolean') throw new RunsFileError('complete is missing or not true/false');
  if (finite(file, 'seconds') < 0) throw new RunsFileError('seconds is negative');
  return { ...(file as unknown as RunsResultFile), config };
}

function checkRun(run: Json, i: number, task: string): void {
  const at = `runs[${i}].`;
  if (!isObject(run)) throw new RunsFileError(`runs[${i}] is not an object`);
  wholeNumber(run, 'runId', at);
  if (!INITS.includes(text_(run, 'init', at)))
    throw new RunsFileError(`${at}init is not gaussian or orthogonal`);
  wholeNumber(run, 'seed', at);
  if (!(finite(run, 'lr', at) > 0)) throw new RunsFileError(`${at}lr is not positive`);
  const steps = array(run, 'steps', at);
  steps.forEach((step, k) => {
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
      throw new RunsFileError(`${at}steps[${k}] is not a whole number ≥ 0`);
    if (k > 0 && step <= (steps[k - 1] as number))
      throw new RunsFileError(`${at}steps[${k}] does not come after steps[${k - 1}]`);
  });
  for (const key of ['trainLoss', 'testLoss'])
    if (measured(run, key, at).length !== steps.length)
      throw new RunsFileError(`${at}${key} and steps differ in length`);
  if (task === 'regression' && run.testAcc !== null)
    throw new RunsFileError(`${at}testAcc is not null for a regression`);
  if (task === 'classification' && measured(run, 'testAcc', at).length !== steps.length)
    throw new RunsFileError(`${at}testAcc and steps differ in length`);
  if (typeof run.diverged !== 'boolean')
    throw new RunsFileError(`${at}diverged is missing or not true/false`);
  if (run.divergedAtStep !== null) wholeNumber(run, 'divergedAtStep', at);
}
