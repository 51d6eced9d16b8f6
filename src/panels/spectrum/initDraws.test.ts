import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import { inputScaling } from '../../engine/inputScaling.ts';
import { DRAW_SECONDS_BUDGET, NETWORKS_AT_INIT, drawSeconds, initDrawPlan } from './initDraws.ts';
import { jacobianDepth } from './jacobianDepth.ts';

const plan = (overrides: Partial<LabConfig>, probe: 'fixed-point' | 'data' = 'fixed-point') => {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  return initDrawPlan(config, jacobianDepth(config), probe);
};

describe('initDrawPlan', () => {
  it('draws the networks of the next seeds on the default link, within the time budget', () => {
    const drawn = plan({});
    if (!('spec' in drawn)) throw new Error(`expected draws, got: ${drawn.none}`);
    const { act, sw2, sb2, seed, seeds } = DEFAULT_CONFIG;
    expect(drawn.firstSeed).toBe(seed + seeds);
    expect(drawn.count).toBe(NETWORKS_AT_INIT - seeds);
    expect(drawn.spec).toEqual({
      act,
      sw2,
      sb2,
      width: 128,
      depth: 49,
      firstLayer: 2,
      q: inputScaling(act, sw2, sb2).q1,
      inits: ['gaussian', 'orthogonal'],
    });
    expect(drawn.count * drawSeconds(128, 49, drawn.spec.inits)).toBeLessThanOrEqual(DRAW_SECONDS_BUDGET);
  });

  it('fills up to the same number of networks whatever the seeds, one init alone included', () => {
    const drawn = plan({ seeds: 4, init: 'orthogonal' });
    if (!('spec' in drawn)) throw new Error('expected draws');
    expect(drawn.count).toBe(NETWORKS_AT_INIT - 4);
    expect(drawn.spec.inits).toEqual(['orthogonal']);
  });

  it('draws fewer where one draw costs more, and none where too few would fit', () => {
    const wide = plan({ N: 192 });
    const seconds = drawSeconds(192, 49, ['gaussian', 'orthogonal']);
    if (!('spec' in wide)) throw new Error('expected draws');
    expect(wide.count).toBe(Math.floor(DRAW_SECONDS_BUDGET / seconds));
    expect(wide.count).toBeLessThan(NETWORKS_AT_INIT - 1);
    expect(plan({ N: 512 })).toEqual({ none: expect.stringMatching(/would take ≈ \d+ s/) });
  });

  it('says why it draws none', () => {
    expect(plan({}, 'data')).toEqual({ none: expect.stringContaining('held-out example') });
    expect(plan({ orth: 'stiefel' })).toEqual({ none: expect.stringContaining('projected') });
    expect(plan({ L: 1 })).toEqual({ none: expect.stringContaining('no square hidden layer') });
    expect(plan({ arch: 'rnn' })).toEqual({ none: expect.stringContaining('recurrent') });
  });
});
