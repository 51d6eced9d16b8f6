import * as tf from '@tensorflow/tfjs-core';
import { createExperiment, type Experiment, type RunSpec } from '../engine/experiment.ts';
import { preferredFormulation, type Formulation } from '../engine/trainer.ts';
import { benchConfig } from './measure.ts';

/** The throughput of an η sweep trained one way, on one size. */
export interface SweepBenchRow {
  readonly backend: string;
  readonly formulation: Formulation;
  readonly depth: number;
  readonly width: number;
  /** Learning rates swept, one run each. */
  readonly runs: number;
  /** 'stacked': one program with a learning rate per run; 'separate': one program per run. */
  readonly mode: 'stacked' | 'separate';
  /** Runs × training steps per second of wall time. */
  readonly runStepsPerSecond: number;
  readonly stepsTimed: number;
}

export interface SweepBenchOptions {
  /** Seconds each mode is timed for per size, after a warm-up step, in interleaved turns. Default 2. */
  readonly seconds?: number;
  /** Sizes timed (teacher task, batch 64); default two: shallow-wide and deep-narrow. */
  readonly sizes?: readonly { readonly depth: number; readonly width: number }[];
  /** Learning rates per sweep (default 8, from 10⁻⁴ to 10⁻² in equal ratios: none diverges). */
  readonly runs?: number;
  readonly onRow?: (row: SweepBenchRow) => void;
}

const DEFAULT_SIZES = [
  { depth: 4, width: 256 },
  { depth: 50, width: 64 },
];
/** Each mode's time is split into this many turns, taken in turn with the other mode's. */
const TURNS = 4;

/**
 * Runs × steps per second of a learning-rate sweep stacked into one program (each run its own η)
 * against the same runs as one program each, on the current tfjs backend with its preferred
 * formulation. The two are timed in interleaved turns so that a machine that slows down (other
 * load, thermal limits) slows both alike.
 */
export async function benchSweepThroughput(options: SweepBenchOptions = {}): Promise<SweepBenchRow[]> {
  const seconds = options.seconds ?? 2;
  const count = options.runs ?? 8;
  const formulation = preferredFormulation(tf.getBackend());
  const rates = Array.from({ length: count }, (_, i) => 1e-4 * 100 ** (i / Math.max(1, count - 1)));
  const rows: SweepBenchRow[] = [];
  for (const { depth, width } of options.sizes ?? DEFAULT_SIZES) {
    const config = { ...benchConfig(depth, width, 1), init: 'gaussian' as const, seeds: 1 };
    const runs: RunSpec[] = rates.map((lr) => ({ init: 'gaussian', seed: config.seed, lr }));
    const build = (specs: RunSpec[]) =>
      createExperiment(config, { runs: specs, evalExamples: 1, formulation });
    const stacked = [await build(runs)];
    const separate: Experiment[] = [];
    for (const run of runs) separate.push(await build([run]));
    try {
      const modes = [
        { mode: 'stacked' as const, experiments: stacked, elapsed: 0, steps: 0 },
        { mode: 'separate' as const, experiments: separate, elapsed: 0, steps: 0 },
      ];
      for (const mode of modes) for (const experiment of mode.experiments) await experiment.step();
      for (let turn = 0; turn < TURNS; turn++) {
        for (const mode of modes) {
          const until = performance.now() + (seconds * 1000) / TURNS;
          const start = performance.now();
          do {
            // One step of every run: one program, or one per run.
            for (const experiment of mode.experiments) await experiment.step();
            mode.steps += 1;
          } while (performance.now() < until);
          mode.elapsed += performance.now() - start;
        }
      }
      for (const mode of modes) {
        const row: SweepBenchRow = {
          backend: tf.getBackend(),
          formulation,
          depth,
          width,
          runs: count,
          mode: mode.mode,
          runStepsPerSecond: (count * mode.steps) / (mode.elapsed / 1000),
          stepsTimed: mode.steps,
        };
        rows.push(row);
        options.onRow?.(row);
      }
    } finally {
      for (const experiment of [...stacked, ...separate]) experiment.dispose();
    }
  }
  return rows;
}

/** A Markdown table: one line per backend and size, both modes and the speed-up of stacking. */
export function formatSweepBenchTable(rows: readonly SweepBenchRow[]): string {
  const lines = [
    '| backend | formulation | L × N | runs | stacked run·steps/s | separate run·steps/s | speed-up |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    if (row.mode !== 'stacked') continue;
    const separate = rows.find(
      (other) =>
        other.mode === 'separate' &&
        other.backend === row.backend &&
        other.depth === row.depth &&
        other.width === row.width,
    );
    const cells = [
      row.backend,
      row.formulation,
      `${row.depth} × ${row.width}`,
      String(row.runs),
      row.runStepsPerSecond.toFixed(1),
      separate ? separate.runStepsPerSecond.toFixed(1) : '–',
      separate ? `${(row.runStepsPerSecond / separate.runStepsPerSecond).toFixed(2)}×` : '–',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
