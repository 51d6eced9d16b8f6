import { describe, expect, it } from 'vitest';
import type { SweepCurve, SweepPoint } from '../../sweep/types.ts';
import { curvatureCorrelation, curvaturePoints, lambdaLines, qStarValues } from './curvatureData.ts';

function point(fields: Partial<SweepPoint>): SweepPoint {
  return {
    init: 'gaussian',
    seed: 1,
    tau: null,
    diverged: false,
    divergedAtStep: null,
    finalLoss: null,
    stepsTrained: 0,
    ...fields,
  };
}

describe('curvaturePoints and curvatureCorrelation', () => {
  it('keeps runs with positive finite λ_max and s²_max, and correlates their logs and values', () => {
    const points = [
      point({ sMaxSq: 1, lambdaMaxFisher: 2, qStar: 0.01 }),
      point({ init: 'orthogonal', sMaxSq: 10, lambdaMaxFisher: 20, qStar: 0.01 }),
      point({ sMaxSq: 100, lambdaMaxFisher: 200, qStar: 0.1 }),
      point({ sMaxSq: 1000, lambdaMaxFisher: 1000, qStar: null }),
      point({ sMaxSq: NaN, lambdaMaxFisher: 5 }),
      point({ sMaxSq: 3, lambdaMaxFisher: 0 }),
      point({}),
    ];
    const drawn = curvaturePoints(points);
    expect(drawn.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(drawn.map((p) => p.qStar)).toEqual([0.01, 0.01, 0.1, null]);
    expect(qStarValues(drawn)).toEqual([0.01, 0.1]);
    const rho = curvatureCorrelation(drawn);
    expect(rho.count).toBe(4);
    // Logs: x = 0, 1, 2, 3 (·ln 10), y = x + ln 2 except the last, log 1000: ρ of (0,1,2,3) and
    // (a, 1+a, 2+a, 3) with a = log10 2 ≈ 0.301.
    const a = Math.log10(2);
    const ys = [a, 1 + a, 2 + a, 3];
    const my = ys.reduce((s, y) => s + y, 0) / 4;
    const dx = [-1.5, -0.5, 0.5, 1.5];
    const sxy = dx.reduce((s, d, i) => s + d * (ys[i]! - my), 0);
    const syy = ys.reduce((s, y) => s + (y - my) ** 2, 0);
    expect(rho.log).toBeCloseTo(sxy / Math.sqrt(5 * syy), 12);
    expect(rho.linear).not.toBeNull();
    expect(rho.linear).not.toBeCloseTo(rho.log!, 3);
  });
});

describe('lambdaLines', () => {
  it('gives one line per run with curvature steps, with its swept values, dropping non-positive values', () => {
    const points = [
      point({ qstar: 0.01, orth: 'stiefel', seed: 1 }),
      point({ qstar: 0.1, orth: 'none', init: 'orthogonal', seed: 2 }),
      point({ qstar: 0.1, orth: 'none', seed: 3 }),
    ];
    const curves: SweepCurve[] = [
      { point: 0, steps: [], trainLoss: [], curvatureSteps: [0, 10, 20], lambdaMax: [1, NaN, 3] },
      { point: 1, steps: [], trainLoss: [], curvatureSteps: [0, 10], lambdaMax: [2, 4] },
      { point: 2, steps: [], trainLoss: [] },
    ];
    const lines = lambdaLines(points, curves, ['qstar', 'orth']);
    expect(lines).toEqual([
      {
        point: 0,
        init: 'gaussian',
        seed: 1,
        at: { qstar: 0.01, orth: 'stiefel' },
        steps: [0, 20],
        values: [1, 3],
      },
      {
        point: 1,
        init: 'orthogonal',
        seed: 2,
        at: { qstar: 0.1, orth: 'none' },
        steps: [0, 10],
        values: [2, 4],
      },
    ]);
  });
});
