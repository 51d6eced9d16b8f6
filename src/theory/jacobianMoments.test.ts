import { describe, expect, it } from 'vitest';
import { getActivation } from './activations.ts';
import { jacobianMoments, sMaxSquared } from './jacobianMoments.ts';
import { fixedPointQ } from './meanField.ts';
import { sampledJacobianMoments } from './testkit/sampledJacobian.ts';

describe('jacobianMoments', () => {
  it('gives variance L (Gaussian) and 0 (orthogonal) for a linear network at σ_w² = 1', () => {
    for (const depth of [1, 10, 200]) {
      const moments = jacobianMoments('linear', 1, 0, depth);
      expect(moments.gaussian.meanSq).toBe(1);
      expect(moments.gaussian.variance).toBeCloseTo(depth, 12);
      expect(moments.orthogonal.variance).toBe(0);
    }
  });

  it('scales the mean as χ₁^L and the variance as χ₁^{2L}·L(μ₂/μ₁² − 1 − s₁)', () => {
    const act = getActivation('tanh');
    const q = fixedPointQ(act, 1.3, 0.05);
    const mu1 = act.meanDphiSq(q);
    const mu2 = act.meanDphi4(q);
    const chi = 1.3 * mu1;
    const moments = jacobianMoments(act, 1.3, 0.05, 7);
    expect(moments.chi1).toBeCloseTo(chi, 14);
    expect(moments.gaussian.meanSq).toBeCloseTo(chi ** 7, 14);
    expect(moments.gaussian.variance).toBeCloseTo(chi ** 14 * 7 * (mu2 / mu1 ** 2), 12);
    expect(moments.orthogonal.variance).toBeCloseTo(chi ** 14 * 7 * (mu2 / mu1 ** 2 - 1), 12);
  });

  it('reduces to L/p (Gaussian) and L(1 − p)/p (orthogonal) for piecewise-linear φ at χ₁ = 1 (Hlav §3)', () => {
    const relu = jacobianMoments('relu', 2, 0, 50);
    expect(relu.gaussian.variance).toBeCloseTo(50 / 0.5, 10);
    expect(relu.orthogonal.variance).toBeCloseTo(50, 10);
  });

  it('says when it holds', () => {
    expect(jacobianMoments('tanh', 1.05, 2.01e-5, 10).holds).toMatch(/infinite width/i);
    expect(jacobianMoments('relu', 3, 0.1, 10).holds).toMatch(/any input length/);
  });

  it('rejects depths that are not positive integers', () => {
    expect(() => jacobianMoments('tanh', 1, 0.1, 0)).toThrow(RangeError);
    expect(() => jacobianMoments('tanh', 1, 0.1, 2.5)).toThrow(RangeError);
  });

  // Monte Carlo: width 200, 6 seeds. Finite-width corrections are O(L/N) and the seed-to-seed
  // spread a few percent, so the tolerances are 10% on the mean and 12% on the normalized variance
  // Var/mean²; a missing χ₁^L would be off by 40% (σ_w² = 1.3), a wrong s₁ by a factor ≥ 5.
  it.each([
    ['gaussian', 1.3, 0.05, 4],
    ['orthogonal', 1.3, 0.05, 4],
    ['gaussian', 1.05, 2.01e-5, 6],
    ['orthogonal', 1.05, 2.01e-5, 6],
  ] as const)('matches sampled tanh networks (%s, σ_w² = %f, σ_b² = %f, L = %i)', (init, sw2, sb2, depth) => {
    const act = getActivation('tanh');
    const theory = jacobianMoments(act, sw2, sb2, depth);
    const seeds = 6;
    let mean = 0;
    let normalizedVariance = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const { m1, m2 } = sampledJacobianMoments(act, init, sw2, sb2, theory.qStar, 200, depth, 1000 + seed);
      mean += m1 / seeds;
      normalizedVariance += (m2 / (m1 * m1) - 1) / seeds;
    }
    const predicted = theory[init];
    expect(Math.abs(mean / predicted.meanSq - 1)).toBeLessThan(0.1);
    expect(Math.abs(normalizedVariance / (predicted.variance / predicted.meanSq ** 2) - 1)).toBeLessThan(
      0.12,
    );
  });
});

describe('sMaxSquared', () => {
  it('follows (σ_w²p)^L (eL/p) and (σ_w²p)^L ((1−p)/p) L^L/(L−1)^{L−1}', () => {
    const relu = sMaxSquared('relu', 2, 0, 10);
    expect(relu?.gaussian).toBeCloseTo(Math.E * 10 * 2, 10);
    expect(relu?.orthogonal).toBeCloseTo(10 ** 10 / 9 ** 9, 10);
    const q = fixedPointQ('hardtanh', 1.2, 0.05);
    const p = getActivation('hardtanh').linearFraction?.(q) ?? NaN;
    const hard = sMaxSquared('hardtanh', 1.2, 0.05, 5);
    expect(hard?.gaussian).toBeCloseTo((1.2 * p) ** 5 * ((Math.E * 5) / p), 10);
    expect(hard?.orthogonal).toBeCloseTo((1.2 * p) ** 5 * ((1 - p) / p) * (5 ** 5 / 4 ** 4), 10);
  });

  it('stays finite at L = 1000 and grows like ((1−p)/p) eL on the critical line', () => {
    const relu = sMaxSquared('relu', 2, 0, 1000);
    expect(Number.isFinite(relu?.gaussian)).toBe(true);
    // L^L/(L−1)^{L−1} = eL(1 − 1/(2L) + …)
    expect((relu?.orthogonal ?? NaN) / (Math.E * 1000)).toBeCloseTo(1 - 1 / 2000, 6);
  });

  it('is clamped to χ₁^L for orthogonal linear networks (all singular values equal)', () => {
    expect(sMaxSquared('linear', 1.1, 0, 20)?.orthogonal).toBeCloseTo(1.1 ** 20, 10);
  });

  it('is null for smooth φ', () => {
    expect(sMaxSquared('tanh', 1, 0.1, 10)).toBeNull();
    expect(sMaxSquared('erf', 1, 0.1, 10)).toBeNull();
  });
});

describe('Jacobian moments at large depth', () => {
  it('overflows to Infinity, never to NaN, and keeps an exact zero variance', () => {
    // ReLU at σ_w² = 4: χ₁ = 2, so χ₁^{2L} = 2^1998 is beyond the double range.
    const deep = jacobianMoments('relu', 4, 0.05, 999);
    expect(deep.gaussian.variance).toBe(Infinity);
    expect(deep.orthogonal.variance).toBe(Infinity);
    expect(jacobianMoments('linear', 4, 0, 999).orthogonal.variance).toBe(0);
    expect(jacobianMoments('linear', 1, 0, 10).gaussian.variance).toBeCloseTo(10, 12);
  });
});
