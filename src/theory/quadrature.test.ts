import { describe, expect, it } from 'vitest';
import {
  gaussHermiteRule,
  gaussLegendreRule,
  gaussianExpectation,
  integrateOnInterval,
} from './quadrature.ts';
import { erf, erfc } from './specialFunctions.ts';
import { symmetricTridiagonalEigenvalues } from './tridiagonalEigen.ts';
import { referenceGaussianExpectation } from './testkit/integrate.ts';

function doubleFactorial(k: number): number {
  let product = 1;
  for (let i = k; i > 1; i -= 2) product *= i;
  return product;
}

describe('symmetricTridiagonalEigenvalues', () => {
  it('finds the eigenvalues of the discrete Laplacian, 2 − 2cos(kπ/(n+1))', () => {
    const n = 12;
    const eigenvalues = symmetricTridiagonalEigenvalues(
      new Array<number>(n).fill(2),
      new Array<number>(n - 1).fill(-1),
    );
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expected.forEach((value, k) => expect(eigenvalues[k]).toBeCloseTo(value, 13));
  });

  it('handles 1×1 and already-diagonal matrices', () => {
    expect(Array.from(symmetricTridiagonalEigenvalues([3], []))).toEqual([3]);
    expect(Array.from(symmetricTridiagonalEigenvalues([3, -1, 2], [0, 0]))).toEqual([-1, 2, 3]);
  });
});

describe('gaussHermiteRule', () => {
  it.each([1, 2, 3, 5, 10, 20, 40])(
    'with n = %i is exact for E z^{2k} = (2k−1)!! up to degree 2n − 1',
    (n) => {
      const rule = gaussHermiteRule(n);
      for (let degree = 0; degree <= 2 * n - 1; degree++) {
        const exact = degree % 2 === 1 ? 0 : doubleFactorial(degree - 1);
        // Odd moments cancel to 0 between terms of size ~ E|z|^degree ≲ degree!!.
        const scale = Math.max(1, degree % 2 === 1 ? doubleFactorial(degree) : exact);
        const value = gaussianExpectation((z) => z ** degree, rule);
        expect(Math.abs(value - exact)).toBeLessThanOrEqual(1e-13 * scale);
      }
    },
  );

  it('is not exact at degree 2n (so the test above can tell)', () => {
    const n = 5;
    const value = gaussianExpectation((z) => z ** (2 * n), gaussHermiteRule(n));
    expect(Math.abs(value - doubleFactorial(2 * n - 1))).toBeGreaterThan(1);
  });

  it('returns symmetric nodes and positive weights summing to 1, cached per n', () => {
    const rule = gaussHermiteRule(96);
    const n = rule.nodes.length;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      expect(rule.nodes[i]).toBeCloseTo(-(rule.nodes[n - 1 - i] as number), 12);
      expect(rule.weights[i]).toBeGreaterThan(0);
      sum += rule.weights[i] as number;
    }
    expect(sum).toBeCloseTo(1, 14);
    expect(gaussHermiteRule(96)).toBe(rule);
  });

  it('matches an independent integration for a smooth non-polynomial', () => {
    const f = (z: number): number => Math.cos(z) * Math.tanh(0.5 * z + 0.2);
    expect(gaussianExpectation(f)).toBeCloseTo(referenceGaussianExpectation(f), 12);
    // E cos(z) = e^{−1/2}
    expect(gaussianExpectation(Math.cos)).toBeCloseTo(Math.exp(-0.5), 14);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => gaussHermiteRule(0)).toThrow(RangeError);
    expect(() => gaussHermiteRule(2.5)).toThrow(RangeError);
  });
});

describe('gaussLegendreRule', () => {
  it('integrates x^k on [−1, 1] exactly up to degree 2n − 1', () => {
    const rule = gaussLegendreRule(8);
    for (let k = 0; k <= 15; k++) {
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      expect(integrateOnInterval((x) => x ** k, -1, 1, rule)).toBeCloseTo(exact, 13);
    }
  });
});

describe('erf and erfc', () => {
  it('agree with (2/√π)∫₀ˣ e^{−t²} dt by Gauss–Legendre', () => {
    for (const x of [0.01, 0.3, 1, 2.2, 2.9999, 3.0001, 4.5]) {
      const integral =
        (2 / Math.sqrt(Math.PI)) * integrateOnInterval((t) => Math.exp(-t * t), 0, x, gaussLegendreRule(60));
      expect(erf(x)).toBeCloseTo(integral, 14);
      expect(erf(-x)).toBe(-erf(x));
    }
  });

  it('keep relative accuracy in the far tail (published values)', () => {
    expect(erfc(3) / 2.209049699858544e-5 - 1).toBeLessThan(1e-13);
    expect(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(1e-13);
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erfc(-Infinity)).toBe(2);
  });
});
