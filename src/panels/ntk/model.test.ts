import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../engine/index.ts';
import type { NtkChange } from '../../state/training.ts';
import {
  classBlocks,
  firstRunOf,
  relativeError,
  scatterPoints,
  seedMean,
  sharedDomain,
  shownLayers,
} from './model.ts';

const RUNS: RunInfo[] = [
  { runId: 0, init: 'gaussian', seed: 1, lr: 0.05 },
  { runId: 1, init: 'gaussian', seed: 2, lr: 0.05 },
  { runId: 2, init: 'orthogonal', seed: 1, lr: 0.05 },
  { runId: 3, init: 'orthogonal', seed: 2, lr: 0.05 },
];

describe('NTK panel model', () => {
  it('draws the first seed of each init, and none of an init the configuration lacks', () => {
    expect(firstRunOf(RUNS, 'gaussian')).toBe(0);
    expect(firstRunOf(RUNS, 'orthogonal')).toBe(2);
    expect(firstRunOf(RUNS.slice(0, 2), 'orthogonal')).toBeNull();
  });

  it('finds the class blocks of sorted labels, and none for regression', () => {
    expect(classBlocks(Int32Array.from([0, 0, 1, 1, 1, 3]))).toEqual([
      { label: 0, start: 0, end: 2 },
      { label: 1, start: 2, end: 5 },
      { label: 3, start: 5, end: 6 },
    ]);
    expect(classBlocks(Int32Array.from([-1, -1, -1]))).toEqual([]);
  });

  it('shares one colour domain over every matrix, ignoring non-finite entries', () => {
    expect(sharedDomain([[1, 5, NaN], [-2, 3], Float64Array.from([4, Infinity])])).toEqual([-2, 5]);
    // A constant kernel still gets a domain of non-zero width around its value.
    const [lo, hi] = sharedDomain([[3, 3, 3]]);
    expect(lo).toBeLessThan(3);
    expect(hi).toBeGreaterThan(3);
  });

  it('measures the relative Frobenius error against the reference', () => {
    // ‖diag(1, 2) − I‖_F / ‖I‖_F = 1/√2.
    expect(relativeError([1, 0, 0, 1], [1, 0, 0, 2])).toBeCloseTo(Math.SQRT1_2, 12);
    // Scaling the measured kernel by (1 + ε) gives an error of exactly ε.
    const reference = [4, 1, 1, 3];
    expect(
      relativeError(
        reference,
        reference.map((v) => 1.25 * v),
      ),
    ).toBeCloseTo(0.25, 12);
  });

  it('puts each distinct entry of a symmetric kernel in the scatter once', () => {
    const D = 4;
    const analytic = Array.from(
      { length: D * D },
      (_, i) => Math.min(i % D, Math.floor(i / D)) + 10 * Math.max(i % D, Math.floor(i / D)),
    );
    const empirical = analytic.map((v) => v + 0.5);
    const points = scatterPoints(analytic, empirical, D);
    expect(points).toHaveLength((D * (D + 1)) / 2);
    expect(new Set(points.map((p) => p.analytic)).size).toBe(points.length);
    expect(points.every((p) => p.empirical === p.analytic + 0.5)).toBe(true);
  });

  it('averages a change over the seeds of an init, leaving out step 0 on a log axis and diverged snapshots', () => {
    const change = (step: number, values: number[]): NtkChange => ({
      step,
      ntkChange: Float32Array.from(values),
      weightChange: [],
    });
    const changes = [
      change(0, [0, 0, 0, 0]),
      change(10, [0.1, 0.3, 0.02, 0.04]),
      change(20, [0.2, NaN, 0.05, 0.07]),
    ];
    const pick = (c: NtkChange, r: number) => c.ntkChange[r];
    const gaussian = seedMean(changes, RUNS, 'gaussian', pick, true)!;
    expect(gaussian.steps).toEqual([10]);
    expect(gaussian.values[0]).toBeCloseTo(0.2, 6);
    const orthogonal = seedMean(changes, RUNS, 'orthogonal', pick)!;
    expect(orthogonal.steps).toEqual([0, 10, 20]);
    expect(orthogonal.values[2]).toBeCloseTo(0.06, 6);
    expect(seedMean(changes, RUNS.slice(0, 2), 'orthogonal', pick)).toBeNull();
  });

  it('shows the first, middle and last hidden layers and the readout, each once', () => {
    expect(shownLayers(50)).toEqual([
      { index: 0, label: 'layer 1' },
      { index: 24, label: 'layer 25' },
      { index: 49, label: 'layer 50' },
      { index: 50, label: 'readout (51)' },
    ]);
    expect(shownLayers(1).map((l) => l.index)).toEqual([0, 1]);
    expect(shownLayers(2).map((l) => l.index)).toEqual([0, 1, 2]);
  });
});
