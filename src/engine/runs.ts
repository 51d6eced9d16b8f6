import type { LabConfig } from '../config/schema.ts';
import type { InitKind } from './init.ts';

export interface RunInfo {
  /** Index on the run axis of every stacked tensor and result array. */
  readonly runId: number;
  readonly init: InitKind;
  /** Seed of this run's weights: config.seed + its index among the runs of its init. */
  readonly seed: number;
}

/** Runs in order: all seeds of the Gaussian init, then all seeds of the orthogonal init. */
export function planRuns(config: Pick<LabConfig, 'init' | 'seeds' | 'seed'>): RunInfo[] {
  const inits: InitKind[] = config.init === 'both' ? ['gaussian', 'orthogonal'] : [config.init];
  return inits.flatMap((init, i) =>
    Array.from({ length: config.seeds }, (_, s) => ({
      runId: i * config.seeds + s,
      init,
      seed: config.seed + s,
    })),
  );
}
