import type { LabConfig } from '../config/schema.ts';
import { createExperiment, type ExperimentInfo, type ExperimentOptions } from './experiment.ts';
import type { InitKind } from './init.ts';

export interface RunRecord {
  readonly runId: number;
  readonly init: InitKind;
  readonly seed: number;
  /** Its learning rate (a sweep's runs each have their own; otherwise the configuration's). */
  readonly lr: number;
  /** Steps taken at each sample: 0, every, 2·every, …, and the last step. */
  readonly steps: number[];
  /** Mean minibatch loss of the steps since the previous sample (null at step 0); NaN once diverged. */
  readonly trainLoss: (number | null)[];
  /** Held-out loss after `steps[i]` steps. */
  readonly testLoss: number[];
  /** Held-out accuracy after `steps[i]` steps; null for regression. */
  readonly testAcc: number[] | null;
  readonly diverged: boolean;
  readonly divergedAtStep: number | null;
}

export interface HeadlessReport {
  readonly config: LabConfig;
  readonly info: ExperimentInfo;
  readonly sampling: string;
  readonly runs: RunRecord[];
}

export const SAMPLING_NOTE =
  'test metrics on the first evalExamples held-out examples after steps[i] steps; trainLoss[i] is the mean minibatch loss (each taken just before its update) over the steps since the previous sample, null at step 0';

/** Trains `config` for `steps` steps and samples metrics every `every` steps (CLI, benchmarks, tests). */
export async function runHeadless(
  config: LabConfig,
  options: ExperimentOptions & { readonly steps: number; readonly every: number },
): Promise<HeadlessReport> {
  const experiment = await createExperiment(config, options);
  try {
    const records = experiment.runs.map((run): RunRecord => ({
      ...run,
      steps: [],
      trainLoss: [],
      testLoss: [],
      testAcc: experiment.info.dataset.task === 'classification' ? [] : null,
      diverged: false,
      divergedAtStep: null,
    }));
    const window = new Float64Array(experiment.runs.length);
    let windowSteps = 0;
    const sample = async (): Promise<void> => {
      const evaluation = await experiment.evaluate();
      records.forEach((record, r) => {
        record.steps.push(evaluation.step);
        record.trainLoss.push(windowSteps === 0 ? null : window[r]! / windowSteps);
        record.testLoss.push(evaluation.loss[r]!);
        record.testAcc?.push(evaluation.accuracy![r]!);
      });
      window.fill(0);
      windowSteps = 0;
    };
    await sample();
    for (let step = 1; step <= options.steps; step++) {
      const result = await experiment.step();
      result.loss.forEach((loss, r) => (window[r] = window[r]! + loss));
      windowSteps += 1;
      if (step % options.every === 0 || step === options.steps) await sample();
    }
    const status = experiment.status();
    return {
      config,
      info: experiment.info,
      sampling: SAMPLING_NOTE,
      runs: records.map((record, r) => ({
        ...record,
        diverged: status[r]!.diverged,
        divergedAtStep: status[r]!.divergedAtStep,
      })),
    };
  } finally {
    experiment.dispose();
  }
}

/** One row per run and sample: run, init, seed, step, trainLoss, testLoss, testAcc, diverged. */
export function reportToCsv(report: HeadlessReport): string {
  const rows = ['run,init,seed,step,trainLoss,testLoss,testAcc,diverged'];
  for (const run of report.runs) {
    run.steps.forEach((step, i) => {
      rows.push(
        [
          run.runId,
          run.init,
          run.seed,
          step,
          run.trainLoss[i] ?? '',
          run.testLoss[i],
          run.testAcc?.[i] ?? '',
          run.diverged,
        ].join(','),
      );
    });
  }
  return `${rows.join('\n')}\n`;
}
