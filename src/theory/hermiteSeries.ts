import { normalPdf } from './specialFunctions.ts';

/**
 * Mehler expansion of a correlated Gaussian expectation. With a_k(q) = E[f(√q z) He_k(z)]/√(k!) the
 * normalized Hermite coefficients of f(√q ·),
 *   E f(u₁) f(u₂) = Σ_k a_k² c^k,
 * so once the a_k are known at q, every c costs a polynomial evaluation. The coefficients come from a
 * fixed midpoint grid in z (spectrally accurate for integrands analytic in a strip, unlike
 * Gauss–Hermite, whose nodes spread to |z| ~ √(4n) and resolve tanh(√q z) poorly once q ≳ 2).
 */
export const HERMITE_SERIES_DEGREE = 80;
const GRID_STEP = 0.1;
// The orthonormal Hermite functions up to degree 80 live on |z| ≲ √(4·80 + 2) ≈ 18.
const GRID_EXTENT = 20;

/** Rows k of 2·Δz·ϕ(z_j)·p_k(z_j) on the positive half-grid, p_k = He_k/√(k!). */
let projectionTable: Float64Array[] | undefined;
let gridNodes: Float64Array | undefined;

function table(): { rows: Float64Array[]; nodes: Float64Array } {
  if (!projectionTable || !gridNodes) {
    const count = Math.round(GRID_EXTENT / GRID_STEP);
    const nodes = new Float64Array(count);
    const rows = Array.from({ length: HERMITE_SERIES_DEGREE + 1 }, () => new Float64Array(count));
    for (let j = 0; j < count; j++) {
      const z = (j + 0.5) * GRID_STEP;
      nodes[j] = z;
      const weight = 2 * GRID_STEP * normalPdf(z);
      let previous = 0;
      let current = 1;
      (rows[0] as Float64Array)[j] = weight;
      for (let k = 0; k < HERMITE_SERIES_DEGREE; k++) {
        const next = (z * current - Math.sqrt(k) * previous) / Math.sqrt(k + 1);
        previous = current;
        current = next;
        (rows[k + 1] as Float64Array)[j] = weight * current;
      }
    }
    projectionTable = rows;
    gridNodes = nodes;
  }
  return { rows: projectionTable, nodes: gridNodes };
}

/** Nodes z_j > 0 at which the caller samples f(√q z); f must be odd or even (parity 1 or 0). */
export function hermiteGridNodes(): Float64Array {
  return table().nodes;
}

/**
 * Coefficients a_k (k of the given parity; the others are 0) of a function of definite parity sampled
 * on hermiteGridNodes(). Using only z > 0 halves the work. Signed, for products a_k(q) a_k(q′) of two
 * variances (E f(√q z₁) f(√q′ z₂) = Σ_k a_k(q) a_k(q′) c^k).
 */
export function hermiteCoefficients(samples: Float64Array, parity: 0 | 1): Float64Array {
  const { rows } = table();
  const coefficients = new Float64Array(HERMITE_SERIES_DEGREE + 1);
  for (let k = parity; k <= HERMITE_SERIES_DEGREE; k += 2) {
    const row = rows[k] as Float64Array;
    let a = 0;
    for (let j = 0; j < row.length; j++) a += (row[j] as number) * (samples[j] as number);
    coefficients[k] = a;
  }
  return coefficients;
}

/** Squared coefficients a_k² of hermiteCoefficients. */
export function squaredHermiteCoefficients(samples: Float64Array, parity: 0 | 1): Float64Array {
  return hermiteCoefficients(samples, parity).map((a) => a * a);
}

/**
 * Σ k a_k² c^{k−1} = d/dc Σ a_k² c^k, with the truncated tail (total − Σ k a_k²) at the next power of
 * c of the same parity as the degrees present; exact at c = 1 and bounded by |tail|·|c|^{K+1}.
 */
export function evaluateHermiteSeriesDerivative(
  squares: Float64Array,
  parity: 0 | 1,
  total: number,
  c: number,
): { value: number; errorBound: number } {
  let value = 0;
  let partial = 0;
  for (let k = squares.length - 1; k >= 1; k--) {
    const term = k * (squares[k] as number);
    value = value * c + term;
    partial += term;
  }
  const lastDegree = squares.length - 1;
  const tailDegree = lastDegree + ((lastDegree - parity) % 2 === 0 ? 2 : 1) - 1;
  const tail = Math.max(0, total - partial);
  const tailPower = Math.pow(c, tailDegree);
  return { value: value + tail * tailPower, errorBound: tail * Math.abs(tailPower) };
}

/**
 * Σ a_k² c^k with the truncated tail (total − Σ a_k², total = E f² known exactly from the 1-D map)
 * placed at the next power of c of the same parity. This makes the series exact at c = 1, where the Mehler sum
 * converges slowest; `errorBound` bounds the remaining error |tail|·|c|^{K+2} for |c| ≤ 1.
 */
export function evaluateHermiteSeries(
  squares: Float64Array,
  parity: 0 | 1,
  total: number,
  c: number,
): { value: number; errorBound: number } {
  let value = 0;
  let partial = 0;
  for (let k = squares.length - 1; k >= 0; k--) {
    value = value * c + (squares[k] as number);
    partial += squares[k] as number;
  }
  const tail = Math.max(0, total - partial);
  const lastDegree = squares.length - 1;
  const tailDegree = lastDegree + ((lastDegree - parity) % 2 === 0 ? 2 : 1);
  const tailPower = Math.pow(c, tailDegree);
  return { value: value + tail * tailPower, errorBound: tail * Math.abs(tailPower) };
}
