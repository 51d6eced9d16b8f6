import { RandomStream } from './random.ts';

/** v ↦ M v for a symmetric positive semi-definite M of the given size, into `out`. */
export type SymmetricOperator = (v: Float64Array, out: Float64Array) => void;

export interface PowerIterationOptions {
  /** Stop when the Rayleigh quotient changes by less than this, relative (default 1e-7). */
  readonly tolerance?: number;
  /** Give up after this many products (default 3000); the estimate is then a lower bound. */
  readonly maxIterations?: number;
}

export interface LargestEigenvalue {
  /** The Rayleigh quotient vᵀMv of the last unit iterate (NaN where M has non-finite entries). */
  readonly value: number;
  /** Products M v taken. */
  readonly iterations: number;
  /** Whether the tolerance was met within maxIterations. */
  readonly converged: boolean;
}

const DEFAULT_TOLERANCE = 1e-7;
const DEFAULT_MAX_ITERATIONS = 3000;

/**
 * λ_max of a symmetric PSD operator by power iteration in Float64, from a fixed random start (so a
 * measurement repeats exactly, and the start has a component along the top eigenvector with
 * probability 1). For PSD M the Rayleigh quotient of M^t v rises monotonically to λ_max; the
 * error after t products is of order (λ₂/λ₁)^{2t}, so a well-separated top eigenvalue (the
 * NTK's, whose mode is the mean output direction) takes tens of products.
 */
export function largestEigenvalue(
  apply: SymmetricOperator,
  size: number,
  options: PowerIterationOptions = {},
): LargestEigenvalue {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (size === 0) return { value: 0, iterations: 0, converged: true };
  let v = new RandomStream('curvature-power-iteration', size).fillNormal(new Float64Array(size));
  normalize(v);
  let w = new Float64Array(size);
  let previous = -Infinity;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    apply(v, w);
    const value = dot(v, w);
    if (!Number.isFinite(value)) return { value: NaN, iterations: iteration, converged: false };
    const norm = Math.sqrt(dot(w, w));
    // M v = 0: v lies in the kernel of M, and a PSD M with v random is then M = 0.
    if (norm === 0) return { value: 0, iterations: iteration, converged: true };
    if (Math.abs(value - previous) <= tolerance * Math.abs(value))
      return { value, iterations: iteration, converged: true };
    previous = value;
    for (let i = 0; i < size; i++) w[i] = w[i]! / norm;
    [v, w] = [w, v];
  }
  return { value: previous, iterations: maxIterations, converged: false };
}

/** out = M v for a dense row-major n×n matrix (Float32 entries, Float64 sums). */
export function denseOperator(matrix: ArrayLike<number>, n: number): SymmetricOperator {
  if (matrix.length !== n * n) throw new RangeError(`${matrix.length} entries for a ${n}×${n} matrix`);
  return (v, out) => {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) sum += matrix[row + j]! * v[j]!;
      out[i] = sum;
    }
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function normalize(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, v));
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
}
