import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { Series } from '../state/series.ts';
import type { RunTrace } from '../state/training.ts';
import { csvNumber, parseCsv, toCsv } from './csv.ts';
import { trainingJson, trainingTable } from './trainingData.ts';

function series(points: readonly (readonly [number, number])[]): Series {
  const s = new Series();
  for (const [step, value] of points) s.push(step, value);
  return s;
}

/** Two runs as the store holds them: 300 training steps (past Series' first capacity), evaluations every 50. */
function traces(): RunTrace[] {
  return (['gaussian', 'orthogonal'] as const).map((init, runId) => {
    const steps = Array.from({ length: 300 }, (_, i) => i + 1);
    const evals = [0, 50, 100, 150, 200, 250, 300];
    const diverges = init === 'gaussian';
    return {
      run: { runId, init, seed: 7, lr: 0.01 },
      train: series(steps.map((s) => [s, diverges && s > 280 ? NaN : 2 / (s + runId)])),
      testLoss: series(evals.map((s) => [s, diverges && s > 280 ? Infinity : 1 + 1 / (s + 1)])),
      testAccuracy: series(evals.map((s) => [s, s / 400 + 0.1 * runId])),
      diverged: diverges ? { step: 281, lastFiniteStep: 280 } : null,
    };
  });
}

describe('training data export', () => {
  it('has one CSV row per step measured, holding exactly the values the store holds', () => {
    const runs = traces();
    const rows = parseCsv(toCsv(trainingTable(runs, true)));
    expect(rows[0]).toEqual([
      'step',
      'gaussian_seed7_train_loss',
      'gaussian_seed7_test_loss',
      'gaussian_seed7_test_accuracy',
      'orthogonal_seed7_train_loss',
      'orthogonal_seed7_test_loss',
      'orthogonal_seed7_test_accuracy',
    ]);
    expect(rows).toHaveLength(1 + 301); // steps 0 (evaluation only) … 300
    const byStep = new Map(rows.slice(1).map((row) => [Number(row[0]), row.slice(1).map(csvNumber)]));
    runs.forEach((trace, r) => {
      for (const [c, s] of [trace.train, trace.testLoss, trace.testAccuracy].entries()) {
        for (let i = 0; i < s.length; i++) expect(byStep.get(s.steps[i]!)![3 * r + c]).toBe(s.values[i]);
      }
    });
    // A training step without an evaluation leaves the held-out cells empty.
    expect(byStep.get(1)![1]).toBeNull();
    expect(byStep.get(0)![0]).toBeNull();
  });

  it('leaves out accuracy for a regression', () => {
    expect(trainingTable(traces(), false).header).toHaveLength(1 + 2 * 2);
  });

  it('gives every run with its init, seed and curves in JSON; non-finite values as null', () => {
    const runs = traces();
    const source = {
      link: 'http://x/?v=1',
      query: '?v=1',
      createdAt: '2026-01-01T00:00:00Z',
      labVersion: '1',
    };
    const json = JSON.parse(JSON.stringify(trainingJson(runs, DEFAULT_CONFIG, 'classification', source)));
    expect(json.config).toEqual(DEFAULT_CONFIG);
    expect(json.runs.map((r: { init: string; seed: number }) => [r.init, r.seed])).toEqual([
      ['gaussian', 7],
      ['orthogonal', 7],
    ]);
    runs.forEach((trace, r) => {
      const out = json.runs[r];
      expect(out.train.steps).toEqual(Array.from(trace.train.steps.subarray(0, trace.train.length)));
      out.train.loss.forEach((v: number | null, i: number) =>
        expect(v).toBe(Number.isFinite(trace.train.values[i]!) ? trace.train.values[i] : null),
      );
      expect(out.test.accuracy).toEqual(Array.from(trace.testAccuracy.values.subarray(0, 7)));
      expect(out.diverged).toEqual(trace.diverged);
    });
    expect(json.runs[0].train.loss[299]).toBeNull();
    expect(json.runs[0].test.loss[6]).toBeNull();
  });
});
