import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.ts';
import type { SweepCurve, SweepPoint } from '../../sweep/types.ts';
import { CurvatureScatter } from './CurvatureScatter.tsx';
import type { SweepDrawing } from './drawing.ts';
import { LambdaChart } from './LambdaChart.tsx';
import { pearson } from './pearson.ts';

function drawingOf(points: SweepPoint[], curves: SweepCurve[]): SweepDrawing {
  return {
    kind: 'curves',
    axes: [{ key: 'qstar', label: 'q*', log: true, values: [0.001, 0.01] }],
    bestOver: null,
    measure: 'curvature',
    config: DEFAULT_CONFIG,
    threshold: { metric: 'train', value: 0.5 },
    steps: 100,
    points,
    curves,
  };
}

const base = { tau: null, diverged: false, divergedAtStep: null, finalLoss: null, stepsTrained: 100 };
const POINTS: SweepPoint[] = [
  { ...base, qstar: 0.001, init: 'gaussian', seed: 1, sMaxSq: 2, lambdaMaxFisher: 3, qStar: 0.001 },
  { ...base, qstar: 0.001, init: 'orthogonal', seed: 1, sMaxSq: 1.1, lambdaMaxFisher: 1, qStar: 0.001 },
  { ...base, qstar: 0.01, init: 'gaussian', seed: 1, sMaxSq: 30, lambdaMaxFisher: 10, qStar: 0.01 },
  { ...base, qstar: 0.01, init: 'orthogonal', seed: 1, sMaxSq: 1.5, lambdaMaxFisher: 2.5, qStar: 0.01 },
  { ...base, qstar: 0.01, init: 'orthogonal', seed: 2, diverged: true, sMaxSq: NaN, lambdaMaxFisher: NaN },
];

describe('CurvatureScatter', () => {
  it('marks every measured run by init and prints ρ of the logs and of the values', () => {
    const html = renderToStaticMarkup(createElement(CurvatureScatter, { drawing: drawingOf(POINTS, []) }));
    expect(html.match(/data-testid="curvature-point"/g)).toHaveLength(4);
    const measured = POINTS.slice(0, 4);
    const logRho = pearson(
      measured.map((p) => Math.log(p.sMaxSq!)),
      measured.map((p) => Math.log(p.lambdaMaxFisher!)),
    )!;
    const linearRho = pearson(
      measured.map((p) => p.sMaxSq!),
      measured.map((p) => p.lambdaMaxFisher!),
    )!;
    expect(html).toContain(`log s²_max: <strong>${logRho.toFixed(2)}</strong>`);
    expect(html).toContain(`themselves: <strong>${linearRho.toFixed(2)}</strong> (4 runs`);
    expect(html).toContain('q* = 0.001');
    expect(html).toContain('q* = 0.01');
    expect(html).not.toContain('no q*');
  });
});

describe('LambdaChart', () => {
  it('draws one line per run with curvature steps, named by init and grid cell', () => {
    const curves: SweepCurve[] = [0, 1, 2, 3].map((point) => ({
      point,
      steps: [],
      trainLoss: [],
      curvatureSteps: [0, 50, 100],
      lambdaMax: [1 + point, 2 + point, 3 + point],
    }));
    const html = renderToStaticMarkup(createElement(LambdaChart, { drawing: drawingOf(POINTS, curves) }));
    expect(html.match(/data-testid="lambda-line" data-points="3"/g)).toHaveLength(4);
    for (const label of [
      'Gaussian, q* = 0.001',
      'orthogonal, q* = 0.001',
      'Gaussian, q* = 0.01',
      'orthogonal, q* = 0.01',
    ])
      expect(html).toContain(label);
  });
});
