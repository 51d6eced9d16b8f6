import { describe, expect, it } from 'vitest';
import { getActivation } from './activations.ts';
import {
  cumulativeDistribution,
  jacobianDensity,
  singularValueDensity,
  spectralMoment,
  type JacobianDensity,
  type WeightInit,
} from './jacobianDensity.ts';
import { jacobianMoments } from './jacobianMoments.ts';
import { fixedPointQ } from './meanField.ts';
import { complex } from './complex.ts';
import { continuousSlopeLaw, referenceSlopeTransform } from './slopeLaw.ts';
import { sampledJacobianEigenvalues } from './testkit/jacobianEigenvalues.ts';

function expectWellFormed(result: JacobianDensity): void {
  expect(result.ok, result.reason).toBe(true);
  for (const array of [result.lambda, result.density, result.logLambda, result.logDensity]) {
    expect(array.length).toBe(result.lambda.length);
    for (const value of array) expect(Number.isFinite(value)).toBe(true);
  }
  for (let i = 1; i < result.lambda.length; i++)
    expect(result.lambda[i]!).toBeGreaterThan(result.lambda[i - 1]!);
  for (const value of result.density) expect(value).toBeGreaterThanOrEqual(0);
}

/** λ at which the distribution function reaches p (linear interpolation on the grid). */
function quantile(result: JacobianDensity, p: number): number {
  const F = cumulativeDistribution(result);
  if (p <= result.atZero) return 0;
  for (let i = 1; i < F.length; i++) {
    if (F[i]! >= p) {
      const f = (p - F[i - 1]!) / (F[i]! - F[i - 1]!);
      return result.lambda[i - 1]! + f * (result.lambda[i]! - result.lambda[i - 1]!);
    }
  }
  return result.lambda[result.lambda.length - 1]!;
}

describe('jacobianDensity: exactly solvable cases', () => {
  it('is a single atom at σ_w^{2L} for a linear network with orthogonal weights', () => {
    const unit = jacobianDensity('linear', 1, 0, 50, 'orthogonal');
    expectWellFormed(unit);
    expect(unit.atoms).toEqual([{ lambda: 1, weight: 1 }]);
    expect(unit.atZero).toBe(0);
    expect(unit.lambda.length).toBe(0);
    expect(unit.support).toEqual([1, 1]);
    const scaled = jacobianDensity('linear', 1.1, 0, 3, 'orthogonal');
    expect(scaled.atoms[0]?.lambda).toBeCloseTo(1.1 ** 3, 12);
    expect(spectralMoment(scaled, 0)).toBeCloseTo(1, 14);
  });

  it.each(['log', 'linear'] as const)(
    'is Marchenko–Pastur √((4 − λ)/λ)/(2π) on [0, 4] for a linear Gaussian layer (%s grid)',
    (scale) => {
      const result = jacobianDensity('linear', 1, 0, 1, 'gaussian', { scale });
      expectWellFormed(result);
      expect(result.support[0]).toBe(0);
      expect(result.support[1]).toBeCloseTo(4, 12);
      let worst = 0;
      for (let i = 0; i < result.lambda.length; i++) {
        const l = result.lambda[i]!;
        const exact = l < 4 ? Math.sqrt((4 - l) / l) / (2 * Math.PI) : 0;
        worst = Math.max(worst, Math.abs(result.density[i]! - exact) / Math.max(exact, 1e-3));
      }
      expect(worst).toBeLessThan(1e-8);
      expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(1e-3);
    },
  );

  it('is Marchenko–Pastur with ratio p = 1/2 plus an atom 1/2 at 0 for one ReLU layer (Gaussian)', () => {
    // JJᵀ = σ_w² D W Wᵀ D: a Wishart matrix of pN rows and N columns padded with zeros.
    const sw2 = 2;
    const p = 0.5;
    const result = jacobianDensity('relu', sw2, 0, 1, 'gaussian');
    expectWellFormed(result);
    expect(result.atZero).toBe(0.5);
    const a = sw2 * (1 - Math.sqrt(p)) ** 2;
    const b = sw2 * (1 + Math.sqrt(p)) ** 2;
    expect(result.support[0]).toBeCloseTo(a, 12);
    expect(result.support[1]).toBeCloseTo(b, 12);
    for (let i = 0; i < result.lambda.length; i++) {
      const l = result.lambda[i]!;
      const exact = l > a && l < b ? Math.sqrt((b - l) * (l - a)) / (2 * Math.PI * sw2 * l) : 0;
      expect(Math.abs(result.density[i]! - exact)).toBeLessThan(1e-7);
    }
    expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(1e-4);
  });

  it('is λ = σ_w² d for one orthogonal tanh layer: its distribution function matches P(σ_w² sech⁴(√q* z) ≤ λ)', () => {
    const sw2 = 1.5;
    const sb2 = 0.05;
    const q = fixedPointQ('tanh', sw2, sb2);
    const result = jacobianDensity('tanh', sw2, sb2, 1, 'orthogonal');
    expectWellFormed(result);
    const F = cumulativeDistribution(result);
    // The density diverges like (σ_w² − λ)^{−1/2} at the top; topMass is the mass beyond the grid.
    // The grid values are exact; integrating them (exponential interpolation of λρ in ln λ) errs by
    // 9e-4 next to the divergence with 300 points (8e-5 with 1000: second order).
    expect(result.topMass).toBeGreaterThan(0);
    expect(result.topMass).toBeLessThan(1e-4);
    expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(1.5e-3);
    for (let i = 0; i < result.lambda.length; i += 10) {
      const l = result.lambda[i]!;
      // sech⁴(√q z) ≤ l/σ_w² ⇔ |z| ≥ acosh((σ_w²/l)^{1/4})/√q
      const z = Math.acosh((sw2 / l) ** 0.25) / Math.sqrt(q);
      const exact = 1 - erfLike(z);
      expect(Math.abs(F[i]! - exact)).toBeLessThan(1.5e-3);
    }
  });

  it('is the arcsine law 1/(2π√(λ(σ_w⁴ − λ))) plus an atom 1/2 at 0 for two orthogonal ReLU layers', () => {
    // JJᵀ = σ_w⁴ P (Q P Qᵀ) P with free projections of trace 1/2: ρ diverges at both edges.
    const result = jacobianDensity('relu', 2, 0, 2, 'orthogonal');
    expectWellFormed(result);
    expect(result.atZero).toBe(0.5);
    expect(result.atoms).toEqual([]);
    expect(result.support[1]).toBeCloseTo(4, 12);
    let worst = 0;
    for (let i = 0; i < result.lambda.length; i++) {
      const l = result.lambda[i]!;
      const exact = 1 / (2 * Math.PI * Math.sqrt(l * (4 - l)));
      worst = Math.max(worst, Math.abs(result.density[i]! / exact - 1));
    }
    // Worst (4e-4) within 1e-8 of the upper edge, where Newton's residual in ln λ (≤ 1e-9) matters.
    expect(worst).toBeLessThan(1e-3);
    expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(1e-3);
  });

  it('has the Fuss–Catalan moments 1, L + 1, … for a linear Gaussian network', () => {
    // m_k = C(k(L+1), k)/(kL + 1): L = 2 gives 1, 3, 12; the upper edge is (L+1)^{L+1}/L^L.
    const two = jacobianDensity('linear', 1, 0, 2, 'gaussian');
    expectWellFormed(two);
    expect(two.support[1]).toBeCloseTo(27 / 4, 12);
    expect(spectralMoment(two, 1)).toBeCloseTo(1, 3);
    expect(spectralMoment(two, 2) / 3).toBeCloseTo(1, 3);
    expect(spectralMoment(two, 3) / 12).toBeCloseTo(1, 3);
    for (const depth of [1, 5, 10, 100]) {
      const result = jacobianDensity('linear', 1, 0, depth, 'gaussian');
      expectWellFormed(result);
      expect(result.support[1]).toBeCloseTo((depth + 1) ** (depth + 1) / depth ** depth, 6);
      expect(Math.abs(spectralMoment(result, 2) / (depth + 1) - 1)).toBeLessThan(1e-3);
    }
  });

  it('computes M_{D²}(x) = E[d/(x − d)] for smooth φ like a brute-force quadrature', () => {
    const act = getActivation('tanh');
    const q = 0.7;
    const law = continuousSlopeLaw(act, q);
    for (const x of [complex(1.3, 0), complex(0.5, 0.4), complex(-0.7, 0.05), complex(2, -1)]) {
      const reference = referenceSlopeTransform(act, q, x);
      const { m, onePlusM } = law.evaluate(x);
      expect(m.re).toBeCloseTo(reference.re, 4);
      expect(m.im).toBeCloseTo(reference.im, 4);
      expect(onePlusM.re).toBeCloseTo(1 + m.re, 12);
      expect(onePlusM.im).toBeCloseTo(m.im, 12);
    }
    // The uniform pieces reproduce E d and E d² exactly.
    const moments = act.gaussianMoments(q);
    expect(law.mean).toBeCloseTo(moments.dphiSq, 12);
    expect(law.secondMoment).toBeCloseTo(moments.dphi4, 12);
  });
});

/** P(|z| ≤ t) for z ~ N(0, 1), by Simpson's rule (independent of the engine's erf). */
function erfLike(t: number): number {
  const n = 2000;
  const h = t / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(-((i * h) ** 2) / 2);
  }
  return (2 * sum * h) / 3 / Math.sqrt(2 * Math.PI);
}

describe('jacobianDensity: point masses', () => {
  it('puts 1 − p at zero for ReLU and hard-tanh, and σ_w² with weight p for one orthogonal ReLU layer', () => {
    const relu = jacobianDensity('relu', 2, 0, 10, 'gaussian');
    expect(relu.atZero).toBe(0.5);
    expect(relu.atoms).toEqual([]);
    const one = jacobianDensity('relu', 2, 0, 1, 'orthogonal');
    expectWellFormed(one);
    expect(one.atoms).toEqual([{ lambda: 2, weight: 0.5 }]);
    expect(one.lambda.length).toBe(0);
    const q = fixedPointQ('hardtanh', 1.2, 0.05);
    const p = getActivation('hardtanh').linearFraction!(q);
    expect(jacobianDensity('hardtanh', 1.2, 0.05, 10, 'orthogonal').atZero).toBeCloseTo(1 - p, 14);
  });

  it('keeps an atom of weight 1 − L(1 − p) at σ_w^{2L} for orthogonal hard-tanh near p = 1', () => {
    const sw2 = 1.05;
    const sb2 = 1e-4;
    const q = fixedPointQ('hardtanh', sw2, sb2);
    const p = getActivation('hardtanh').linearFraction!(q);
    const result = jacobianDensity('hardtanh', sw2, sb2, 10, 'orthogonal');
    expectWellFormed(result);
    expect(result.atoms.length).toBe(1);
    expect(result.atoms[0]!.lambda).toBeCloseTo(sw2 ** 10, 12);
    expect(result.atoms[0]!.weight).toBeCloseTo(1 - 10 * (1 - p), 12);
    // The continuous part lies below the atom.
    expect(result.support[1]).toBeLessThan(sw2 ** 10);
    expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(1e-3);
  });
});

// Tolerances: the continuous part is tabulated on 300 points and integrated with exponential
// interpolation of λρ in ln λ; the error is dominated by the square-root upper edge and is ~1e-4
// on the mass and the first two moments in every case below (worst seen: 1.3e-3 on the variance of
// tanh, orthogonal, L = 10, whose narrow spectrum puts more weight on the edge). The laws of d
// reproduce μ₁ and μ₂ exactly, so any systematic error would be the solver's: 3e-3 on the mass and
// 1% on the moments leave room for the discretization and none for a wrong branch (which changes
// the moments by O(1)).
const CASES: readonly [string, number, number, number, WeightInit][] = [
  ['tanh', 1.05, 2.01e-5, 10, 'gaussian'],
  ['tanh', 1.05, 2.01e-5, 10, 'orthogonal'],
  ['tanh', 1.05, 2.01e-5, 100, 'gaussian'],
  ['tanh', 1.05, 2.01e-5, 100, 'orthogonal'],
  ['tanh', 1.05, 2.01e-5, 1000, 'orthogonal'],
  ['tanh', 1.05, 2.01e-5, 1000, 'gaussian'],
  ['tanh', 1.5, 0.05, 20, 'gaussian'],
  ['relu', 2, 0, 1, 'gaussian'],
  ['relu', 2, 0, 10, 'gaussian'],
  ['relu', 2, 0, 10, 'orthogonal'],
  ['relu', 2, 0, 1000, 'orthogonal'],
  ['hardtanh', 1.2, 0.05, 10, 'gaussian'],
  ['hardtanh', 1.2, 0.05, 10, 'orthogonal'],
  ['hardtanh', 1.3, 0.05, 100, 'orthogonal'],
  ['erf', 1.5, 0.05, 20, 'orthogonal'],
  ['erf', 1.2, 0.01, 50, 'gaussian'],
  ['linear', 1, 0, 1000, 'gaussian'],
  ['linear', 1.2, 0, 30, 'gaussian'],
];

describe('jacobianDensity: normalization and moments', () => {
  it.each(CASES)(
    '%s (σ_w² = %f, σ_b² = %f), L = %i, %s: mass 1, mean and variance of jacobianMoments',
    (act, sw2, sb2, depth, init) => {
      const result = jacobianDensity(act as 'tanh', sw2, sb2, depth, init);
      expectWellFormed(result);
      expect(Math.abs(spectralMoment(result, 0) - 1)).toBeLessThan(3e-3);
      const predicted = jacobianMoments(act as 'tanh', sw2, sb2, depth)[init];
      const m1 = spectralMoment(result, 1);
      const m2 = spectralMoment(result, 2);
      expect(Math.abs(m1 / predicted.meanSq - 1)).toBeLessThan(0.01);
      expect(Math.abs((m2 - m1 * m1) / predicted.variance - 1)).toBeLessThan(0.01);
    },
  );

  it('has a smaller variance with orthogonal than with Gaussian weights (tanh at (1.05, 2.01e-5))', () => {
    for (const depth of [10, 100]) {
      const variance = (init: WeightInit): number => {
        const result = jacobianDensity('tanh', 1.05, 2.01e-5, depth, init);
        const m1 = spectralMoment(result, 1);
        return spectralMoment(result, 2) - m1 * m1;
      };
      expect(variance('orthogonal')).toBeLessThan(variance('gaussian') / 50);
    }
  });

  it('reports the mass it could not represent below λ = 1e-300 (deep Gaussian networks)', () => {
    // λ^{1/L} is close to uniform on [0, 1] for a deep linear Gaussian network (Fuss–Catalan), so
    // about half the eigenvalues at L = 1000 lie below 2^{−1000} ≈ 1e-301.
    const result = jacobianDensity('linear', 1, 0, 1000, 'gaussian');
    expectWellFormed(result);
    expect(result.lambda[0]!).toBeGreaterThanOrEqual(1e-300);
    expect(result.tailMass).toBeGreaterThan(0.45);
    expect(result.tailMass).toBeLessThan(0.55);
  });

  it('transforms to the singular-value density ρ_s(s) = 2s ρ(s²), which integrates to the same mass', () => {
    const result = jacobianDensity('tanh', 1.05, 2.01e-5, 10, 'orthogonal', { scale: 'linear' });
    const { s, density } = singularValueDensity(result);
    let mass = 0;
    for (let i = 1; i < s.length; i++) mass += 0.5 * (density[i]! + density[i - 1]!) * (s[i]! - s[i - 1]!);
    expect(mass).toBeCloseTo(1, 2);
    expect(s[10]! ** 2).toBeCloseTo(result.lambda[10]!, 14);
  });
});

describe('jacobianDensity: failures and grids', () => {
  it('says why instead of returning nonsense', () => {
    const tiny = jacobianDensity('tanh', 0.05, 0, 1000, 'gaussian');
    // σ_w² = 0.05, σ_b² = 0: q* = 0, χ₁ = 0.05, so every λ is about 0.05^1000 ≈ 1e-1301.
    expect(tiny.ok).toBe(false);
    expect(tiny.reason).toMatch(/below the double range/);
    expect(tiny.lambda.length).toBe(0);
  });

  it('returns about the requested number of points', () => {
    const result = jacobianDensity('tanh', 1.05, 2.01e-5, 200, 'gaussian', { points: 250 });
    expect(result.lambda.length).toBeGreaterThan(200);
    expect(result.lambda.length).toBeLessThanOrEqual(250);
  });

  it('rejects depths that are not positive integers', () => {
    expect(() => jacobianDensity('tanh', 1, 0.1, 0, 'gaussian')).toThrow(RangeError);
  });
});

// Monte Carlo: 6 networks of width 150. The overall scale of a finite network's spectrum
// fluctuates from seed to seed by ~10% (hence the 10% on the mean in jacobianMoments.test.ts), so
// quantiles are compared relative to each sample's mean eigenvalue. Seen: < 0.5% for orthogonal
// tanh, < 6% for orthogonal ReLU (heavier tail, stronger finite-size effects) at these quantiles.
describe('jacobianDensity against sampled networks', () => {
  it.each([
    ['tanh', 1.05, 2.01e-5, 8, 'orthogonal', 0.02],
    ['relu', 2, 0, 4, 'orthogonal', 0.1],
  ] as const)(
    '%s (σ_w² = %f, σ_b² = %f), L = %i, %s: quantiles relative to the mean',
    (name, sw2, sb2, depth, init, tolerance) => {
      const act = getActivation(name);
      const qStar = fixedPointQ(act, sw2, sb2);
      const result = jacobianDensity(act, sw2, sb2, depth, init);
      const mean = spectralMoment(result, 1);
      const levels = [0.7, 0.8, 0.9];
      const sampled = levels.map(() => 0);
      const seeds = 6;
      for (let seed = 0; seed < seeds; seed++) {
        const eigenvalues = sampledJacobianEigenvalues(
          act,
          init,
          sw2,
          sb2,
          Number.isFinite(qStar) ? qStar : 1,
          150,
          depth,
          300 + seed,
        );
        const sampleMean = eigenvalues.reduce((s, x) => s + x, 0) / eigenvalues.length;
        levels.forEach((p, k) => {
          sampled[k]! += eigenvalues[Math.floor(p * eigenvalues.length)]! / sampleMean / seeds;
        });
      }
      levels.forEach((p, k) => {
        expect(Math.abs(sampled[k]! / (quantile(result, p) / mean) - 1)).toBeLessThan(tolerance);
      });
    },
  );
});
