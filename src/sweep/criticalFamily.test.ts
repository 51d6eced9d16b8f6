import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { chi1, fixedPointQ } from '../theory/index.ts';
import { SweepDefinitionError } from './axis.ts';
import { parseSweepQuery, sweepDefinition, sweepQuery } from './definition.ts';
import { planSweep } from './plan.ts';

const BASE: LabConfig = { ...DEFAULT_CONFIG, data: 'teacher', L: 4, N: 16, init: 'both', seeds: 1 };

describe('the q* axis (a critical family)', () => {
  it('sets σ_w² and σ_b² of each point to the critical pair with that fixed point', () => {
    const plan = planSweep(sweepDefinition(BASE, ['qstar=1e-3..0.0625:3:log']));
    expect(plan.points).toHaveLength(3 * 2);
    for (const point of plan.points) {
      const qStar = point.values.qstar as number;
      const { sw2, sb2 } = point.config;
      expect(point.values.sw2).toBe(sw2);
      expect(point.values.sb2).toBe(sb2);
      expect(chi1('tanh', sw2, qStar)).toBeCloseTo(1, 9);
      expect(fixedPointQ('tanh', sw2, sb2) / qStar).toBeCloseTo(1, 8);
    }
    // Three different networks: one program each.
    expect(plan.groups).toHaveLength(3);
  });

  it('follows a swept activation, and pairs with other axes', () => {
    const plan = planSweep(sweepDefinition(BASE, ['act=tanh,erf', 'qstar=0.01,0.1']));
    const pairs = plan.points
      .filter((point) => point.init === 'gaussian')
      .map((point) => [point.config.act, point.values.qstar, point.config.sw2]);
    expect(pairs.map((p) => p.slice(0, 2))).toEqual([
      ['tanh', 0.01],
      ['tanh', 0.1],
      ['erf', 0.01],
      ['erf', 0.1],
    ]);
    // erf is scaled to φ′(0) = 1 like tanh but saturates differently: other σ_w² at the same q*.
    expect(pairs[1]![2]).not.toBe(pairs[3]![2]);
    const orth = planSweep(sweepDefinition(BASE, ['orth=none,stiefel', 'qstar=0.01,0.1']));
    expect(orth.groups).toHaveLength(4);
  });

  it('round-trips through its link', () => {
    const query = sweepQuery(sweepDefinition(BASE, ['orth=none,stiefel', 'qstar=9e-4,0.015625']));
    expect(query).toContain('over=qstar=9e-4,0.015625');
    const again = parseSweepQuery(query).definition;
    expect(sweepQuery(again)).toBe(query);
    expect(again.axes[1]!.values).toEqual([9e-4, 0.015625]);
  });

  it('refuses what has no critical pair, and σ_w² or σ_b² beside it', () => {
    const refusal = (over: string[], base: LabConfig = BASE) => {
      try {
        sweepDefinition(base, over);
      } catch (error) {
        expect(error).toBeInstanceOf(SweepDefinitionError);
        return (error as Error).message;
      }
      return null;
    };
    expect(refusal(['qstar=0.01,0.1'], { ...BASE, act: 'relu' })).toMatch(/relu has no critical family/);
    expect(refusal(['act=tanh,linear', 'qstar=0.01'])).toMatch(/linear has no critical family/);
    expect(refusal(['qstar=0.01', 'sb2=0,0.1'])).toMatch(/set by qstar/);
    expect(refusal(['qstar=5'])).toMatch(/needs sw2 = .* outside 0.05 … 4/);
    expect(refusal(['qstar=0,0.1'])).toMatch(/qstar=0 is outside/);
  });
});
