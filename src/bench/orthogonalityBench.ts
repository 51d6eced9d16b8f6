import * as tf from '@tensorflow/tfjs-core';
import { PARAMS, type LabConfig } from '../config/index.ts';
import { createExperiment, type Experiment } from '../engine/index.ts';
import { benchConfig } from './measure.ts';

/** One training step's cost under an `orth` option, against plain training in the same rounds. */
export interface OrthogonalityBenchRow {
  readonly backend: string;
  readonly orth: LabConfig['orth'];
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
  readonly runs: number;
  readonly msPerStep: number;
  /** msPerStep over that of orth=none, timed in the same interleaved rounds. */
  readonly overhead: number;
  readonly stepsTimed: number;
}

export interface OrthogonalityBenchOptions {
  /** Time per option after warm-up, split over interleaved rounds. Default 2 s. */
  readonly seconds?: number;
  /** Sizes timed: (L, N) pairs; default L = 10 at N = 128 and 256. */
  readonly shapes?: readonly (readonly [number, number])[];
  readonly onRow?: (row: OrthogonalityBenchRow) => void;
}

const ROUNDS = 4;
/** Every `orth` option, none first: the others are timed against it. */
const OPTIONS: readonly LabConfig['orth'][] = PARAMS.orth.choices.map((choice) => choice.value);

/**
 * Each shape's networks under every `orth` option, trained in interleaved rounds (none, soft, …,
 * none, soft, …) so that a noisy two-core machine slows them alike; the overhead is the ratio to
 * orth=none. Penalties add two N×N products per layer; Stiefel a QR per layer; Oblique a norm.
 */
export async function benchOrthogonality(
  options: OrthogonalityBenchOptions = {},
): Promise<OrthogonalityBenchRow[]> {
  const seconds = options.seconds ?? 2;
  const shapes = options.shapes ?? [
    [10, 128],
    [10, 256],
  ];
  const rows: OrthogonalityBenchRow[] = [];
  for (const [depth, width] of shapes) {
    const base = benchConfig(depth, width, 2);
    const experiments: Experiment[] = [];
    try {
      for (const orth of OPTIONS) {
        const experiment = await createExperiment({ ...base, orth, lr: 1e-3 });
        await experiment.step();
        experiments.push(experiment);
      }
      const elapsed = experiments.map(() => 0);
      const steps = experiments.map(() => 0);
      for (let round = 0; round < ROUNDS; round++)
        for (const [i, experiment] of experiments.entries()) {
          const started = performance.now();
          do {
            await experiment.step();
            steps[i]! += 1;
          } while (performance.now() - started < (seconds * 1000) / ROUNDS);
          elapsed[i]! += performance.now() - started;
        }
      const plain = elapsed[0]! / steps[0]!;
      OPTIONS.forEach((orth, i) => {
        const msPerStep = elapsed[i]! / steps[i]!;
        const row: OrthogonalityBenchRow = {
          backend: tf.getBackend(),
          orth,
          depth,
          width,
          batch: base.bs,
          runs: experiments[i]!.runs.length,
          msPerStep,
          overhead: msPerStep / plain,
          stepsTimed: steps[i]!,
        };
        rows.push(row);
        options.onRow?.(row);
      });
    } finally {
      for (const experiment of experiments) experiment.dispose();
    }
  }
  return rows;
}

/** A Markdown table of the rows. */
export function formatOrthogonalityTable(rows: readonly OrthogonalityBenchRow[]): string {
  return [
    '| backend | L | N | B | runs | orth | ms per step | × orth=none |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.depth} | ${r.width} | ${r.batch} | ${r.runs} | ${r.orth} | ${r.msPerStep.toFixed(1)} | ${r.overhead.toFixed(2)} |`,
    ),
  ].join('\n');
}
