import type { Activation } from '../activation.ts';
import { seededNormal } from './random.ts';

/** Row-major n×n matrices as Float64Array. */
type Matrix = Float64Array;

function gaussianMatrix(n: number, scale: number, normal: () => number): Matrix {
  const m = new Float64Array(n * n);
  for (let i = 0; i < m.length; i++) m[i] = scale * normal();
  return m;
}

/** Haar-orthogonal matrix: Gram–Schmidt (twice, for stability) on a Gaussian matrix's columns. */
function haarOrthogonal(n: number, normal: () => number): Matrix {
  const q = gaussianMatrix(n, 1, normal);
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (q[i * n + j] as number) * (q[i * n + k] as number);
        for (let i = 0; i < n; i++) q[i * n + j] = (q[i * n + j] as number) - dot * (q[i * n + k] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (q[i * n + j] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] = (q[i * n + j] as number) / norm;
  }
  return q;
}

function multiply(a: Matrix, b: Matrix, n: number): Matrix {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + aik * (b[k * n + j] as number);
    }
  }
  return c;
}

/**
 * J = ∏ D^l W^l of one sampled width-n, depth-L network with the input at q* (x⁰ = φ(h⁰),
 * h⁰ ~ N(0, q*), so that h¹ has variance q*), row-major n × n.
 */
export function sampledJacobian(
  act: Activation,
  init: 'gaussian' | 'orthogonal',
  sw2: number,
  sb2: number,
  qStar: number,
  n: number,
  depth: number,
  seed: number,
): Matrix {
  const normal = seededNormal(seed);
  let x = Float64Array.from({ length: n }, () => act.phi(Math.sqrt(qStar) * normal()));
  let jacobian: Matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) jacobian[i * n + i] = 1;
  const sw = Math.sqrt(sw2);
  for (let layer = 0; layer < depth; layer++) {
    const w =
      init === 'gaussian'
        ? gaussianMatrix(n, sw / Math.sqrt(n), normal)
        : haarOrthogonal(n, normal).map((v) => sw * v);
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = Math.sqrt(sb2) * normal();
      for (let j = 0; j < n; j++) sum += (w[i * n + j] as number) * (x[j] as number);
      h[i] = sum;
    }
    const next = multiply(w, jacobian, n);
    for (let i = 0; i < n; i++) {
      const slope = act.dphi(h[i] as number);
      for (let j = 0; j < n; j++) next[i * n + j] = (next[i * n + j] as number) * slope;
    }
    jacobian = next;
    x = h.map((value) => act.phi(value));
  }
  return jacobian;
}

/** JJᵀ of a row-major n × n matrix. */
export function gramOfRows(jacobian: Matrix, n: number): Matrix {
  const transposed = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) transposed[j * n + i] = jacobian[i * n + j] as number;
  return multiply(jacobian, transposed, n);
}

/** First two spectral moments of JJᵀ for one sampled network: m_k = tr((JJᵀ)^k)/n. */
export function sampledJacobianMoments(...args: Parameters<typeof sampledJacobian>): {
  m1: number;
  m2: number;
} {
  const n = args[5];
  const jacobian = sampledJacobian(...args);
  let trace = 0;
  for (const v of jacobian) trace += v * v;
  // tr((JJᵀ)²) = ‖JJᵀ‖²_F.
  let traceSq = 0;
  for (const v of gramOfRows(jacobian, n)) traceSq += v * v;
  return { m1: trace / n, m2: traceSq / n };
}
