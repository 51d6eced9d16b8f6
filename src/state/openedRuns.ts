import { create } from 'zustand';
import type { RunsResultFile } from '../runs/runsFile.ts';
import { Series } from './series.ts';
import type { RunTrace } from './training.ts';

/** A runs result file shown in the training panel instead of the live runs. */
export interface OpenedRuns {
  /** The file's name as the browser gave it (empty when it had none). */
  readonly fileName: string;
  readonly file: RunsResultFile;
  /** The file's runs as the panel draws live ones. */
  readonly runs: readonly RunTrace[];
}

export interface OpenedRunsView {
  readonly opened: OpenedRuns | null;
  /**
   * True while the file's configuration is being applied to the controls: that change is the
   * file's, so it neither restarts live training nor closes the file.
   */
  readonly applying: boolean;
  /** Why the last file could not be opened, in one line. */
  readonly error: string | null;
}

export const useOpenedRuns = create<OpenedRunsView>()(() => ({ opened: null, applying: false, error: null }));

export function dismissRunsFileError(): void {
  useOpenedRuns.setState({ error: null });
}

/**
 * The file's runs as training traces: each sample's window-mean training loss at the step that
 * ends its window (none at step 0), held-out loss and accuracy at their steps, and a diverged
 * run's step. Null values (not measured, or not finite once diverged) are left out, as the live
 * panel leaves out what a diverged run no longer measures.
 */
export function tracesOfRunsFile(file: RunsResultFile): RunTrace[] {
  return file.runs.map((run) => {
    const train = new Series();
    const testLoss = new Series();
    const testAccuracy = new Series();
    let lastFiniteStep: number | null = null;
    let firstMissingStep: number | null = null;
    run.steps.forEach((step, i) => {
      const loss = run.trainLoss[i];
      if (typeof loss === 'number') {
        train.push(step, loss);
        lastFiniteStep = step;
      } else if (i > 0 && firstMissingStep === null) firstMissingStep = step;
      const test = run.testLoss[i];
      if (typeof test === 'number') testLoss.push(step, test);
      const accuracy = run.testAcc?.[i];
      if (typeof accuracy === 'number') testAccuracy.push(step, accuracy);
    });
    const divergedAt = run.divergedAtStep ?? firstMissingStep ?? run.steps[run.steps.length - 1] ?? 0;
    return {
      run: { runId: run.runId, init: run.init, seed: run.seed, lr: run.lr },
      train,
      testLoss,
      testAccuracy,
      diverged: run.diverged ? { step: divergedAt, lastFiniteStep } : null,
    };
  });
}
