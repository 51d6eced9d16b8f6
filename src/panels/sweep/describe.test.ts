import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../experiments/registry.ts';
import { DEFAULT_CONFIG } from '../../config/index.ts';
import { parseSweepQuery, sweepDefinition } from '../../sweep/definition.ts';
import { describeSweep, formatDuration, runCount } from './describe.ts';

describe('describeSweep', () => {
  it('names the grid and counts grid × inits × seeds', () => {
    const { definition } = parseSweepQuery(
      '?act=tanh&L=5&N=32&init=both&seeds=3&data=teacher&steps=100&over=lr=0.001..1:7:log&over=L=2,4',
    );
    expect(runCount(definition)).toBe(7 * 2 * 2 * 3);
    const text = describeSweep(definition);
    expect(text).toContain('η ∈ {0.001 … 1 (7 values, log)}');
    expect(text).toContain('L ∈ {2, 4}');
    expect(text).toContain('N = 32');
    expect(text).toContain('teacher task');
    expect(text).toMatch(/Gaussian and orthogonal × 3 seeds: 84 runs$/);
  });

  it('describes every named experiment', () => {
    for (const named of EXPERIMENTS) {
      const { definition } = parseSweepQuery(named.query);
      expect(describeSweep(definition)).toMatch(/: \d+ runs?$/);
    }
  });
});

describe('formatDuration', () => {
  it('says seconds, minutes and hours', () => {
    expect(formatDuration(3.25)).toBe('3.3 s');
    expect(formatDuration(44.6)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(180)).toBe('3 min');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(NaN)).toBe('—');
  });
});

describe('describing the networks of other sweeps', () => {
  it('names the recurrent network instead of a depth it does not use, and the critical family', () => {
    const rnn = describeSweep(sweepDefinition({ ...DEFAULT_CONFIG, arch: 'rnn' }, ['orth=none,gain']));
    expect(rnn).toContain('recurrent, 28 steps (rows)');
    expect(rnn).not.toMatch(/L = 50/);
    const family = describeSweep(sweepDefinition(DEFAULT_CONFIG, ['qstar=0.01,0.1']));
    expect(family).toContain('σ_w² critical at q*');
    expect(family).toContain('q* fixed point of a critical initialization ∈ {0.01, 0.1}');
  });
});
