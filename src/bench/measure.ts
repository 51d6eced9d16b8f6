import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment, type Experiment } from '../engine/index.ts';

/** One cell of the benchmark grid: R runs of depth L and width N. */
export interface BenchCase {
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
}

export type BenchMode = 'stacked' | 'separate';

export interface BenchResult extends BenchCase {
  readonly backend: string;
  readonly environment: 'node' | 'browser';
  /** 'stacked': one program for all R runs; 'separate': R programs, one step each per round. */
  readonly mode: BenchMode;
  /** Wall time of one training step of all R runs. */
  readonly msPerStep: number | null;
  readonly gflops: number | null;
  readonly stepsTimed: number;
  /** Why the cell was not measured (over the time or memory budget). */
  readonly skipped?: string;
}

export interface BenchBudget {
  /** Time each cell is measured for, after warm-up. */
  readonly seconds: number;
  /** Cells whose warm-up step takes longer than this are skipped. */
  readonly maxSecondsPerStep: number;
  readonly maxMemoryBytes: number;
}

export const DEFAULT_BUDGET: BenchBudget = {
  seconds: 1.5,
  maxSecondsPerStep: 4,
  maxMemoryBytes: 768 * 1024 * 1024,
};

export const BATCH_SIZE = 64;

/** The networks timed: the teacher task (no data to load), SGD, batch 64, tanh at criticality. */
export function benchConfig(depth: number, width: number, runs: number, seedOffset = 0): LabConfig {
  return {
    ...DEFAULT_CONFIG,
    L: depth,
    N: width,
    init: runs === 1 ? 'gaussian' : 'both',
    seeds: runs === 1 ? 1 : runs / 2,
    seed: 1 + seedOffset,
    data: 'teacher',
    bs: BATCH_SIZE,
    opt: 'sgd',
    steps: 100000,
  };
}

/** Times one grid cell on the current tfjs backend. */
export async function measureCase(
  cell: BenchCase,
  mode: BenchMode,
  where: { backend: string; environment: 'node' | 'browser' },
  budget: BenchBudget = DEFAULT_BUDGET,
): Promise<BenchResult> {
  const base = { ...cell, ...where, mode };
  const programs: Experiment[] = [];
  try {
    const configs =
      mode === 'stacked'
        ? [benchConfig(cell.depth, cell.width, cell.runs)]
        : Array.from({ length: cell.runs }, (_, r) => benchConfig(cell.depth, cell.width, 1, r));
    for (const config of configs) programs.push(await createExperiment(config, { evalExamples: 64 }));
    const memory = programs.reduce((sum, p) => sum + p.info.memoryBytes, 0);
    if (memory > budget.maxMemoryBytes) {
      return {
        ...base,
        msPerStep: null,
        gflops: null,
        stepsTimed: 0,
        skipped: `needs ≈ ${Math.round(memory / 2 ** 20)} MB`,
      };
    }
    const flopsPerStep = programs.reduce((sum, p) => sum + p.info.flopsPerStep, 0);
    const round = async () => {
      for (const program of programs) await program.step();
    };
    // Warm-up: kernel compilation, first allocations; a first step over budget skips the cell.
    for (let i = 0; i < 2; i++) {
      const warmStart = performance.now();
      await round();
      const warmSeconds = (performance.now() - warmStart) / 1000;
      if (warmSeconds > budget.maxSecondsPerStep) {
        return {
          ...base,
          msPerStep: null,
          gflops: null,
          stepsTimed: 0,
          skipped: `a step took ${warmSeconds.toFixed(1)} s`,
        };
      }
    }
    let steps = 0;
    const start = performance.now();
    while (steps < 3 || performance.now() - start < budget.seconds * 1000) {
      await round();
      steps++;
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      ...base,
      msPerStep: (seconds * 1000) / steps,
      gflops: (flopsPerStep * steps) / seconds / 1e9,
      stepsTimed: steps,
    };
  } finally {
    for (const program of programs) program.dispose();
  }
}

export interface BenchGrid {
  readonly depths: readonly number[];
  readonly widths: readonly number[];
  readonly runs: readonly number[];
}

export const FULL_GRID: BenchGrid = { depths: [10, 50, 200], widths: [128, 400], runs: [1, 2, 6] };
export const QUICK_GRID: BenchGrid = { depths: [10, 50], widths: [128], runs: [1, 2] };

/** Every cell of a grid, stacked, and separately for R > 1 (the stacking comparison). */
export async function measureGrid(
  grid: BenchGrid,
  where: { backend: string; environment: 'node' | 'browser' },
  budget: BenchBudget = DEFAULT_BUDGET,
  onResult: (result: BenchResult) => void = () => {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const depth of grid.depths) {
    for (const width of grid.widths) {
      // R runs cost at least about what one run costs, so a slow single run skips the rest unmeasured.
      let singleSeconds = 0;
      for (const runs of grid.runs) {
        for (const mode of runs === 1 ? (['stacked'] as const) : (['stacked', 'separate'] as const)) {
          const predicted = runs === 1 ? 0 : singleSeconds * (mode === 'separate' ? runs : 1);
          const result =
            predicted > budget.maxSecondsPerStep || !Number.isFinite(predicted)
              ? {
                  ...where,
                  depth,
                  width,
                  runs,
                  mode,
                  msPerStep: null,
                  gflops: null,
                  stepsTimed: 0,
                  skipped: 'one run is already over budget',
                }
              : await measureCase({ depth, width, runs }, mode, where, budget);
          if (runs === 1) singleSeconds = result.msPerStep === null ? Infinity : result.msPerStep / 1000;
          results.push(result);
          onResult(result);
        }
      }
    }
  }
  return results;
}

export interface JacobianBenchResult {
  readonly backend: string;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  /** One snapshot: the stacked Jacobian products on the backend and a Float64 SVD per run; null if skipped. */
  readonly seconds: number | null;
}

export const JACOBIAN_GRID = { depths: [10, 100], widths: [128, 256, 512, 1024] } as const;
/** A first snapshot slower than this is not timed again, and larger widths at that depth are skipped. */
const JACOBIAN_MAX_SECONDS = 20;

/** Times `jacobianSpectrum()` for a Gaussian/orthogonal pair over a grid of sizes. */
export async function measureJacobianGrid(
  backend: string,
  onResult: (result: JacobianBenchResult) => void = () => {},
): Promise<JacobianBenchResult[]> {
  const results: JacobianBenchResult[] = [];
  for (const depth of JACOBIAN_GRID.depths) {
    let tooSlow = false;
    for (const width of JACOBIAN_GRID.widths) {
      let seconds: number | null = null;
      if (!tooSlow) {
        const experiment = await createExperiment(benchConfig(depth, width, 2), { evalExamples: 64 });
        try {
          const warmStart = performance.now();
          await experiment.jacobianSpectrum(); // warm-up: kernels and first allocations
          const warmSeconds = (performance.now() - warmStart) / 1000;
          if (warmSeconds > JACOBIAN_MAX_SECONDS) {
            tooSlow = true;
            seconds = warmSeconds;
          } else {
            const started = performance.now();
            await experiment.jacobianSpectrum();
            seconds = (performance.now() - started) / 1000;
          }
        } finally {
          experiment.dispose();
        }
      }
      const result = { backend, depth, width, runs: 2, seconds };
      results.push(result);
      onResult(result);
    }
  }
  return results;
}
