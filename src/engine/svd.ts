/**
 * Singular values (values only) of a dense real matrix in Float64, in two stages:
 *
 * 1. Golub–Kahan bidiagonalization by Householder reflections, A = U B Vᵀ with B upper
 *    bidiagonal (8/3·n³ flops for a square matrix). The reflections are applied and forgotten.
 *    Each step streams the trailing matrix twice: the left update of a row is fused with its dot
 *    product against the next right reflector, and the right update of a row with its
 *    contribution to the next left reflector's product vᵀA.
 * 2. The implicitly shifted QR iteration on B (Golub & Kahan 1965; Golub & Van Loan §8.6.2) with
 *    a Wilkinson shift from the trailing 2×2 block of BᵀB, chasing zero diagonal entries out
 *    with Givens rotations. O(n²) in all.
 *
 * Nothing squares A, so the absolute error of every singular value is a small multiple of
 * ε·‖A‖₂ (ε = 2.2·10⁻¹⁶); values far below that are not resolved (they are not in a Float32
 * input to begin with).
 */

/**
 * Singular values of the row-major `rows` × `cols` matrix `a`, descending (min(rows, cols) of
 * them). `a` is not modified. Non-finite entries give NaN values.
 */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (a.length !== rows * cols)
    throw new RangeError(`expected ${rows}×${cols} = ${rows * cols} entries, got ${a.length}`);
  const k = Math.min(rows, cols);
  if (k === 0) return new Float64Array(0);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) return new Float64Array(k).fill(NaN);
  }
  // Work on the tall orientation (m ≥ n): the transpose has the same singular values.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const work = new Float64Array(m * n);
  if (tall) for (let i = 0; i < a.length; i++) work[i] = a[i]!;
  else for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) work[j * n + i] = a[i * cols + j]!;
  const { diagonal, superDiagonal } = bidiagonalize(work, m, n);
  return bidiagonalSingularValues(diagonal, superDiagonal);
}

export interface Bidiagonal {
  /** n entries B[i][i]. */
  readonly diagonal: Float64Array;
  /** n − 1 entries B[i][i+1]. */
  readonly superDiagonal: Float64Array;
}

/**
 * Reduces the row-major m × n matrix `a` (m ≥ n; overwritten) to upper bidiagonal form with the
 * same singular values.
 */
export function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  if (m < n) throw new RangeError('bidiagonalize needs rows ≥ columns');
  const diagonal = new Float64Array(n);
  const superDiagonal = new Float64Array(Math.max(0, n - 1));
  const v = new Float64Array(m); // left reflector, entries k … m−1
  const u = new Float64Array(n); // right reflector, entries k+1 … n−1
  const w = new Float64Array(n); // vᵀA over columns k+1 … n−1
  const s = new Float64Array(m); // A·u over rows k+1 … m−1

  // The first left reflector and its product w = vᵀA; later ones come out of the previous step.
  let tauV = leftReflector(a, m, n, 0, v);
  w.fill(0);
  if (tauV !== 0) {
    for (let i = 0; i < m; i++) {
      const vi = v[i]!;
      const row = i * n;
      for (let j = 1; j < n; j++) w[j] = w[j]! + vi * a[row + j]!;
    }
  }

  for (let k = 0; k < n; k++) {
    // a[k][k] now holds β of the left reflector (set by leftReflector).
    diagonal[k] = a[k * n + k]!;
    if (k === n - 1) break;

    // Left update of row k, then the right reflector from its tail a[k][k+1 …].
    const rowK = k * n;
    if (tauV !== 0) {
      const f = tauV * v[k]!;
      for (let j = k + 1; j < n; j++) a[rowK + j] = a[rowK + j]! - f * w[j]!;
    }
    const tauU = rightReflector(a, n, k, u);
    superDiagonal[k] = a[rowK + k + 1]!;

    // Pass 1: left update of rows k+1 … m−1, fused with s_i = a[i][k+1 …]·u.
    for (let i = k + 1; i < m; i++) {
      const row = i * n;
      if (tauV !== 0) {
        const f = tauV * v[i]!;
        if (f !== 0) for (let j = k + 1; j < n; j++) a[row + j] = a[row + j]! - f * w[j]!;
      }
      let dot = 0;
      if (tauU !== 0) for (let j = k + 1; j < n; j++) dot += a[row + j]! * u[j]!;
      s[i] = dot;
    }

    // Column k+1 after the right update gives the next left reflector before the update itself.
    const c = k + 1;
    if (tauU !== 0) {
      const f = tauU * u[c]!;
      for (let i = c; i < m; i++) a[i * n + c] = a[i * n + c]! - f * s[i]!;
    }
    tauV = leftReflector(a, m, n, c, v);

    // Pass 2: right update of rows k+1 … m−1 (column c already done), fused with the next w = vᵀA.
    w.fill(0);
    for (let i = c; i < m; i++) {
      const row = i * n;
      if (tauU !== 0) {
        const f = tauU * s[i]!;
        if (f !== 0) for (let j = c + 1; j < n; j++) a[row + j] = a[row + j]! - f * u[j]!;
      }
      const vi = tauV !== 0 ? v[i]! : 0;
      if (vi !== 0) for (let j = c + 1; j < n; j++) w[j] = w[j]! + vi * a[row + j]!;
    }
  }
  return { diagonal, superDiagonal };
}

/**
 * Householder reflection H = I − τ v vᵀ (v[k] = 1) with H·a[k …][k] = β e₁; writes β into a[k][k]
 * and returns τ (0 when the column below the diagonal is already zero).
 */
function leftReflector(a: Float64Array, m: number, n: number, k: number, v: Float64Array): number {
  let scale = 0;
  for (let i = k + 1; i < m; i++) scale = Math.max(scale, Math.abs(a[i * n + k]!));
  if (scale === 0) {
    v[k] = 1;
    return 0;
  }
  const x0 = a[k * n + k]!;
  scale = Math.max(scale, Math.abs(x0));
  let sum = 0;
  for (let i = k; i < m; i++) {
    const x = a[i * n + k]! / scale;
    sum += x * x;
  }
  const norm = scale * Math.sqrt(sum);
  const beta = x0 >= 0 ? -norm : norm;
  const inverse = 1 / (x0 - beta);
  v[k] = 1;
  for (let i = k + 1; i < m; i++) v[i] = a[i * n + k]! * inverse;
  a[k * n + k] = beta;
  return (beta - x0) / beta;
}

/**
 * Householder reflection acting on columns k+1 … n−1 of row k: u[k+1] = 1; writes β into
 * a[k][k+1] and returns τ.
 */
function rightReflector(a: Float64Array, n: number, k: number, u: Float64Array): number {
  const row = k * n;
  const first = k + 1;
  let scale = 0;
  for (let j = first + 1; j < n; j++) scale = Math.max(scale, Math.abs(a[row + j]!));
  if (scale === 0) {
    u[first] = 1;
    return 0;
  }
  const x0 = a[row + first]!;
  scale = Math.max(scale, Math.abs(x0));
  let sum = 0;
  for (let j = first; j < n; j++) {
    const x = a[row + j]! / scale;
    sum += x * x;
  }
  const norm = scale * Math.sqrt(sum);
  const beta = x0 >= 0 ? -norm : norm;
  const inverse = 1 / (x0 - beta);
  u[first] = 1;
  for (let j = first + 1; j < n; j++) u[j] = a[row + j]! * inverse;
  a[row + first] = beta;
  return (beta - x0) / beta;
}

const MAX_SWEEPS_PER_VALUE = 75;

/**
 * Singular values of the upper bidiagonal matrix with `diagonal` d and `superDiagonal` e,
 * descending. Implicit-shift QR (Golub & Van Loan Algorithm 8.6.2), values only.
 */
export function bidiagonalSingularValues(
  diagonal: ArrayLike<number>,
  superDiagonal: ArrayLike<number>,
): Float64Array {
  const n = diagonal.length;
  if (superDiagonal.length !== Math.max(0, n - 1))
    throw new RangeError(`superDiagonal must have ${n - 1} entries, got ${superDiagonal.length}`);
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n); // e[n−1] = 0 as a sentinel
  for (let i = 0; i < n - 1; i++) e[i] = superDiagonal[i]!;
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(d[i]!), Math.abs(e[i]!));
  if (!Number.isFinite(largest)) return new Float64Array(n).fill(NaN);
  if (largest === 0) return d;
  // Work at unit scale: the shift squares entries, which would under- or overflow far from 1.
  for (let i = 0; i < n; i++) {
    d[i] = d[i]! / largest;
    e[i] = e[i]! / largest;
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]!) + Math.abs(e[i]!));
  const eps = Number.EPSILON;
  const tiny = eps * norm;

  let hi = n - 1;
  let sweeps = 0;
  while (hi > 0) {
    // Deflate: negligible couplings split B; a converged value at the bottom shrinks the block.
    for (let i = 0; i < hi; i++) {
      if (Math.abs(e[i]!) <= eps * (Math.abs(d[i]!) + Math.abs(d[i + 1]!)) || Math.abs(e[i]!) <= tiny * eps)
        e[i] = 0;
    }
    if (e[hi - 1] === 0) {
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    if (++sweeps > MAX_SWEEPS_PER_VALUE * n)
      throw new Error('bidiagonalSingularValues: QR iteration did not converge');

    // A (numerically) zero diagonal entry makes B singular: rotate its coupling away.
    let zeroAt = -1;
    for (let i = lo; i <= hi; i++) {
      if (Math.abs(d[i]!) <= tiny) {
        d[i] = 0;
        zeroAt = i;
        break;
      }
    }
    if (zeroAt >= 0) {
      if (zeroAt < hi) chaseRowCoupling(d, e, zeroAt, hi);
      else chaseColumnCoupling(d, e, lo, hi);
      continue;
    }
    shiftedQrSweep(d, e, lo, hi);
  }
  for (let i = 0; i < n; i++) d[i] = Math.abs(d[i]!) * largest;
  return d.sort().reverse();
}

/** d[i] = 0, i < hi: left rotations of rows (j, i), j = i+1 … hi, push e[i] off the matrix. */
function chaseRowCoupling(d: Float64Array, e: Float64Array, i: number, hi: number): void {
  let f = e[i]!;
  e[i] = 0;
  for (let j = i + 1; j <= hi && f !== 0; j++) {
    const r = Math.hypot(d[j]!, f);
    const c = d[j]! / r;
    const s = f / r;
    d[j] = r;
    if (j < hi) {
      f = -s * e[j]!;
      e[j] = c * e[j]!;
    }
  }
}

/** d[hi] = 0: right rotations of columns (j, hi), j = hi−1 … lo, push e[hi−1] off the matrix. */
function chaseColumnCoupling(d: Float64Array, e: Float64Array, lo: number, hi: number): void {
  let f = e[hi - 1]!;
  e[hi - 1] = 0;
  for (let j = hi - 1; j >= lo && f !== 0; j--) {
    const r = Math.hypot(d[j]!, f);
    const c = d[j]! / r;
    const s = f / r;
    d[j] = r;
    if (j > lo) {
      f = -s * e[j - 1]!;
      e[j - 1] = c * e[j - 1]!;
    }
  }
}

/** One Golub–Kahan step on the unreduced block lo … hi, Wilkinson shift from BᵀB's trailing 2×2. */
function shiftedQrSweep(d: Float64Array, e: Float64Array, lo: number, hi: number): void {
  const dm = d[hi - 1]!;
  const em = e[hi - 1]!;
  const dn = d[hi]!;
  const ep = hi - 1 > lo ? e[hi - 2]! : 0;
  const t11 = dm * dm + ep * ep;
  const t12 = dm * em;
  const t22 = dn * dn + em * em;
  const half = (t11 - t22) / 2;
  const root = Math.hypot(half, t12);
  const mu = t22 - (t12 * t12) / (half + (half >= 0 ? root : -root) || Number.MIN_VALUE);

  let y = d[lo]! * d[lo]! - mu;
  let z = d[lo]! * e[lo]!;
  for (let k = lo; k < hi; k++) {
    // Right rotation of columns k, k+1: zeroes the bulge z at (k−1, k+1), or starts the chase.
    let r = Math.hypot(y, z);
    let c = r === 0 ? 1 : y / r;
    let s = r === 0 ? 0 : z / r;
    if (k > lo) e[k - 1] = r;
    const dk = d[k]!;
    const ek = e[k]!;
    const dk1 = d[k + 1]!;
    y = c * dk + s * ek;
    e[k] = c * ek - s * dk;
    z = s * dk1;
    d[k + 1] = c * dk1;
    // Left rotation of rows k, k+1: zeroes the bulge z at (k+1, k).
    r = Math.hypot(y, z);
    c = r === 0 ? 1 : y / r;
    s = r === 0 ? 0 : z / r;
    d[k] = r;
    const ek2 = e[k]!;
    const dk1b = d[k + 1]!;
    e[k] = c * ek2 + s * dk1b;
    d[k + 1] = c * dk1b - s * ek2;
    if (k < hi - 1) {
      const next = e[k + 1]!;
      y = e[k]!;
      z = s * next;
      e[k + 1] = c * next;
    }
  }
}
