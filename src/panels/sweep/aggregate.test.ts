import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../sweep/types.ts';
import {
  curveGroups,
  orderedValues,
  sampledLayers,
  spreadOf,
  tauLines,
  tauLinesBestOver,
  valueLines,
} from './aggregate.ts';

function point(values: Partial<SweepPoint> & Record<string, unknown>): SweepPoint {
  return {
    init: 'gaussian',
    seed: 1,
    tau: null,
    diverged: false,
    divergedAtStep: null,
    finalLoss: null,
    ...values,
  } as SweepPoint;
}

describe('spreadOf', () => {
  it('takes mean, min and max of the finite values', () => {
    expect(spreadOf([3, 1, NaN, 8])).toEqual({ mean: 4, min: 1, max: 8, count: 3 });
    expect(spreadOf([NaN])).toBeNull();
  });
});

describe('tauLines', () => {
  const points: SweepPoint[] = [
    // lr 0.1: both seeds reach; lr 1: one reaches, one diverges; lr 10: one diverges, one never reaches.
    point({ lr: 0.1, seed: 1, tau: 100 }),
    point({ lr: 0.1, seed: 2, tau: 140 }),
    point({ lr: 1, seed: 1, tau: 30 }),
    point({ lr: 1, seed: 2, diverged: true, divergedAtStep: 12 }),
    point({ lr: 10, seed: 1, diverged: true, divergedAtStep: 3 }),
    point({ lr: 10, seed: 2 }),
    point({ lr: 0.1, seed: 1, tau: 90, init: 'orthogonal' }),
  ];

  it('counts every seed once and averages τ over those that reached it', () => {
    const lines = tauLines(points, 'lr', null);
    expect(lines.map((l) => l.init)).toEqual(['gaussian', 'orthogonal']);
    const [g, o] = lines;
    expect(g!.cells.map((c) => c.x)).toEqual([0.1, 1, 10]);
    expect(g!.cells[0]).toEqual({
      x: 0.1,
      seeds: 2,
      tau: { mean: 120, min: 100, max: 140, count: 2 },
      diverged: 0,
      notReached: 0,
    });
    expect(g!.cells[1]).toMatchObject({ seeds: 2, tau: { mean: 30, count: 1 }, diverged: 1, notReached: 0 });
    expect(g!.cells[2]).toMatchObject({ seeds: 2, tau: null, diverged: 1, notReached: 1 });
    expect(o!.cells).toHaveLength(1);
  });

  it('splits lines by the second swept parameter, in ascending order', () => {
    const two = [
      point({ lr: 1, L: 20, tau: 5 }),
      point({ lr: 1, L: 5, tau: 3 }),
      point({ lr: 2, L: 5, tau: 2 }),
    ];
    const lines = tauLines(two, 'lr', 'L');
    expect(lines.map((l) => [l.init, l.second, l.cells.length])).toEqual([
      ['gaussian', 5, 2],
      ['gaussian', 20, 1],
    ]);
  });
});

describe('valueLines', () => {
  it('averages a per-point number over seeds at each width', () => {
    const points = [
      point({ N: 256, ntkChange: 0.1 }),
      point({ N: 64, ntkChange: 0.4, seed: 1 }),
      point({ N: 64, ntkChange: 0.6, seed: 2 }),
      point({ N: 64, ntkChange: 0.2, init: 'orthogonal' }),
    ];
    const lines = valueLines(points, 'N', (p) => p.ntkChange);
    expect(lines[0]!.cells.map((c) => [c.x, c.value.mean])).toEqual([
      [64, 0.5],
      [256, 0.1],
    ]);
    expect(lines[1]!.init).toBe('orthogonal');
  });
});

describe('orderedValues', () => {
  it('sorts numbers and keeps choices in their order', () => {
    expect(orderedValues([point({ L: 9 }), point({ L: 3 })], 'L')).toEqual([3, 9]);
    expect(orderedValues([point({ act: 'tanh' }), point({ act: 'relu' })], 'act')).toEqual(['tanh', 'relu']);
  });
});

describe('sampledLayers', () => {
  it('takes the first, a middle and the readout layer, as Huang et al. Fig. 1', () => {
    // 3 hidden layers + readout: W₁ (input), W₂ (middle, n×n), W₄ (readout).
    expect(sampledLayers(4)).toEqual([
      { label: 'W₁ (input)', index: 0 },
      { label: 'W₂ (middle)', index: 1 },
      { label: 'W₄ (readout)', index: 3 },
    ]);
    expect(sampledLayers(2).map((l) => l.index)).toEqual([0, 1]);
    expect(sampledLayers(12).map((l) => l.label)).toEqual(['W₁ (input)', 'W₆ (middle)', 'W₁₂ (readout)']);
  });
});

describe('curveGroups', () => {
  it('groups the curves of a grid point by init, seeds together', () => {
    const points = [
      point({ lr: 0.1, seed: 1, init: 'orthogonal' }),
      point({ lr: 0.1, seed: 1 }),
      point({ lr: 0.1, seed: 2 }),
      point({ lr: 1, seed: 1 }),
    ];
    const curve = (p: number) => ({ point: p, steps: [0, 1], trainLoss: [p, p / 2] });
    const groups = curveGroups(points, [0, 1, 2, 3].map(curve), ['lr']);
    expect(groups.map((g) => [g.init, g.at.lr, g.seeds.length])).toEqual([
      ['gaussian', 0.1, 2],
      ['gaussian', 1, 1],
      ['orthogonal', 0.1, 1],
    ]);
    expect(groups[0]!.seeds[1]!.values).toEqual([2, 1]);
  });
});

describe('tauLinesBestOver', () => {
  it("takes each seed's smallest τ over the other axis, then the spread over seeds", () => {
    const points = [
      // L = 4: seed 1 best at lr 0.1 (τ 20), seed 2 best at lr 0.01 (τ 30).
      point({ L: 4, lr: 0.01, seed: 1, tau: 50 }),
      point({ L: 4, lr: 0.1, seed: 1, tau: 20 }),
      point({ L: 4, lr: 0.01, seed: 2, tau: 30 }),
      point({ L: 4, lr: 0.1, seed: 2, diverged: true, divergedAtStep: 5 }),
      // L = 16: seed 1 diverges at every lr, seed 2 diverges at one and never reaches at the other.
      point({ L: 16, lr: 0.01, seed: 1, diverged: true, divergedAtStep: 9 }),
      point({ L: 16, lr: 0.1, seed: 1, diverged: true, divergedAtStep: 2 }),
      point({ L: 16, lr: 0.01, seed: 2 }),
      point({ L: 16, lr: 0.1, seed: 2, diverged: true, divergedAtStep: 3 }),
    ];
    const [line] = tauLinesBestOver(points, 'L', 'lr');
    expect(line!.second).toBeNull();
    expect(line!.cells[0]).toEqual({
      x: 4,
      seeds: 2,
      tau: { mean: 25, min: 20, max: 30, count: 2 },
      diverged: 0,
      notReached: 0,
      bestAt: [0.1, 0.01],
    });
    expect(line!.cells[1]).toMatchObject({ x: 16, seeds: 2, tau: null, diverged: 1, notReached: 1 });
  });
});
