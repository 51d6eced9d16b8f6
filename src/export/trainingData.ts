import type { LabConfig } from '../config/index.ts';
import type { Series } from '../state/series.ts';
import type { RunTrace } from '../state/training.ts';
import type { CsvTable } from './csv.ts';

/** Where an export came from: the link that reproduces it and when it was taken. */
export interface ExportSource {
  readonly link: string;
  readonly query: string;
  readonly createdAt: string;
  readonly labVersion: string;
}

/** The measured values of a series as plain arrays (a Series keeps spare capacity past `length`). */
function arrays(series: Series): { steps: number[]; values: number[] } {
  return {
    steps: Array.from(series.steps.subarray(0, series.length)),
    values: Array.from(series.values.subarray(0, series.length)),
  };
}

function runName(trace: RunTrace): string {
  return `${trace.run.init}_seed${trace.run.seed}`;
}

/**
 * One row per step that any run measured (training steps, and the evaluation steps of the held-out
 * set), one column per run and quantity: `gaussian_seed1_train_loss`, `…_test_loss`,
 * `…_test_accuracy` (classification only). A cell is empty where that quantity was not measured at
 * that step (the held-out set is evaluated every few steps).
 */
export function trainingTable(runs: readonly RunTrace[], classification: boolean): CsvTable {
  const columns: { name: string; series: Series }[] = runs.flatMap((trace) => [
    { name: `${runName(trace)}_train_loss`, series: trace.train },
    { name: `${runName(trace)}_test_loss`, series: trace.testLoss },
    ...(classification ? [{ name: `${runName(trace)}_test_accuracy`, series: trace.testAccuracy }] : []),
  ]);
  const byStep = new Map<number, (number | null)[]>();
  columns.forEach(({ series }, c) => {
    for (let i = 0; i < series.length; i++) {
      const step = series.steps[i]!;
      let row = byStep.get(step);
      if (!row) byStep.set(step, (row = columns.map(() => null)));
      row[c] = series.values[i]!;
    }
  });
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return {
    header: ['step', ...columns.map((c) => c.name)],
    rows: steps.map((step) => [step, ...byStep.get(step)!]),
  };
}

/** Every run's curves with what identifies the run; non-finite values (divergence) become null. */
export function trainingJson(
  runs: readonly RunTrace[],
  config: LabConfig,
  task: 'classification' | 'regression',
  source: ExportSource,
) {
  return {
    format: 'isometry-lab-training' as const,
    version: 1 as const,
    ...source,
    config,
    task,
    lossUnit: task === 'classification' ? 'nats, cross-entropy' : 'MSE',
    runs: runs.map((trace) => {
      const train = arrays(trace.train);
      const testLoss = arrays(trace.testLoss);
      const testAccuracy = arrays(trace.testAccuracy);
      return {
        runId: trace.run.runId,
        init: trace.run.init,
        seed: trace.run.seed,
        lr: trace.run.lr,
        diverged: trace.diverged,
        train: { steps: train.steps, loss: train.values.map(finiteOrNull) },
        test: {
          steps: testLoss.steps,
          loss: testLoss.values.map(finiteOrNull),
          ...(task === 'classification'
            ? { accuracySteps: testAccuracy.steps, accuracy: testAccuracy.values.map(finiteOrNull) }
            : {}),
        },
      };
    }),
  };
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
