import { describe, expect, it } from 'vitest';
import type { SweepCurve, SweepPoint } from '../../sweep/types.ts';
import { heldOutLines, singularValueLines } from './singularValueSeries.ts';

const point = (init: 'gaussian' | 'orthogonal', seed: number, orth: string): SweepPoint =>
  ({ init, seed, orth, lr: 0.001, tau: null, diverged: false, stepsTrained: 4 }) as unknown as SweepPoint;

const curve = (index: number, mean: number[], min: number[], max: number[]): SweepCurve => ({
  point: index,
  steps: [1, 2],
  trainLoss: [1, 1],
  weightSteps: [0, 2, 4].slice(0, mean.length),
  weightSv: { mean, std: mean.map(() => 0.1), min, max },
});

describe('singular-value lines of a weights sweep', () => {
  it('puts seeds together by init and swept values: mean of means, extreme min and max', () => {
    const points = [
      point('gaussian', 1, 'soft'),
      point('gaussian', 2, 'soft'),
      point('orthogonal', 1, 'soft'),
      point('gaussian', 1, 'gain'),
    ];
    const lines = singularValueLines(
      points,
      [
        curve(0, [1, 1.2, 1.4], [0.1, 0.2, 0.3], [2, 2.1, 2.2]),
        curve(1, [1.2, 1.4], [0.05, 0.3], [2.5, 2]),
        curve(2, [1.1, 1.1, 1.1], [1.1, 1.05, 1], [1.1, 1.2, 1.3]),
        curve(3, [1, 1, 1], [0.5, 0.5, 0.5], [1.5, 1.5, 1.5]),
      ],
      ['orth'],
    );
    expect(lines.map((l) => [l.init, l.at.orth, l.seeds])).toEqual([
      ['gaussian', 'soft', 2],
      ['gaussian', 'gain', 1],
      ['orthogonal', 'soft', 1],
    ]);
    const [soft] = lines;
    // The shorter seed (it stopped at step 2) ends the line there.
    expect(soft!.steps).toEqual([0, 2]);
    expect(soft!.mean[0]).toBeCloseTo(1.1, 12);
    expect(soft!.mean[1]).toBeCloseTo(1.3, 12);
    expect(soft!.min).toEqual([0.05, 0.2]);
    expect(soft!.max).toEqual([2.5, 2.1]);
  });

  it('leaves out curves without weight spectra', () => {
    const bare: SweepCurve = { point: 0, steps: [1], trainLoss: [1] };
    expect(singularValueLines([point('gaussian', 1, 'none')], [bare], ['orth'])).toEqual([]);
  });
});

describe('held-out lines of a sweep', () => {
  it('averages the seeds of a point and init at their common steps', () => {
    const points = [
      point('gaussian', 1, 'gain'),
      point('gaussian', 2, 'gain'),
      point('orthogonal', 1, 'gain'),
    ];
    const eval_ = (index: number, metric: number[]): SweepCurve => ({
      point: index,
      steps: [1],
      trainLoss: [1],
      evalSteps: [0, 50, 100].slice(0, metric.length),
      evalMetric: metric,
    });
    const lines = heldOutLines(
      points,
      [eval_(0, [0.1, 0.5, 0.7]), eval_(1, [0.1, 0.7]), eval_(2, [0.1, 0.6, 0.8])],
      ['orth'],
    );
    expect(lines.map((l) => [l.init, l.seeds, l.steps])).toEqual([
      ['gaussian', 2, [0, 50]],
      ['orthogonal', 1, [0, 50, 100]],
    ]);
    expect(lines[0]!.mean[1]).toBeCloseTo(0.6, 12);
  });
});
