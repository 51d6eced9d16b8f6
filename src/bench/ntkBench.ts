import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment, type ByteSource } from '../engine/index.ts';
import { benchConfig } from './measure.ts';

/** One timing of the empirical NTK (NetworkMeasurements.ntk) of two runs. */
export interface NtkBenchRow {
  readonly backend: string;
  /** What the row varies: 'batch', 'width', 'depth', or 'default link' (the page's networks). */
  readonly axis: 'batch' | 'width' | 'depth' | 'default link';
  readonly data: LabConfig['data'];
  /** Probe inputs D. */
  readonly batch: number;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  /** Mean wall time of one NTK of all runs (forward, backward, D×D kernels read back). */
  readonly ms: number;
  readonly timed: number;
}

export interface NtkBenchOptions {
  /** Time spent on each cell after its warm-up (at least one timed NTK). Default 1 s. */
  readonly seconds?: number;
  /** With it, the default link's networks (MNIST, tanh L = 50, N = 128) are timed too. */
  readonly dataSource?: ByteSource;
  /** Which of the rows to time (default: all; 'default link' only with dataSource). */
  readonly axes?: readonly NtkBenchRow['axis'][];
  readonly onRow?: (row: NtkBenchRow) => void;
}

/** The grid varies one size at a time around D = 32, L = 10, N = 256 (teacher task, n0 = 32). */
const BASE = { batch: 32, depth: 10, width: 256 };
export const NTK_BENCH_GRID = {
  batches: [8, 16, 32, 64],
  widths: [64, 128, 256, 512, 1024],
  depths: [3, 10, 30, 100],
} as const;
/** The kernel the page computes during training: the default link, on 32 and 64 inputs. */
const DEFAULT_LINK_BATCHES = [32, 64];
const RUNS = 2;

interface Cell {
  readonly axis: NtkBenchRow['axis'];
  readonly config: LabConfig;
  readonly batch: number;
}

/**
 * Gaussian runs of two seeds: the NTK's cost does not depend on the init, and drawing no
 * orthogonal factor keeps the large cells quick to build.
 */
function pairOf(depth: number, width: number): LabConfig {
  return { ...benchConfig(depth, width, RUNS), init: 'gaussian', seeds: RUNS };
}

function cells(withDefaultLink: boolean): Cell[] {
  const { batches, widths, depths } = NTK_BENCH_GRID;
  return [
    ...batches.map((batch) => ({ axis: 'batch' as const, config: pairOf(BASE.depth, BASE.width), batch })),
    ...widths.map((width) => ({
      axis: 'width' as const,
      config: pairOf(BASE.depth, width),
      batch: BASE.batch,
    })),
    ...depths.map((depth) => ({
      axis: 'depth' as const,
      config: pairOf(depth, BASE.width),
      batch: BASE.batch,
    })),
    ...(withDefaultLink
      ? DEFAULT_LINK_BATCHES.map((batch) => ({
          axis: 'default link' as const,
          config: DEFAULT_CONFIG,
          batch,
        }))
      : []),
  ];
}

/**
 * Times the empirical NTK of output unit 0 on the current tfjs backend, on a snapshot
 * (experiment.freeze()) as the worker takes it: after one warm-up (kernels compiled, the stacked
 * copy and its weight slices made), NTKs are repeated for `seconds` and their mean is reported.
 */
export async function benchNtk(options: NtkBenchOptions = {}): Promise<NtkBenchRow[]> {
  const seconds = options.seconds ?? 1;
  const rows: NtkBenchRow[] = [];
  const chosen = cells(options.dataSource !== undefined).filter(
    (cell) => !options.axes || options.axes.includes(cell.axis),
  );
  for (const cell of chosen) {
    const experiment = await createExperiment(cell.config, {
      evalExamples: 64,
      ...(options.dataSource ? { dataSource: options.dataSource } : {}),
    });
    const measurements = experiment.freeze();
    try {
      await measurements.ntk(cell.batch, 0);
      let timed = 0;
      const started = performance.now();
      do {
        await measurements.ntk(cell.batch, 0);
        timed += 1;
      } while (performance.now() - started < seconds * 1000);
      const row: NtkBenchRow = {
        backend: tf.getBackend(),
        axis: cell.axis,
        data: cell.config.data,
        batch: cell.batch,
        depth: cell.config.L,
        width: cell.config.N,
        runs: experiment.runs.length,
        ms: (performance.now() - started) / timed,
        timed,
      };
      rows.push(row);
      options.onRow?.(row);
    } finally {
      measurements.dispose();
      experiment.dispose();
    }
  }
  return rows;
}

/** A Markdown table of the rows, one per cell. */
export function formatNtkTable(rows: readonly NtkBenchRow[]): string {
  const lines = [
    '| backend | varies | data | D | L | N | runs | ms per NTK |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.axis} | ${r.data} | ${r.batch} | ${r.depth} | ${r.width} | ${r.runs} | ${r.ms.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}
