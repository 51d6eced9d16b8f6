import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import type { RunsResultFile } from '../runs/runsFile.ts';
import { tracesOfRunsFile } from './openedRuns.ts';
import type { Series } from './series.ts';

const points = (series: Series) =>
  Array.from({ length: series.length }, (_, i) => [series.steps[i], series.values[i]]);

const FILE = {
  format: 'isometry-lab-runs',
  version: 1,
  labVersion: '0.1.0',
  createdAt: '2026-12-03T17:00:00.000Z',
  backend: 'pytorch 1.13 · cpu',
  query: '?',
  config: DEFAULT_CONFIG,
  task: 'classification',
  steps: 20,
  every: 10,
  evalExamples: 100,
  sampling: 'note',
  complete: true,
  seconds: 1,
  runs: [
    {
      runId: 0,
      init: 'gaussian',
      seed: 3,
      lr: 0.05,
      steps: [0, 10, 20],
      trainLoss: [null, 1.5, 0.75],
      testLoss: [2.25, 1.25, 0.5],
      testAcc: [0.125, 0.5, 0.875],
      diverged: false,
      divergedAtStep: null,
    },
    {
      runId: 1,
      init: 'orthogonal',
      seed: 3,
      lr: 0.05,
      steps: [0, 10, 20],
      trainLoss: [null, 2, null],
      testLoss: [2.25, 3, null],
      testAcc: [0.125, 0.25, null],
      diverged: true,
      divergedAtStep: 14,
    },
  ],
} satisfies RunsResultFile;

describe('an opened runs file as training traces', () => {
  it('puts each sample at its step, leaves nulls out and marks the divergence', () => {
    const [healthy, diverged] = tracesOfRunsFile(FILE);
    expect(healthy!.run).toEqual({ runId: 0, init: 'gaussian', seed: 3, lr: 0.05 });
    expect(points(healthy!.train)).toEqual([
      [10, 1.5],
      [20, 0.75],
    ]);
    expect(points(healthy!.testLoss)).toEqual([
      [0, 2.25],
      [10, 1.25],
      [20, 0.5],
    ]);
    expect(points(healthy!.testAccuracy)).toEqual([
      [0, 0.125],
      [10, 0.5],
      [20, 0.875],
    ]);
    expect(healthy!.diverged).toBeNull();
    expect(points(diverged!.train)).toEqual([[10, 2]]);
    expect(diverged!.diverged).toEqual({ step: 14, lastFiniteStep: 10 });
    // Without the step, the first sample without a loss stands for it.
    const [, unknown] = tracesOfRunsFile({
      ...FILE,
      runs: [FILE.runs[0]!, { ...FILE.runs[1]!, divergedAtStep: null }],
    });
    expect(unknown!.diverged).toEqual({ step: 20, lastFiniteStep: 10 });
  });
});
