import { describe, expect, it } from 'vitest';
import { denseOperator, largestEigenvalue } from './curvaturePower.ts';
import { RandomStream } from './random.ts';

/** Q diag(λ) Qᵀ with Q a random orthogonal matrix (Gram–Schmidt of a Gaussian one). */
function withEigenvalues(eigenvalues: readonly number[]): Float64Array {
  const n = eigenvalues.length;
  const q = new RandomStream(5, 'power-test').fillNormal(new Float64Array(n * n));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j]! * q[i * n + k]!;
      for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! - dot * q[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
    for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! / Math.sqrt(norm);
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q[i * n + k]! * eigenvalues[k]! * q[j * n + k]!;
      m[i * n + j] = sum;
    }
  return m;
}

describe('largestEigenvalue', () => {
  it('finds λ_max of a PSD matrix of known spectrum, in about log(tol)/(2 log(λ₂/λ₁)) products', () => {
    const eigenvalues = [3, 0.5, 2, 1, 0, 0.25];
    const result = largestEigenvalue(denseOperator(withEigenvalues(eigenvalues), 6), 6, { tolerance: 1e-12 });
    expect(result.converged).toBe(true);
    expect(result.value).toBeCloseTo(3, 9);
    // (2/3)^{2t} ≈ 1e-12 at t ≈ 34.
    expect(result.iterations).toBeGreaterThan(20);
    expect(result.iterations).toBeLessThan(80);
  });

  it('stops at maxIterations below λ_max when the top two are close, and says so', () => {
    const m = withEigenvalues([1, 0.999, 0.1]);
    const result = largestEigenvalue(denseOperator(m, 3), 3, { tolerance: 1e-15, maxIterations: 5 });
    expect(result).toMatchObject({ converged: false, iterations: 5 });
    expect(result.value).toBeLessThanOrEqual(1 + 1e-12);
    expect(result.value).toBeGreaterThan(0.1);
  });

  it('gives 0 for the zero matrix and NaN for a matrix with NaN entries', () => {
    expect(largestEigenvalue(denseOperator(new Float32Array(9), 3), 3)).toMatchObject({
      value: 0,
      converged: true,
    });
    const broken = new Float32Array(9).fill(1);
    broken[4] = NaN;
    expect(largestEigenvalue(denseOperator(broken, 3), 3).value).toBeNaN();
  });
});
