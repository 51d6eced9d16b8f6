import type { Activation } from '../activation.ts';
import { seededNormal } from './random.ts';

/** Row-major n×n matrices. */
type Matrix = Float64Array;

/** Haar orthogonal matrix: QR of a Gaussian matrix by modified Gram–Schmidt on its columns. */
function haar(n: number, normal: () => number): Matrix {
  const q = Float64Array.from({ length: n * n }, () => normal());
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j]! * q[i * n + k]!;
      for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! - dot * q[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! / norm;
  }
  return q;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (ascending). */
export function symmetricEigenvalues(input: Matrix, n: number): Float64Array {
  const a = Float64Array.from(input);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * n + i]!;
  return out.sort();
}

/**
 * Eigenvalues of JJᵀ for one sampled width-n, depth-L network with the input at q*
 * (J = ∏ D^l W^l, D^l = diag φ′(h^l)), for comparison with the infinite-width density.
 */
export function sampledJacobianEigenvalues(
  act: Activation,
  init: 'gaussian' | 'orthogonal',
  sw2: number,
  sb2: number,
  qStar: number,
  n: number,
  depth: number,
  seed: number,
): Float64Array {
  const normal = seededNormal(seed);
  const sw = Math.sqrt(sw2);
  let x = Float64Array.from({ length: n }, () => act.phi(Math.sqrt(qStar) * normal()));
  let jacobian = new Float64Array(n * n);
  for (let i = 0; i < n; i++) jacobian[i * n + i] = 1;
  for (let layer = 0; layer < depth; layer++) {
    const w =
      init === 'gaussian'
        ? Float64Array.from({ length: n * n }, () => (sw / Math.sqrt(n)) * normal())
        : haar(n, normal).map((v) => sw * v);
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = Math.sqrt(sb2) * normal();
      for (let j = 0; j < n; j++) sum += w[i * n + j]! * x[j]!;
      h[i] = sum;
    }
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const slope = act.dphi(h[i]!);
      for (let k = 0; k < n; k++) {
        const wik = w[i * n + k]! * slope;
        if (wik === 0) continue;
        for (let j = 0; j < n; j++) next[i * n + j] = next[i * n + j]! + wik * jacobian[k * n + j]!;
      }
    }
    jacobian = next;
    x = h.map((value) => act.phi(value));
  }
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += jacobian[i * n + k]! * jacobian[j * n + k]!;
      gram[i * n + j] = sum;
      gram[j * n + i] = sum;
    }
  }
  return symmetricEigenvalues(gram, n);
}
