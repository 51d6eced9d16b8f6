import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.ts';
import { spectrumFromScaled } from '../../engine/jacobianSummary.ts';
import { jacobianMoments } from '../../theory/index.ts';
import { formatQuantity } from '../../ui/format.ts';
import { TheoryReadout } from '../TheoryReadout.tsx';
import { SpectrumPanel } from './SpectrumPanel.tsx';
import type { JacobianDepth } from './jacobianDepth.ts';

/**
 * Both panels must take the Jacobian depth from jacobianDepth: it is replaced here by one that
 * answers a depth no configuration gives (7 at L = 50) and a marked note, and both panels must
 * show exactly those.
 */
const SENTINEL: JacobianDepth = {
  layers: 7,
  hiddenLayers: 50,
  inputSize: 784,
  width: 128,
  note: 'NOTE-FROM-jacobianDepth',
};
const calls = vi.hoisted(() => ({ count: 0, answer: null as JacobianDepth | null }));
vi.mock('./jacobianDepth.ts', () => ({
  jacobianDepth: () => {
    calls.count += 1;
    return calls.answer;
  },
}));

// One spectrum snapshot at step 0, so that the panel draws its table (the store's own initial
// state has none).
vi.mock('../../state/training.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../state/training.ts')>();
  const run = (runId: number, init: 'gaussian' | 'orthogonal') =>
    spectrumFromScaled(
      { runId, init, seed: 1, lr: 0.05 },
      'fixed-point',
      7,
      2,
      1,
      0,
      Float64Array.from({ length: 8 }, (_, i) => 1 / (i + 1)),
    );
  const state = {
    ...original.useTraining.getState(),
    spectra: [{ step: 0, seconds: 0.1, spectra: [run(0, 'gaussian'), run(1, 'orthogonal')] }],
    spectrumSkipped: null,
  };
  return { ...original, useTraining: (select: (s: typeof state) => unknown) => select(state) };
});

function cell(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html);
  if (!match) throw new Error(`no ${testId} in the markup`);
  return match[1]!;
}

describe('the readout and the spectrum panel', () => {
  const { act, sw2, sb2 } = DEFAULT_CONFIG;
  const expected = jacobianMoments(act, sw2, sb2, SENTINEL.layers);

  it('both read the Jacobian depth and its note from jacobianDepth', () => {
    calls.answer = SENTINEL;
    calls.count = 0;
    const readout = renderToStaticMarkup(createElement(TheoryReadout));
    expect(calls.count).toBeGreaterThan(0);
    expect(readout).toContain(SENTINEL.note);
    expect(readout).toContain('over 7 square hidden layers');
    expect(cell(readout, 'variance-gaussian')).toBe(formatQuantity(expected.gaussian.variance));
    expect(cell(readout, 'variance-orthogonal')).toBe(formatQuantity(expected.orthogonal.variance));

    calls.count = 0;
    const panel = renderToStaticMarkup(createElement(SpectrumPanel));
    expect(calls.count).toBeGreaterThan(0);
    expect(cell(panel, 'spectrum-depth-note')).toBe(SENTINEL.note);
    expect(cell(panel, 'spectrum-theory-variance-gaussian')).toBe(formatQuantity(expected.gaussian.variance));
    expect(cell(panel, 'spectrum-theory-variance-orthogonal')).toBe(
      formatQuantity(expected.orthogonal.variance),
    );
  });

  it('show no Jacobian moments where there is no square layer, and say why', () => {
    calls.answer = { ...SENTINEL, layers: 0, note: 'NO-SQUARE-LAYER' };
    const readout = renderToStaticMarkup(createElement(TheoryReadout));
    expect(readout).toContain('NO-SQUARE-LAYER');
    expect(readout).not.toContain('variance-gaussian');
    expect(readout).not.toContain('square hidden layer');
    const panel = renderToStaticMarkup(createElement(SpectrumPanel));
    expect(cell(panel, 'spectrum-theory-variance-gaussian')).toBe('—');
  });
});
