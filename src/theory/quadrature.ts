import { symmetricTridiagonalEigenvalues } from './tridiagonalEigen.ts';

/** A Gauss rule: Σ weights[i]·f(nodes[i]) approximates an integral against a fixed measure. */
export type QuadratureRule = { readonly nodes: Float64Array; readonly weights: Float64Array };

/**
 * Three-term recurrence of the monic orthogonal polynomials of a measure,
 * π_{k+1}(x) = (x − alpha(k)) π_k(x) − beta(k) π_{k−1}(x), with total mass mu0.
 */
interface Recurrence {
  alpha(k: number): number;
  beta(k: number): number;
  mu0: number;
}

/**
 * Golub–Welsch: the nodes are the eigenvalues of the n×n Jacobi matrix of the recurrence. The weight
 * of node x is the squared first component of its normalized eigenvector, which equals the
 * Christoffel function 1/Σ_{k<n} p_k(x)² of the orthonormal polynomials p_k (the eigenvector is
 * proportional to (p_0(x), …, p_{n−1}(x))). Evaluating that sum directly keeps the far-tail weights
 * accurate to a few ulps relative to themselves, which the eigenvector components would not.
 */
function gaussRule(n: number, recurrence: Recurrence): QuadratureRule {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`a Gauss rule needs a positive integer size, got ${n}`);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n - 1);
  for (let k = 0; k < n; k++) diagonal[k] = recurrence.alpha(k);
  for (let k = 1; k < n; k++) offDiagonal[k - 1] = Math.sqrt(recurrence.beta(k));
  const nodes = symmetricTridiagonalEigenvalues(diagonal, offDiagonal);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = nodes[i] as number;
    let previous = 0;
    let current = 1 / Math.sqrt(recurrence.mu0);
    let sumOfSquares = current * current;
    for (let k = 0; k < n - 1; k++) {
      const kPrevSqrt = k === 0 ? 0 : Math.sqrt(recurrence.beta(k));
      const next =
        ((x - recurrence.alpha(k)) * current - kPrevSqrt * previous) / Math.sqrt(recurrence.beta(k + 1));
      previous = current;
      current = next;
      sumOfSquares += current * current;
    }
    weights[i] = 1 / sumOfSquares;
  }
  return { nodes, weights };
}

/** Probabilists' Hermite polynomials He_k: orthogonal for the standard normal density (mass 1). */
const hermiteRecurrence: Recurrence = { alpha: () => 0, beta: (k) => k, mu0: 1 };

/** Legendre polynomials: orthogonal for dx on [−1, 1] (mass 2). */
const legendreRecurrence: Recurrence = { alpha: () => 0, beta: (k) => (k * k) / (4 * k * k - 1), mu0: 2 };

const hermiteCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();

/**
 * n-point Gauss–Hermite rule for the standard normal measure: Σ w_i f(x_i) = E f(z), z ~ N(0, 1),
 * exactly for polynomials of degree ≤ 2n − 1. Weights sum to 1. Cached per n; treat as read-only.
 */
export function gaussHermiteRule(n: number): QuadratureRule {
  let rule = hermiteCache.get(n);
  if (!rule) {
    rule = gaussRule(n, hermiteRecurrence);
    hermiteCache.set(n, rule);
  }
  return rule;
}

/** n-point Gauss–Legendre rule on [−1, 1] (weights sum to 2). Cached per n; treat as read-only. */
export function gaussLegendreRule(n: number): QuadratureRule {
  let rule = legendreCache.get(n);
  if (!rule) {
    rule = gaussRule(n, legendreRecurrence);
    legendreCache.set(n, rule);
  }
  return rule;
}

/**
 * Default size for one-dimensional Gaussian expectations of smooth activations. With 96 nodes the
 * smooth maps used here (tanh at q ≤ 10) are resolved to ~1e-12 (see quadrature.test.ts).
 */
export const DEFAULT_HERMITE_NODES = 96;

/** E f(z) for z ~ N(0, 1) by Gauss–Hermite quadrature (default: DEFAULT_HERMITE_NODES nodes). */
export function gaussianExpectation(
  f: (z: number) => number,
  rule: QuadratureRule = gaussHermiteRule(DEFAULT_HERMITE_NODES),
): number {
  let sum = 0;
  const { nodes, weights } = rule;
  for (let i = 0; i < nodes.length; i++) sum += (weights[i] as number) * f(nodes[i] as number);
  return sum;
}

/** ∫_a^b f(x) dx by Gauss–Legendre quadrature mapped onto [a, b]. */
export function integrateOnInterval(
  f: (x: number) => number,
  a: number,
  b: number,
  rule: QuadratureRule = gaussLegendreRule(48),
): number {
  const half = (b - a) / 2;
  const middle = (a + b) / 2;
  let sum = 0;
  const { nodes, weights } = rule;
  for (let i = 0; i < nodes.length; i++)
    sum += (weights[i] as number) * f(middle + half * (nodes[i] as number));
  return sum * half;
}
