import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { fisherFromKernel, fisherLossOf, type FisherLoss } from '../engine/curvature.ts';
import { allOutputNtk } from '../engine/curvatureKernel.ts';
import { loadMnist, mnistDataset } from '../engine/data/mnist.ts';
import { createExperiment, type ByteSource } from '../engine/index.ts';
import { inputScaling } from '../engine/inputScaling.ts';
import { ntkProbeInputs } from '../engine/ntk.ts';

/** One timing of λ_max(Fisher) of the default link's runs (MNIST, tanh L = 50, N = 128, 2 runs). */
export interface CurvatureBenchRow {
  readonly backend: string;
  /** Probe inputs D; the kernel is (k·D)×(k·D) with k = 10 classes. */
  readonly batch: number;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  readonly loss: FisherLoss;
  /** Mean wall time of the all-output kernel of every run (forward, backward, kernels read back). */
  readonly kernelMs: number;
  /** Mean wall time of the power iterations of every run, on the host in Float64. */
  readonly powerMs: number;
  /** Mean wall time of s²_max (the Jacobian's singular values), which measure=curvature also takes. */
  readonly jacobianMs: number;
  /** Power-iteration products of the slowest run. */
  readonly iterations: number;
  readonly timed: number;
}

export interface CurvatureBenchOptions {
  /** Time spent on each D after its warm-up (at least one timed measurement). Default 1 s. */
  readonly seconds?: number;
  readonly dataSource: ByteSource;
  readonly batches?: readonly number[];
  readonly onRow?: (row: CurvatureBenchRow) => void;
}

const DEFAULT_BATCHES = [32, 64];

/**
 * Times λ_max(Fisher) on the default link's networks at initialization, on the current tfjs
 * backend, as NetworkMeasurements.curvature takes it (on a snapshot, experiment.freeze()), in its
 * two parts: the all-output kernel on the device and the power iteration on the host; and s²_max.
 * After one warm-up, measurements repeat for `seconds` and their mean is reported.
 */
export async function benchCurvature(options: CurvatureBenchOptions): Promise<CurvatureBenchRow[]> {
  const seconds = options.seconds ?? 1;
  const config = DEFAULT_CONFIG;
  const dataset = mnistDataset(await loadMnist(options.dataSource));
  const scaling = inputScaling(config.act, config.sw2, config.sb2);
  const experiment = await createExperiment(config, { evalExamples: 64, dataset });
  const measurements = experiment.freeze();
  const loss = fisherLossOf(dataset.task);
  const rows: CurvatureBenchRow[] = [];
  try {
    for (const batch of options.batches ?? DEFAULT_BATCHES) {
      const probe = ntkProbeInputs(dataset, scaling, batch);
      const x = tf.tensor2d(probe.x, [probe.count, probe.inputSize]);
      try {
        const once = async () => {
          const t0 = performance.now();
          const kernel = await allOutputNtk(measurements.model(), x);
          const t1 = performance.now();
          const fisher = fisherFromKernel(kernel, loss);
          const t2 = performance.now();
          await measurements.jacobianSpectrum();
          const t3 = performance.now();
          return { kernel: t1 - t0, power: t2 - t1, jacobian: t3 - t2, iterations: fisher.iterations };
        };
        await once();
        const sums = { kernel: 0, power: 0, jacobian: 0 };
        let iterations = 0;
        let timed = 0;
        const started = performance.now();
        do {
          const t = await once();
          sums.kernel += t.kernel;
          sums.power += t.power;
          sums.jacobian += t.jacobian;
          iterations = t.iterations;
          timed += 1;
        } while (performance.now() - started < seconds * 1000);
        const row: CurvatureBenchRow = {
          backend: tf.getBackend(),
          batch: probe.count,
          depth: config.L,
          width: config.N,
          runs: experiment.runs.length,
          loss,
          kernelMs: sums.kernel / timed,
          powerMs: sums.power / timed,
          jacobianMs: sums.jacobian / timed,
          iterations,
          timed,
        };
        rows.push(row);
        options.onRow?.(row);
      } finally {
        x.dispose();
      }
    }
  } finally {
    measurements.dispose();
    experiment.dispose();
  }
  return rows;
}

/** A Markdown table of the rows, one per D. */
export function formatCurvatureTable(rows: readonly CurvatureBenchRow[]): string {
  return [
    '| backend | D | L | N | runs | Fisher | kernel ms | power iteration ms (products) | s²_max ms | total ms |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.batch} | ${r.depth} | ${r.width} | ${r.runs} | ${r.loss} | ${r.kernelMs.toFixed(0)} | ${r.powerMs.toFixed(0)} (${r.iterations}) | ${r.jacobianMs.toFixed(0)} | ${(r.kernelMs + r.powerMs + r.jacobianMs).toFixed(0)} |`,
    ),
  ].join('\n');
}
