import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAM_KEYS } from '../config/index.ts';
import { unusedBecause } from './relevance.ts';

describe('controls of parameters that have no effect', () => {
  it('the penalty strength λ counts only under the soft and gain-adjusted penalties', () => {
    for (const orth of ['none', 'stiefel', 'oblique'] as const)
      expect(unusedBecause('olam', { ...DEFAULT_CONFIG, orth })).toMatch(/Not used now/);
    for (const orth of ['soft', 'gain'] as const)
      expect(unusedBecause('olam', { ...DEFAULT_CONFIG, orth })).toBeNull();
  });

  it('every other parameter always counts', () => {
    for (const key of PARAM_KEYS.filter((k) => k !== 'olam'))
      expect(unusedBecause(key, { ...DEFAULT_CONFIG, orth: 'none' }), key).toBeNull();
  });
});
