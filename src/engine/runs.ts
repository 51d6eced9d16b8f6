import type { LabConfig } from '../config/schema.ts';
import type { InitKind } from './init.ts';

/** What makes one run of a stacked experiment differ from the others that share its shapes. */
export interface RunSpec {
  readonly init: InitKind;
  /** Seed of this run's weights (the draws are cached by it, so equal seeds draw once). */
  readonly seed: number;
  /** Its own learning rate η: runs that differ only in η still train as one program. */
  readonly lr: number;
}

export interface RunInfo extends RunSpec {
  /** Index on the run axis of every stacked tensor and result array. */
  readonly runId: number;
}

/** A run of the configuration's grid, before a learning rate is given to it. */
export type PlannedRun = Omit<RunInfo, 'lr'>;

/** Runs in order: all seeds of the Gaussian init, then all seeds of the orthogonal init. */
export function planRuns(config: Pick<LabConfig, 'init' | 'seeds' | 'seed'>): PlannedRun[] {
  const inits: InitKind[] = config.init === 'both' ? ['gaussian', 'orthogonal'] : [config.init];
  return inits.flatMap((init, i) =>
    Array.from({ length: config.seeds }, (_, s) => ({
      runId: i * config.seeds + s,
      init,
      seed: config.seed + s,
    })),
  );
}

/**
 * The runs an experiment trains: `specs` in order when given (a sweep's learning rates, inits and
 * seeds), else the configuration's grid (planRuns), every run at config.lr.
 */
export function resolveRuns(
  config: Pick<LabConfig, 'init' | 'seeds' | 'seed' | 'lr'>,
  specs?: readonly RunSpec[],
): RunInfo[] {
  if (!specs) return planRuns(config).map((run) => ({ ...run, lr: config.lr }));
  if (specs.length === 0) throw new RangeError('an experiment needs at least one run');
  for (const spec of specs)
    if (!(spec.lr > 0) || !Number.isFinite(spec.lr))
      throw new RangeError(`learning rate ${spec.lr} is not a positive number`);
  return specs.map((spec, runId) => ({ runId, init: spec.init, seed: spec.seed, lr: spec.lr }));
}

/**
 * The configuration whose grid (planRuns) has the runs' inits and at least as many runs (one more
 * at most), for the budget and cost models, which count runs by init and seeds. Its draws are
 * over-counted where runs share a seed (a sweep's η values): conservative.
 */
export function costConfigOf<C extends Pick<LabConfig, 'init' | 'seeds'>>(
  config: C,
  runs: readonly Pick<RunSpec, 'init'>[],
): C {
  const inits = new Set(runs.map((run) => run.init));
  const init = inits.size === 2 ? 'both' : [...inits][0]!;
  return { ...config, init, seeds: Math.ceil(runs.length / inits.size) };
}
