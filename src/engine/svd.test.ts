import { describe, expect, it } from 'vitest';
import { haarFactor } from './haar.ts';
import { RandomStream } from './random.ts';
import { bidiagonalSingularValues, singularValues } from './svd.ts';
import { symmetricEigenvalues } from '../theory/testkit/jacobianEigenvalues.ts';

function gaussian(seed: number, rows: number, cols: number): Float64Array {
  return new RandomStream(seed, 'svd-test', rows, cols).fillNormal(new Float64Array(rows * cols));
}

/** A square Haar orthogonal matrix (haarFactor returns column-major; orthogonal either way). */
function orthogonal(seed: number, n: number): Float64Array {
  return haarFactor(gaussian(seed, n, n), n, n);
}

/** Row-major U diag(σ) Vᵀ with U, V orthogonal n × n. */
function withSpectrum(sigma: readonly number[], seed: number): Float64Array {
  const n = sigma.length;
  const u = orthogonal(seed, n);
  const v = orthogonal(seed + 1000, n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += u[i * n + k]! * sigma[k]! * v[j * n + k]!;
      a[i * n + j] = sum;
    }
  return a;
}

/** Reference: eigenvalues of the symmetric AᵀA by cyclic Jacobi rotations (a different algorithm), descending. */
function jacobiEigenvaluesOfGram(a: Float64Array, rows: number, cols: number): number[] {
  const n = cols;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < rows; k++) sum += a[k * cols + i]! * a[k * cols + j]!;
      gram[i * n + j] = sum;
    }
  return [...symmetricEigenvalues(gram, n)].reverse();
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('singularValues', () => {
  it('recovers a prescribed spectrum, descending, to ~1e-14', () => {
    const sigma = Array.from({ length: 60 }, (_, i) => Math.exp(-i / 8));
    const values = singularValues(withSpectrum(sigma, 1), 60, 60);
    expect(maxAbsDifference(values, sigma)).toBeLessThan(1e-13);
  });

  it('gives all ones for an orthogonal matrix and |d| sorted for a diagonal one', () => {
    const ones = singularValues(orthogonal(3, 50), 50, 50);
    expect(maxAbsDifference(ones, new Float64Array(50).fill(1))).toBeLessThan(1e-13);
    const diagonal = new Float64Array(16);
    [3, -7, 0, 0.5].forEach((d, i) => (diagonal[i * 4 + i] = d));
    expect(Array.from(singularValues(diagonal, 4, 4))).toEqual([7, 3, 0.5, 0]);
  });

  it('keeps Σσ² = ‖A‖_F² and matches the eigenvalues of AᵀA computed by Jacobi rotations', () => {
    for (const [rows, cols] of [
      [40, 40],
      [45, 20],
      [20, 45],
    ] as const) {
      const a = gaussian(rows * cols, rows, cols);
      const values = singularValues(a, rows, cols);
      expect(values).toHaveLength(Math.min(rows, cols));
      let frobenius = 0;
      for (const x of a) frobenius += x * x;
      expect(values.reduce((s, x) => s + x * x, 0)).toBeCloseTo(frobenius, 9);
      // AAᵀ and AᵀA share their non-zero eigenvalues: use the smaller Gram matrix.
      const tall = rows >= cols;
      const t = new Float64Array(a.length);
      if (!tall)
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
      const reference = jacobiEigenvaluesOfGram(tall ? a : t, Math.max(rows, cols), Math.min(rows, cols));
      const squared = Array.from(values, (x) => x * x);
      expect(maxAbsDifference(squared, reference)).toBeLessThan(1e-10 * reference[0]!);
    }
  });

  it('handles rank deficiency, exact zeros, tiny and huge scales, and non-finite input', () => {
    // Rank 2 in 5 × 5.
    const u = gaussian(7, 5, 2);
    const v = gaussian(8, 2, 5);
    const low = new Float64Array(25);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) low[i * 5 + j] = u[i * 2]! * v[j]! + u[i * 2 + 1]! * v[5 + j]!;
    const values = singularValues(low, 5, 5);
    expect(values[1]!).toBeGreaterThan(1e-3);
    for (let i = 2; i < 5; i++) expect(values[i]!).toBeLessThan(1e-14 * values[0]!);
    expect(Array.from(singularValues(new Float64Array(9), 3, 3))).toEqual([0, 0, 0]);
    const sigma = [3, 2, 1];
    for (const scale of [1e-200, 1e200]) {
      const scaled = withSpectrum(sigma, 5).map((x) => x * scale);
      const got = Array.from(singularValues(scaled, 3, 3), (x) => x / scale);
      expect(maxAbsDifference(got, sigma)).toBeLessThan(1e-13);
    }
    const bad = gaussian(9, 3, 3);
    bad[4] = NaN;
    expect(Array.from(singularValues(bad, 3, 3)).every(Number.isNaN)).toBe(true);
  });

  it('converges on bidiagonals with zero diagonal entries (the rotation-chase paths)', () => {
    // B with d = (1, 0, 2, 0), e = (1, 1, 1): compare with the Jacobi eigenvalues of BᵀB.
    for (const d of [
      [1, 0, 2, 0],
      [0, 1, 2, 3],
      [0, 0, 0, 0],
    ]) {
      const e = [1, 1, 1];
      const dense = new Float64Array(16);
      for (let i = 0; i < 4; i++) {
        dense[i * 4 + i] = d[i]!;
        if (i < 3) dense[i * 4 + i + 1] = e[i]!;
      }
      const reference = jacobiEigenvaluesOfGram(dense, 4, 4).map((x) => Math.sqrt(Math.max(0, x)));
      expect(maxAbsDifference(bidiagonalSingularValues(d, e), reference)).toBeLessThan(1e-12);
    }
  });
});
