/**
 * Haar-distributed orthogonal factors by Householder QR in Float64.
 *
 * Why the result is Haar (Mezzadri 2007). Let G be m×n (m ≥ n) with iid N(0, 1) entries. Almost
 * surely G has full column rank, and then G = QR with diag(R) > 0 is unique. For any fixed
 * orthogonal U, UG has the same law as G, and UG = (UQ)R is again such a factorization, so
 * Q(UG) = U·Q(G): the law of Q is invariant under every left rotation, and the only such law on
 * the Stiefel manifold is the Haar measure. Householder QR returns Q' = QD, R' = DR with a sign
 * matrix D that depends on G (here R'_kk = −sign(x₀)‖x‖), which breaks the invariance (e.g. Q'_11
 * is always ≤ 0); multiplying column k of Q' by sign(R'_kk) restores diag(R) > 0.
 *
 * Speed. Both the factorization (left-looking) and the formation of Q treat each column
 * independently: column j needs only the reflectors before it. Columns are processed eight at a
 * time, so each reflector is read once per group while the group’s columns stay in cache, and the
 * eight dot products and updates share every load of the reflector. About (8/3)·n³ flops in all.
 */

const GROUP = 8;

/** Householder vectors (column-major, v_k[k] = 1, zero above k), their τ, and diag(R). */
export interface HouseholderQr {
  readonly rows: number;
  readonly cols: number;
  readonly reflectors: Float64Array;
  readonly tau: Float64Array;
  readonly rDiagonal: Float64Array;
}

/**
 * Applies H_k = I − τ_k v_k v_kᵀ to columns first … first+count−1 of `x` (column-major, leading
 * dimension m), touching rows k … m−1 only. A full group of eight columns shares each load of v_k.
 */
function applyReflector(
  v: Float64Array,
  tauK: number,
  k: number,
  m: number,
  x: Float64Array,
  first: number,
  count: number,
): void {
  if (tauK === 0) return;
  const vk = k * m;
  const o0 = first * m;
  if (count === GROUP) {
    const o1 = o0 + 1 * m;
    const o2 = o0 + 2 * m;
    const o3 = o0 + 3 * m;
    const o4 = o0 + 4 * m;
    const o5 = o0 + 5 * m;
    const o6 = o0 + 6 * m;
    const o7 = o0 + 7 * m;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let d4 = 0;
    let d5 = 0;
    let d6 = 0;
    let d7 = 0;
    for (let i = k; i < m; i++) {
      const vi = v[vk + i]!;
      d0 += vi * x[o0 + i]!;
      d1 += vi * x[o1 + i]!;
      d2 += vi * x[o2 + i]!;
      d3 += vi * x[o3 + i]!;
      d4 += vi * x[o4 + i]!;
      d5 += vi * x[o5 + i]!;
      d6 += vi * x[o6 + i]!;
      d7 += vi * x[o7 + i]!;
    }
    d0 *= tauK;
    d1 *= tauK;
    d2 *= tauK;
    d3 *= tauK;
    d4 *= tauK;
    d5 *= tauK;
    d6 *= tauK;
    d7 *= tauK;
    for (let i = k; i < m; i++) {
      const vi = v[vk + i]!;
      x[o0 + i] = x[o0 + i]! - d0 * vi;
      x[o1 + i] = x[o1 + i]! - d1 * vi;
      x[o2 + i] = x[o2 + i]! - d2 * vi;
      x[o3 + i] = x[o3 + i]! - d3 * vi;
      x[o4 + i] = x[o4 + i]! - d4 * vi;
      x[o5 + i] = x[o5 + i]! - d5 * vi;
      x[o6 + i] = x[o6 + i]! - d6 * vi;
      x[o7 + i] = x[o7 + i]! - d7 * vi;
    }
    return;
  }
  for (let c = 0; c < count; c++) {
    const o = o0 + c * m;
    let d = 0;
    for (let i = k; i < m; i++) d += v[vk + i]! * x[o + i]!;
    d *= tauK;
    for (let i = k; i < m; i++) x[o + i] = x[o + i]! - d * v[vk + i]!;
  }
}

/**
 * Householder QR of a column-major m×n matrix (m ≥ n), left-looking in groups of eight columns.
 * The input is not modified.
 */
export function householderQr(matrix: Float64Array, m: number, n: number): HouseholderQr {
  return runToEnd(householderQrSteps(matrix, m, n));
}

/**
 * householderQr in steps: yields after each group of eight columns (about 4·m·n·8 flops, a few
 * milliseconds even at n = 2048), so that a caller can answer other work in between.
 */
export function* householderQrSteps(
  matrix: Float64Array,
  m: number,
  n: number,
): Generator<void, HouseholderQr, void> {
  if (m < n) throw new RangeError(`householderQr needs rows ≥ cols, got ${m}×${n}`);
  if (matrix.length !== m * n) throw new RangeError(`expected ${m * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(m * n);
  const tau = new Float64Array(n);
  const rDiagonal = new Float64Array(n);
  for (let j0 = 0; j0 < n; j0 += GROUP) {
    const count = Math.min(GROUP, n - j0);
    for (let k = 0; k < j0; k++) applyReflector(v, tau[k]!, k, m, a, j0, count);
    for (let j = j0; j < j0 + count; j++) {
      for (let k = j0; k < j; k++) applyReflector(v, tau[k]!, k, m, a, j, 1);
      makeReflector(a, v, tau, rDiagonal, j, m);
    }
    yield;
  }
  return { rows: m, cols: n, reflectors: v, tau, rDiagonal };
}

/** Reflector that maps column j's rows j … m−1 onto −sign(x₀)‖x‖·e₁ (no cancellation in v₀). */
function makeReflector(
  a: Float64Array,
  v: Float64Array,
  tau: Float64Array,
  rDiagonal: Float64Array,
  j: number,
  m: number,
): void {
  const o = j * m;
  const x0 = a[o + j]!;
  let tailSq = 0;
  for (let i = j + 1; i < m; i++) tailSq += a[o + i]! * a[o + i]!;
  v[o + j] = 1;
  if (tailSq === 0) {
    // Already upper triangular in this column: H = I (R_jj = x₀, possibly negative).
    tau[j] = 0;
    rDiagonal[j] = x0;
    return;
  }
  const norm = Math.sqrt(x0 * x0 + tailSq);
  const beta = x0 >= 0 ? -norm : norm;
  const scale = 1 / (x0 - beta);
  for (let i = j + 1; i < m; i++) v[o + i] = a[o + i]! * scale;
  tau[j] = (beta - x0) / beta;
  rDiagonal[j] = beta;
}

/** The thin Q = H_0 … H_{n−1}[I; 0] (m×n, column-major), without any sign correction. */
export function formQ(qr: HouseholderQr): Float64Array {
  return runToEnd(formQSteps(qr));
}

/** formQ in steps: yields after each group of eight columns. */
export function* formQSteps(qr: HouseholderQr): Generator<void, Float64Array, void> {
  const { rows: m, cols: n, reflectors: v, tau } = qr;
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let j0 = 0; j0 < n; j0 += GROUP) {
    const count = Math.min(GROUP, n - j0);
    // Column j is H_0 … H_j e_j (H_k e_j = e_j for k > j). Within the group, reflector k goes to
    // the columns j ≥ k, in descending k; then the shared reflectors j0−1 … 0 go to all of them.
    for (let k = j0 + count - 1; k >= j0; k--) applyReflector(v, tau[k]!, k, m, q, k, j0 + count - k);
    for (let k = j0 - 1; k >= 0; k--) applyReflector(v, tau[k]!, k, m, q, j0, count);
    yield;
  }
  return q;
}

/**
 * The Haar-distributed orthonormal-column factor of a column-major m×n Gaussian matrix (m ≥ n):
 * Householder Q with column k multiplied by sign(R_kk), i.e. the QR factor with diag(R) > 0.
 */
export function haarFactor(gaussian: Float64Array, m: number, n: number): Float64Array {
  return runToEnd(haarFactorSteps(gaussian, m, n));
}

/**
 * haarFactor in steps of eight columns (see householderQrSteps): an N = 2048 factor takes seconds,
 * and whoever draws it can answer other work between steps.
 */
export function* haarFactorSteps(
  gaussian: Float64Array,
  m: number,
  n: number,
): Generator<void, Float64Array, void> {
  const qr = yield* householderQrSteps(gaussian, m, n);
  const q = yield* formQSteps(qr);
  for (let k = 0; k < n; k++) {
    if (qr.rDiagonal[k]! >= 0) continue;
    const o = k * m;
    for (let i = 0; i < m; i++) q[o + i] = -q[o + i]!;
  }
  return q;
}

/** Runs a stepwise computation to its end at once. */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
