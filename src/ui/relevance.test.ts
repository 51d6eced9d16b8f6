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

  it('the scale of constrained weights counts only under the Stiefel and Oblique projections', () => {
    for (const orth of ['none', 'soft', 'gain'] as const)
      expect(unusedBecause('oscale', { ...DEFAULT_CONFIG, orth })).toMatch(/Not used now/);
    for (const orth of ['stiefel', 'oblique'] as const)
      expect(unusedBecause('oscale', { ...DEFAULT_CONFIG, orth })).toBeNull();
  });

  it('the depth L counts only for the layered networks: the recurrent one unrolls over 28 rows', () => {
    expect(unusedBecause('L', { ...DEFAULT_CONFIG, arch: 'rnn' })).toMatch(/arch=rnn/);
    expect(unusedBecause('L', { ...DEFAULT_CONFIG, arch: 'mlp' })).toBeNull();
  });

  it('the teacher input dimension d counts only with the teacher–student regression', () => {
    expect(unusedBecause('dim', { ...DEFAULT_CONFIG, data: 'mnist' })).toMatch(/data=teacher/);
    expect(unusedBecause('dim', { ...DEFAULT_CONFIG, data: 'teacher' })).toBeNull();
  });

  it('mirrored initialization counts only for the layered networks', () => {
    expect(unusedBecause('mirror', { ...DEFAULT_CONFIG, arch: 'rnn' })).toMatch(/arch=rnn/);
    expect(unusedBecause('mirror', { ...DEFAULT_CONFIG, arch: 'mlp' })).toBeNull();
  });

  it('every other parameter always counts', () => {
    for (const key of PARAM_KEYS.filter((k) => k !== 'olam' && k !== 'dim' && k !== 'oscale'))
      expect(unusedBecause(key, { ...DEFAULT_CONFIG, orth: 'none' }), key).toBeNull();
  });
});
