import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.ts';
import type { SweepPoint } from '../../sweep/types.ts';
import type { SweepDrawing } from './drawing.ts';
import { SampleSizeChart } from './SampleSizeChart.tsx';

const NS = [64, 256, 1024];
const base = { tau: null, diverged: false, divergedAtStep: null, finalLoss: null, stepsTrained: 100 };
/** Held-out MSE = noise² + c·n^slope, exactly, for both inits. */
const points: SweepPoint[] = (['0', '1'] as const).flatMap((mirror) =>
  (['gaussian', 'orthogonal'] as const).flatMap((init) =>
    NS.map((ntrain) => ({
      ...base,
      init,
      seed: 1,
      ntrain,
      mirror,
      finalTestLoss: 0.01 + (mirror === '1' ? 0.5 * ntrain ** -0.5 : 2 * ntrain ** -0.25),
    })),
  ),
);

const drawing: SweepDrawing = {
  kind: 'error-vs-n',
  axes: [
    { key: 'ntrain', label: 'n training examples', log: true, values: NS },
    { key: 'mirror', label: 'mirrored initialization', log: false, values: ['0', '1'] },
  ],
  bestOver: null,
  measure: 'tau',
  config: { ...DEFAULT_CONFIG, data: 'teacher', dim: 8, lm: 'test' },
  threshold: { metric: 'test', value: 0.1 },
  steps: 2000,
  points,
  curves: [],
};

describe('SampleSizeChart', () => {
  const html = renderToStaticMarkup(createElement(SampleSizeChart, { drawing }));

  it('draws one line of three points per (mirror, init)', () => {
    for (const id of ['0-gaussian', '0-orthogonal', '1-gaussian', '1-orthogonal'])
      expect(html).toMatch(new RegExp(`data-testid="sample-size-${id}" data-points="3"`));
  });

  it('prints the fitted slopes of the excess error in the legend, and both guides with their rates', () => {
    expect(html.match(/standard, (Gaussian|orthogonal): slope −0\.25/g)).toHaveLength(2);
    expect(html.match(/mirrored, (Gaussian|orthogonal): slope −0\.50/g)).toHaveLength(2);
    expect(html).toContain('data-testid="sample-size-guide-0"');
    expect(html).toContain('data-testid="sample-size-guide-1"');
    expect(html).toContain('guide n^(−3/(d+3)) = n^−0.27, d = 8 (standard)');
    expect(html).toContain('guide n^−½ (mirrored');
    expect(html).toContain('noise² (0.01)');
  });
});
