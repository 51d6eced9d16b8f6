import { describe, expect, it } from 'vitest';
import { spectrumFromScaled } from '../../engine/jacobianSummary.ts';
import { buildSpectra } from './model.ts';
import { spreadNote, type DrawStatus } from './spreadNote.ts';

const run = (runId: number, values: number[]) =>
  spectrumFromScaled(
    { runId, init: 'gaussian', seed: runId, lr: 0.1 },
    'fixed-point',
    4,
    2,
    1,
    0,
    Float64Array.from(values),
  );

const plan = {
  spec: {
    act: 'tanh' as const,
    sw2: 1.05,
    sb2: 2e-5,
    width: 128,
    depth: 49,
    firstLayer: 2,
    q: 1e-4,
    inits: ['gaussian' as const],
  },
  firstSeed: 2,
  count: 8,
};
const status = (done: number, atInit = true): DrawStatus => ({ plan, done, error: null, atInit });

describe('spreadNote', () => {
  const one = run(0, [2, 1, 0.5]);
  it('names the networks and seeds behind a range at initialization, and the draws still to come', () => {
    const draws = { gaussian: [run(1, [3, 1, 0.1]), run(2, [1, 1, 1])] };
    const spectra = buildSpectra([one], {}, 'sq', 'log', { step: 0, draws });
    const note = spreadNote(spectra, status(2), 128);
    expect(note).toContain('smallest–largest over 3 networks at initialization, this one and 2 more');
    expect(note).toContain('seeds 2–3');
    expect(note).toContain('drawing 8 more networks in the background, 2 done');
    expect(spreadNote(spectra, status(8), 128)).not.toContain('drawing');
  });

  it('says when the interval is a bootstrap, and why no network is drawn during training', () => {
    const training = buildSpectra([one], {}, 'sq', 'log', { step: 50 });
    expect(spreadNote(training, status(8, false), 128)).toMatch(
      /^Grey: a 90% bootstrap interval over the 3 eigenvalues of this one network.*during training no new network can be drawn/,
    );
    const seeds = buildSpectra([one, run(1, [1, 1, 1])], {}, 'sq', 'log', { step: 50 });
    expect(spreadNote(seeds, status(8, false), 128)).toBe(
      'Grey: smallest–largest over the 2 seeds of each init. During training no new network can be drawn. ' +
        'The step-0 snapshot shows the spread over 10 networks at initialization.',
    );
    const none: DrawStatus = { plan: { none: 'reason X' }, done: 0, error: null, atInit: true };
    expect(spreadNote(buildSpectra([one], {}, 'sq', 'log'), none, 128)).toContain(
      'no extra networks drawn: reason X',
    );
  });
});
