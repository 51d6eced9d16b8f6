import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment, type ByteSource, type Dataset } from '../engine/index.ts';
import { writeStandardized } from '../engine/data/dataset.ts';
import { RandomStream } from '../engine/random.ts';

/** One timing of the recurrent network's training step (arch=rnn, 28 steps of 28 pixels). */
export interface RnnBenchRow {
  readonly backend: string;
  readonly data: string;
  readonly batch: number;
  readonly width: number;
  readonly orth: LabConfig['orth'];
  /** Runs trained at once (init=both, one seed: the Gaussian and orthogonal twins). */
  readonly runs: number;
  /** Training steps of all runs per second, after the warm-up. */
  readonly stepsPerSecond: number;
  readonly msPerStep: number;
  readonly timed: number;
}

export interface RnnBenchOptions {
  /** Time spent on each cell after its warm-up steps. Default 2 s. */
  readonly seconds?: number;
  /** MNIST as the lab reads it; without it, MNIST-shaped noise (a step's cost does not depend on the pixels). */
  readonly dataSource?: ByteSource;
  readonly batches?: readonly number[];
  readonly widths?: readonly number[];
  /** The `orth` options to time (default none; gain and stiefel show their overhead on W). */
  readonly orths?: readonly LabConfig['orth'][];
  readonly onRow?: (row: RnnBenchRow) => void;
}

/** Hlav §5's size: 64 hidden units, batches of 64 (the lab's default) and 256 (the paper's). */
export const RNN_BENCH_GRID = { batches: [64, 256], widths: [64] } as const;
const WARM_UP_STEPS = 3;

/** 2048 training and 64 held-out MNIST-shaped examples of noise, 10 classes. */
function noiseDataset(): Dataset {
  const pixels = 784;
  const count = 2048;
  const images = new RandomStream(1, 'rnn-bench', count).fillNormal(new Float32Array(count * pixels));
  const fill = (index: number, b: number, scale: number, x: Float32Array, y: Float32Array) => {
    writeStandardized(images, (index % count) * pixels, pixels, scale, x, b * pixels);
    y.fill(0, b * 10, (b + 1) * 10);
    y[b * 10 + (index % 10)] = 1;
  };
  return {
    name: 'mnist-shaped noise',
    task: 'classification',
    inputSize: pixels,
    outputSize: 10,
    trainCount: count,
    testCount: 64,
    fillTrain: (indices, scale, x, y) => {
      for (let b = 0; b < indices.length; b++) fill(indices[b]!, b, scale, x, y);
    },
    fillTest: (start, n, scale, x, y) => {
      for (let b = 0; b < n; b++) fill(start + b, b, scale, x, y);
    },
  };
}

/**
 * Times training steps of the recurrent network (Gaussian and orthogonal W, one seed) on the
 * current tfjs backend: after WARM_UP_STEPS (kernels compiled), steps are repeated for `seconds`.
 */
export async function benchRnn(options: RnnBenchOptions = {}): Promise<RnnBenchRow[]> {
  const seconds = options.seconds ?? 2;
  const rows: RnnBenchRow[] = [];
  const dataset = options.dataSource ? undefined : noiseDataset();
  for (const orth of options.orths ?? ['none']) {
    for (const width of options.widths ?? RNN_BENCH_GRID.widths) {
      for (const batch of options.batches ?? RNN_BENCH_GRID.batches) {
        const config: LabConfig = {
          ...DEFAULT_CONFIG,
          arch: 'rnn',
          data: 'mnist',
          act: 'tanh',
          N: width,
          bs: batch,
          init: 'both',
          seeds: 1,
          opt: 'adam',
          lr: 1e-3,
          orth,
          olam: 0.01,
        };
        const experiment = await createExperiment(config, {
          evalExamples: 64,
          ...(dataset ? { dataset } : { dataSource: options.dataSource! }),
        });
        try {
          for (let s = 0; s < WARM_UP_STEPS; s++) await experiment.step();
          let timed = 0;
          const started = performance.now();
          do {
            await experiment.step();
            timed += 1;
          } while (performance.now() - started < seconds * 1000);
          const ms = (performance.now() - started) / timed;
          const row: RnnBenchRow = {
            backend: tf.getBackend(),
            data: experiment.info.dataset.name,
            batch,
            width,
            orth,
            runs: experiment.runs.length,
            stepsPerSecond: 1000 / ms,
            msPerStep: ms,
            timed,
          };
          rows.push(row);
          options.onRow?.(row);
        } finally {
          experiment.dispose();
        }
      }
    }
  }
  return rows;
}

/** A Markdown table of the rows, one per cell. */
export function formatRnnTable(rows: readonly RnnBenchRow[]): string {
  return [
    '| backend | data | B | N | orth | runs | steps/s | ms per step |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.data} | ${r.batch} | ${r.width} | ${r.orth} | ${r.runs} | ${r.stepsPerSecond.toFixed(1)} | ${r.msPerStep.toFixed(1)} |`,
    ),
  ].join('\n');
}
