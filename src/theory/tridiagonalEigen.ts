/**
 * Eigenvalues of a real symmetric tridiagonal matrix by the implicit QL method with Wilkinson-type
 * shifts. Only eigenvalues are needed: the Gauss rules built on them recover the weights from the
 * orthonormal polynomials (see quadrature.ts), which keeps tiny tail weights relatively accurate.
 *
 * @param diagonal the n diagonal entries
 * @param offDiagonal the n − 1 entries next to the diagonal
 * @returns the eigenvalues, ascending
 */
export function symmetricTridiagonalEigenvalues(
  diagonal: ArrayLike<number>,
  offDiagonal: ArrayLike<number>,
): Float64Array {
  const n = diagonal.length;
  if (offDiagonal.length !== Math.max(0, n - 1)) {
    throw new RangeError(`offDiagonal must have ${n - 1} entries, got ${offDiagonal.length}`);
  }
  const d = Float64Array.from(diagonal);
  // e[i] couples rows i and i + 1; the trailing zero lets the deflation scan run to the end.
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiagonal[i] ?? 0;

  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      const m = firstNegligibleCoupling(d, e, l);
      if (m === l) break;
      if (iteration > 100) throw new Error('symmetricTridiagonalEigenvalues: QL iteration did not converge');
      qlSweep(d, e, l, m);
    }
  }
  return d.sort();
}

/** Index m ≥ l of the first off-diagonal entry small enough to split the matrix there. */
function firstNegligibleCoupling(d: Float64Array, e: Float64Array, l: number): number {
  const n = d.length;
  let m = l;
  for (; m < n - 1; m++) {
    const scale = Math.abs(at(d, m)) + Math.abs(at(d, m + 1));
    if (Math.abs(at(e, m)) <= Number.EPSILON * scale) break;
  }
  return m;
}

/** One implicitly shifted QL step on the unreduced block l..m (a chain of Givens rotations). */
function qlSweep(d: Float64Array, e: Float64Array, l: number, m: number): void {
  // Shift: the eigenvalue of the leading 2×2 block closer to d[l].
  let g = (at(d, l + 1) - at(d, l)) / (2 * at(e, l));
  let r = Math.hypot(g, 1);
  g = at(d, m) - at(d, l) + at(e, l) / (g + (g >= 0 ? r : -r));
  let s = 1;
  let c = 1;
  let p = 0;
  for (let i = m - 1; i >= l; i--) {
    const f = s * at(e, i);
    const b = c * at(e, i);
    r = Math.hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // The bulge vanished: the block has split, undo the partial shift and start again.
      d[i + 1] = at(d, i + 1) - p;
      e[m] = 0;
      return;
    }
    s = f / r;
    c = g / r;
    g = at(d, i + 1) - p;
    r = (at(d, i) - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
  }
  d[l] = at(d, l) - p;
  e[l] = g;
  e[m] = 0;
}

function at(array: Float64Array, index: number): number {
  return array[index] as number;
}
