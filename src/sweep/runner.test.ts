import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/experiment.ts';
import { useCpuBackend } from '../engine/testBackend.ts';
import { sweepDefinition } from './definition.ts';
import { parseSweepResult, sweepResultText } from './resultFile.ts';
import { runSweep } from './runner.ts';
import { TRAIN_WINDOW } from './tau.ts';
import type { SweepProgress } from './types.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 8, trainCount: 256, testCount: 64 };
const BASE: LabConfig = {
  ...DEFAULT_CONFIG,
  data: 'teacher',
  act: 'linear',
  sw2: 1,
  sb2: 0,
  L: 3,
  N: 12,
  bs: 16,
  init: 'both',
  seeds: 1,
  steps: 60,
  lm: 'train',
};

/** τ as the sweep defines it for lm=train, computed from a run trained on its own. */
function tauOf(losses: readonly number[], threshold: number): number | null {
  for (let t = 1; t <= losses.length; t++) {
    const window = losses.slice(Math.max(0, t - TRAIN_WINDOW), t);
    if (window.reduce((a, b) => a + b, 0) / window.length <= threshold) return t;
  }
  return null;
}

describe('runSweep', () => {
  it('reads τ as a run trained alone reaches it, and marks "not reached" and "diverged"', async () => {
    // Find a threshold the run at η = 0.05 crosses mid-way, from that run trained on its own.
    const alone = await createExperiment({ ...BASE, lr: 0.05 }, { teacher: TEACHER, evalExamples: 16 });
    const losses: number[][] = [[], []];
    for (let i = 0; i < BASE.steps; i++) (await alone.step()).loss.forEach((l, r) => losses[r]!.push(l));
    alone.dispose();
    const threshold = Number(((losses[0]![5]! + losses[0]![50]!) / 2).toPrecision(3));
    const expected = losses.map((trace) => tauOf(trace, threshold));
    expect(expected[0]).toBeGreaterThan(5);

    const definition = sweepDefinition({ ...BASE, thr: threshold }, ['lr=1e-5,0.05,8']);
    const file = await runSweep(definition, { teacher: TEACHER, evalExamples: 16 });
    expect(file.complete).toBe(true);
    expect(file.points).toHaveLength(6);
    const at = (lr: number, init: string) => file.points.find((p) => p.lr === lr && p.init === init)!;
    expect(at(0.05, 'gaussian').tau).toBe(expected[0]);
    expect(at(0.05, 'orthogonal').tau).toBe(expected[1]);
    // η = 1e-5 barely moves: not reached, not diverged, all steps trained.
    expect(at(1e-5, 'gaussian')).toMatchObject({ tau: null, diverged: false, stepsTrained: BASE.steps });
    // η = 8 in a linear network blows up: diverged, τ null, and the step it happened at.
    const blown = at(8, 'gaussian');
    expect(blown).toMatchObject({ tau: null, diverged: true });
    expect(blown.divergedAtStep).toBeGreaterThan(0);
    expect(blown.stepsTrained).toBe(blown.divergedAtStep! - 1);
    // Curves are finite, decimated to at most one point per step, and end where the run stopped.
    for (const curve of file.curves) {
      expect(curve.trainLoss.every(Number.isFinite)).toBe(true);
      expect(curve.steps.at(-1) ?? 0).toBe(file.points[curve.point]!.stepsTrained);
    }
  }, 60_000);

  it('stops when cancelled and returns the groups finished, complete = false; frees its tensors', async () => {
    const start = tf.memory().numTensors;
    const definition = sweepDefinition(BASE, ['L=2,3,4', 'lr=0.01,0.02']);
    const controller = new AbortController();
    const delivered: number[] = [];
    const progress: SweepProgress[] = [];
    const file = await runSweep(definition, {
      teacher: TEACHER,
      signal: controller.signal,
      onProgress: (p) => progress.push(p),
      onPoints: (points) => {
        delivered.push(points.length);
        controller.abort();
      },
    });
    expect(delivered).toEqual([4]);
    expect(file.complete).toBe(false);
    expect(file.points.map((p) => [p.L, p.lr, p.init])).toEqual([
      [2, 0.01, 'gaussian'],
      [2, 0.01, 'orthogonal'],
      [2, 0.02, 'gaussian'],
      [2, 0.02, 'orthogonal'],
    ]);
    expect(file.curves.map((c) => c.point)).toEqual([0, 1, 2, 3]);
    expect(tf.memory().numTensors).toBe(start);
    // Progress: the work done never goes back, and the fraction stays within 0 … 1.
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.workDone).toBeGreaterThanOrEqual(progress[i - 1]!.workDone);
    for (const p of progress) {
      expect(p.workDone).toBeLessThanOrEqual(p.workTotal + 1e-12);
      expect(p.runsTotal).toBe(12);
      expect(p.groupCount).toBe(3);
      // A τ sweep may stop groups early, so its time left is an upper bound; and none is
      // extrapolated from the first seconds, which compile kernels.
      expect(p.mayStopEarly).toBe(true);
      if (p.elapsedSeconds < 2) expect(p.remainingSeconds).toBeNull();
    }
  }, 60_000);

  it('is cancelled within a group too: the unfinished group leaves no points', async () => {
    const controller = new AbortController();
    const file = await runSweep(sweepDefinition(BASE, ['lr=0.01,0.02']), {
      teacher: TEACHER,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'training' && p.workDone > 0) controller.abort();
      },
    });
    expect(file).toMatchObject({ complete: false, points: [], curves: [] });
  }, 60_000);

  it('reads τ of lm=test from held-out evaluations, and writes a file that reads back identical', async () => {
    const definition = sweepDefinition({ ...BASE, lm: 'test', thr: 0.9, steps: 40 }, ['lr=0.01,0.05']);
    const file = await runSweep(definition, { teacher: TEACHER, evalExamples: 32 });
    for (const curve of file.curves) {
      const point = file.points[curve.point]!;
      // T = 40: evaluated at step 0 and every step (T/100 rounded up) until the group stopped.
      expect(curve.evalSteps).toEqual(Array.from({ length: curve.evalSteps!.length }, (_, s) => s));
      const first = curve.evalMetric!.findIndex((loss) => loss <= 0.9);
      expect(point.tau).toBe(first < 0 ? null : curve.evalSteps![first]);
    }
    expect(file.points.some((point) => point.tau !== null)).toBe(true);
    expect(parseSweepResult(sweepResultText(file))).toEqual(file);
  }, 60_000);

  it('measure=ntk: the relative change of the NTK and of the middle weights falls with width', async () => {
    const base: LabConfig = { ...BASE, act: 'erf', sb2: 0.01, param: 'ntk', lr: 1, L: 3, steps: 30 };
    const file = await runSweep(sweepDefinition(base, ['N=8,128'], 'ntk'), { teacher: TEACHER });
    const change = (N: number, init: string) => file.points.find((p) => p.N === N && p.init === init)!;
    for (const init of ['gaussian', 'orthogonal']) {
      const [narrow, wide] = [change(8, init), change(128, init)];
      expect(narrow.weightChange).toHaveLength(4);
      // 1/n predicts 16× between N = 8 and 128; at least 3× is asked.
      expect(wide.ntkChange!).toBeGreaterThan(0);
      expect(wide.ntkChange!).toBeLessThan(narrow.ntkChange! / 3);
      expect(wide.weightChange![1]!).toBeLessThan(narrow.weightChange![1]! / 3);
    }
  }, 60_000);
});
