import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment, estimateCost, type Experiment } from '../engine/index.ts';
import { FORMULATIONS, preferredFormulation, type Formulation } from '../engine/experiment.ts';
import { createLayersBaseline } from './layersBaseline.ts';

export type { Formulation };

/** Who computes the training step: the lab's engine, the plain tfjs-layers baseline, or numpy. */
export type Implementation = 'engine' | 'tfjs-layers' | 'numpy';

export type BenchMode = 'stacked' | 'separate';

export interface BenchResult {
  /** tfjs backend ('numpy' for the native baseline). */
  readonly backend: string;
  readonly environment: 'node' | 'browser' | 'native';
  readonly implementation: Implementation;
  /** The engine's formulation of the step; null for the baselines. */
  readonly formulation: Formulation | null;
  /** Whether `formulation` is the one the engine picks by default on this backend. */
  readonly preferred: boolean;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  /** 'stacked': one program for all R runs; 'separate': R programs, one step each per round. */
  readonly mode: BenchMode;
  /** Wall time of one training step of all R runs. */
  readonly msPerStep: number | null;
  /** 6 × batch × weights × R per step (the engine's `estimateCost`), over the wall time. */
  readonly gflops: number | null;
  readonly stepsTimed: number;
  /** Why the cell was not measured (over the time or memory budget). */
  readonly skipped?: string;
}

export interface BenchBudget {
  /** Time each cell is measured for, after warm-up (split over interleaved rounds). */
  readonly seconds: number;
  /** Cells whose warm-up step takes longer than this are skipped. */
  readonly maxSecondsPerStep: number;
  readonly maxMemoryBytes: number;
}

export const DEFAULT_BUDGET: BenchBudget = {
  seconds: 1,
  maxSecondsPerStep: 3,
  maxMemoryBytes: 768 * 1024 * 1024,
};

export const BATCH_SIZE = 64;
/**
 * Small enough that no timed network diverges at any size of the grid: a diverged run is frozen
 * (the per-run formulation stops computing it) and numpy's would compute on NaNs.
 */
export const BENCH_LEARNING_RATE = 0.01;
/** The twins compared: one Gaussian and one orthogonal run. */
export const PAIR = 2;
/** Each cell's time is split into this many turns, taken in turn with the other cells of its size. */
const ROUNDS = 2;

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
    lr: BENCH_LEARNING_RATE,
    steps: 100000,
  };
}

export interface BenchGrid {
  readonly depths: readonly number[];
  readonly widths: readonly number[];
}

export const FULL_GRID: BenchGrid = { depths: [10, 50, 200], widths: [128, 400] };
export const QUICK_GRID: BenchGrid = { depths: [10, 50], widths: [128, 400] };

export interface Where {
  readonly backend: string;
  readonly environment: 'node' | 'browser';
}

/** Something that trains: one step of all its runs per call. */
interface Program {
  step(): Promise<unknown>;
  dispose(): void;
}

/** One cell of a size: what it is, and how to build its program. */
export interface Contender {
  readonly label: Omit<BenchResult, 'msPerStep' | 'gflops' | 'stepsTimed' | 'skipped'>;
  readonly flopsPerStep: number;
  readonly memoryBytes: number;
  create(): Promise<Program>;
}

async function engineProgram(configs: readonly LabConfig[], formulation?: Formulation): Promise<Program> {
  const programs: Experiment[] = [];
  try {
    for (const config of configs)
      programs.push(
        await createExperiment(config, { evalExamples: 64, ...(formulation ? { formulation } : {}) }),
      );
  } catch (error) {
    for (const program of programs) program.dispose();
    throw error;
  }
  return {
    async step() {
      for (const program of programs) await program.step();
    },
    dispose() {
      for (const program of programs) program.dispose();
    },
  };
}

/**
 * The cells of one size (depth, width) on the current backend: one engine run (default
 * formulation), the engine's pair in every formulation, the pair as two separate programs, and the
 * tfjs-layers pair. All are built first, then timed in turns (A, B, C, A, B, C, …) so that noise on
 * a shared machine hits them alike.
 */
export function sizeContenders(depth: number, width: number, where: Where): Contender[] {
  const single = benchConfig(depth, width, 1);
  const pair = benchConfig(depth, width, PAIR);
  const preferred = preferredFormulation(tf.getBackend());
  const label = { ...where, depth, width };
  const cost = (config: LabConfig) => estimateCost(config);
  const separate = Array.from({ length: PAIR }, (_, r) => benchConfig(depth, width, 1, r));
  return [
    {
      label: {
        ...label,
        implementation: 'engine',
        formulation: preferred,
        preferred: true,
        runs: 1,
        mode: 'stacked',
      },
      flopsPerStep: cost(single).flopsPerStep,
      memoryBytes: cost(single).memoryBytes,
      create: () => engineProgram([single]),
    },
    ...FORMULATIONS.map((formulation): Contender => ({
      label: {
        ...label,
        implementation: 'engine',
        formulation,
        preferred: formulation === preferred,
        runs: PAIR,
        mode: 'stacked',
      },
      flopsPerStep: cost(pair).flopsPerStep,
      memoryBytes: cost(pair).memoryBytes,
      create: () => engineProgram([pair], formulation),
    })),
    {
      label: {
        ...label,
        implementation: 'engine',
        formulation: preferred,
        preferred: true,
        runs: PAIR,
        mode: 'separate',
      },
      flopsPerStep: PAIR * cost(single).flopsPerStep,
      memoryBytes: PAIR * cost(single).memoryBytes,
      create: () => engineProgram(separate),
    },
    {
      label: {
        ...label,
        implementation: 'tfjs-layers',
        formulation: null,
        preferred: false,
        runs: PAIR,
        mode: 'separate',
      },
      flopsPerStep: cost(pair).flopsPerStep,
      memoryBytes: cost(pair).memoryBytes,
      create: async () => createLayersBaseline(pair),
    },
  ];
}

const skippedResult = (contender: Contender, skipped: string): BenchResult => ({
  ...contender.label,
  msPerStep: null,
  gflops: null,
  stepsTimed: 0,
  skipped,
});

/** What a cell measures, independent of size: cells of one kind get slower with size. */
export const contenderKind = (r: Pick<BenchResult, 'implementation' | 'formulation' | 'runs' | 'mode'>) =>
  `${r.implementation} ${r.formulation ?? ''} ${r.runs} ${r.mode}`;

/**
 * The step budget of a cell: the tfjs-layers baseline gets twice the engine's, since its ratio to
 * the engine is what the table is for.
 */
const stepBudget = (contender: Contender, budget: BenchBudget) =>
  budget.maxSecondsPerStep * (contender.label.implementation === 'tfjs-layers' ? 2 : 1);

/** The first step of a program compiles its kernels (seconds on SwiftShader): it may take this × the budget. */
const FIRST_STEP_ALLOWANCE = 3;

/**
 * Warms a program up (kernel compilation, first allocations) with two steps: seconds of the
 * second, or null if it was over `limit` (or the first over FIRST_STEP_ALLOWANCE × `limit`).
 */
async function warmUp(program: Program, limit: number): Promise<number | null> {
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    await program.step();
    const seconds = (performance.now() - started) / 1000;
    if (seconds > limit * (i === 0 ? FIRST_STEP_ALLOWANCE : 1)) return null;
    if (i === 1) return seconds;
  }
  return null;
}

interface Live {
  readonly contender: Contender;
  readonly program: Program;
  seconds: number;
  steps: number;
}

/** Times built programs in turns (A, B, C, A, B, C, …), each for `budget.seconds` in all. */
async function timeInTurns(live: readonly Live[], budget: BenchBudget): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    for (const entry of live) {
      const started = performance.now();
      let elapsed: number;
      do {
        await entry.program.step();
        entry.steps++;
        elapsed = performance.now() - started;
      } while (elapsed < (budget.seconds * 1000) / ROUNDS);
      entry.seconds += elapsed / 1000;
    }
  }
}

/**
 * Times every cell of one size (see sizeContenders); skipped cells say why. Cells are built and
 * timed together as far as their tensors fit in `budget.maxMemoryBytes` together; the rest form
 * the next group. `predictSkip` names cells known to be over budget without building them.
 */
export async function measureSize(
  depth: number,
  width: number,
  where: Where,
  budget: BenchBudget = DEFAULT_BUDGET,
  predictSkip: (contender: Contender, limit: number) => string | null = () => null,
): Promise<BenchResult[]> {
  const contenders = sizeContenders(depth, width, where);
  const results = new Map<Contender, BenchResult>();
  // R runs cost at least about what one costs, so a slow single run (the first cell) skips the rest.
  let singleSeconds = 0;
  let pending = contenders;
  while (pending.length > 0) {
    const live: Live[] = [];
    const deferred: Contender[] = [];
    let memory = 0;
    try {
      for (const contender of pending) {
        const { memoryBytes, label } = contender;
        if (memoryBytes > budget.maxMemoryBytes) {
          results.set(contender, skippedResult(contender, `needs ≈ ${Math.round(memoryBytes / 2 ** 20)} MB`));
          continue;
        }
        if (live.length > 0 && memory + memoryBytes > budget.maxMemoryBytes) {
          deferred.push(contender);
          continue;
        }
        const limit = stepBudget(contender, budget);
        const predicted =
          predictSkip(contender, limit) ??
          (singleSeconds * (label.implementation === 'engine' && label.mode === 'separate' ? PAIR : 1) > limit
            ? 'one run is already over budget'
            : null);
        if (predicted !== null) {
          results.set(contender, skippedResult(contender, predicted));
          continue;
        }
        let program: Program | null = null;
        let warm: number | null = null;
        try {
          program = await contender.create();
          warm = await warmUp(program, limit);
        } catch (error) {
          // A cell that cannot be built or run (out of memory, say) is reported, not fatal.
          const message = error instanceof Error ? error.message : String(error);
          results.set(contender, skippedResult(contender, `failed: ${message.slice(0, 120)}`));
        } finally {
          if (warm === null) program?.dispose();
        }
        if (label.runs === 1) singleSeconds = warm ?? Infinity;
        if (warm === null || program === null) {
          if (!results.has(contender))
            results.set(contender, skippedResult(contender, `a step took over ${limit} s`));
          continue;
        }
        live.push({ contender, program, seconds: 0, steps: 0 });
        memory += memoryBytes;
      }
      await timeInTurns(live, budget);
    } finally {
      for (const entry of live) entry.program.dispose();
    }
    for (const { contender, seconds, steps } of live) {
      results.set(contender, {
        ...contender.label,
        msPerStep: (seconds * 1000) / steps,
        gflops: (contender.flopsPerStep * steps) / seconds / 1e9,
        stepsTimed: steps,
      });
    }
    pending = deferred;
  }
  return contenders.map((c) => results.get(c)!);
}

/** A prediction from a smaller size must exceed the step budget by this factor to skip a cell. */
const PREDICTION_MARGIN = 1.5;

/**
 * Every size of a grid on the current backend. A cell over budget makes the cells of its kind at
 * every larger size (deeper and at least as wide, or wider and at least as deep) skipped unbuilt,
 * and so does the largest measured size's time of that kind scaled by the FLOPs (time grows no
 * faster than FLOPs) when it exceeds the step budget by PREDICTION_MARGIN.
 */
export async function measureGrid(
  grid: BenchGrid,
  where: Where,
  budget: BenchBudget = DEFAULT_BUDGET,
  onResult: (result: BenchResult) => void = () => {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const overBudget = new Map<string, { depth: number; width: number }[]>();
  const measured = new Map<string, { flops: number; seconds: number }[]>();
  const predictSkip = (contender: Contender, limit: number) => {
    const kind = contenderKind(contender.label);
    const { depth, width } = contender.label;
    if ((overBudget.get(kind) ?? []).some((o) => o.depth <= depth && o.width <= width))
      return 'a smaller size is already over budget';
    // From the largest size measured: fixed per-step costs, scaled up, would overstate the time.
    const nearest = (measured.get(kind) ?? []).reduce<{ flops: number; seconds: number } | null>(
      (best, m) => (best === null || m.flops > best.flops ? m : best),
      null,
    );
    const predicted = nearest ? (nearest.seconds * contender.flopsPerStep) / nearest.flops : 0;
    return predicted > PREDICTION_MARGIN * limit
      ? `a step would take ≈ ${predicted.toFixed(0)} s (from a smaller size)`
      : null;
  };
  for (const depth of grid.depths) {
    for (const width of grid.widths) {
      for (const cell of await measureSize(depth, width, where, budget, predictSkip)) {
        const kind = contenderKind(cell);
        if (cell.msPerStep === null || cell.gflops === null)
          overBudget.set(kind, [...(overBudget.get(kind) ?? []), { depth, width }]);
        else
          measured.set(kind, [
            ...(measured.get(kind) ?? []),
            { flops: (cell.gflops * cell.msPerStep * 1e9) / 1000, seconds: cell.msPerStep / 1000 },
          ]);
        results.push(cell);
        onResult(cell);
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
