import {
  defineActivation,
  kernelCorrelation,
  type CorrelatedMoments,
  type GaussianMoments,
} from '../activation.ts';
import {
  evaluateHermiteSeries,
  evaluateHermiteSeriesDerivative,
  hermiteCoefficients,
  hermiteGridNodes,
  squaredHermiteCoefficients,
} from '../hermiteSeries.ts';
import { gaussHermiteRule } from '../quadrature.ts';
import { normalPdf } from '../specialFunctions.ts';

/*
 * Gaussian integrals of tanh(√q z) by the trapezoid (midpoint) rule in z. tanh has poles at ±iπ/2,
 * i.e. at ±iπ/(2√q) in z; the rule's error then falls like exp(−π²/(√q Δz)), and Δz ≤ 0.18/√q
 * keeps it near 1e-15 for every moment here (E φ′⁴ ∝ sech⁸, with 8th-order poles, is the hardest).
 * Gauss–Hermite with 96 nodes errs by ~5e-4 at q = 5.5 (activations.test.ts).
 */
const MAX_STEP = 0.3;
const POLE_STEP = 0.18;
// ϕ(8.5) ≈ 1e-16: beyond this the (bounded) integrands contribute nothing.
const EXTENT = 8.5;

function gridStep(sigma: number): number {
  return sigma > 0 ? Math.min(MAX_STEP, POLE_STEP / sigma) : MAX_STEP;
}

/**
 * ϕ((j + ½)h) for j = 0, 1, …, by the recurrence ϕ_{j+1} = ϕ_j·r_j, r_{j+1} = r_j·e^{−h²}
 * (the exponent grows by (j + 1)h² per step): two multiplications instead of an exp per node.
 */
function midpointDensities(step: number, count: number): Float64Array {
  const densities = new Float64Array(count);
  let density = normalPdf(step / 2);
  let ratio = Math.exp(-step * step);
  const ratioFactor = ratio;
  for (let j = 0; j < count; j++) {
    densities[j] = density;
    density *= ratio;
    ratio *= ratioFactor;
  }
  return densities;
}

/** All four 1-D moments from one pass over t = tanh(√q z); φ′ = 1 − t², φ″ = −2t(1 − t²). */
function gaussianMoments(q: number): GaussianMoments {
  // The exact limit, so that the slope of the length map at q = 0 is exactly σ_w².
  if (q <= 0) return { phiSq: 0, dphiSq: 1, dphi4: 1, d2phiPhi: 0 };
  const sigma = Math.sqrt(q);
  const step = gridStep(sigma);
  const count = Math.ceil(EXTENT / step);
  let phiSq = 0;
  let dphiSq = 0;
  let dphi4 = 0;
  let d2phiPhi = 0;
  let density = normalPdf(step / 2);
  let ratio = Math.exp(-step * step);
  const ratioFactor = ratio;
  for (let j = 0; j < count; j++) {
    const t = Math.tanh(sigma * (j + 0.5) * step);
    const tSq = t * t;
    const slope = 1 - tSq;
    const slopeSq = slope * slope;
    phiSq += density * tSq;
    dphiSq += density * slopeSq;
    dphi4 += density * slopeSq * slopeSq;
    d2phiPhi -= density * 2 * tSq * slope;
    density *= ratio;
    ratio *= ratioFactor;
  }
  // Midpoints on z > 0 of an even integrand: twice the half-line sum.
  const scale = 2 * step;
  return { phiSq: phiSq * scale, dphiSq: dphiSq * scale, dphi4: dphi4 * scale, d2phiPhi: d2phiPhi * scale };
}

// Above this q the fixed Hermite grid (Δz = 0.1) no longer resolves tanh(√q z) to ~1e-12.
const SERIES_MAX_Q = 11;
// Series results whose error bound exceeds this are recomputed by 2-D quadrature.
const SERIES_TOLERANCE = 1e-12;
// The same for kernelMoments, which the NTK calls D²/2 times per layer: its bound is rigorous but
// loose, and 1e-10 keeps the series (≈1 µs) instead of quadrature (≈0.4 ms) for c → 1 up to q ≈ 1.
const KERNEL_SERIES_TOLERANCE = 1e-10;

interface SeriesAtQ {
  readonly q: number;
  /** a_k² of tanh(√q ·), odd k only (tanh is odd). */
  readonly squares: Float64Array;
  readonly phiSqTotal: number;
  /** Σ k a_k² = q E φ′², the derivative series' value at c = 1. */
  readonly derivativeTotal: number;
}
// The c-map is evaluated many times at one q*, so one cached q suffices.
let lastSeries: SeriesAtQ | undefined;

function seriesAt(q: number): SeriesAtQ {
  if (lastSeries?.q === q) return lastSeries;
  const nodes = hermiteGridNodes();
  const sigma = Math.sqrt(q);
  const samples = new Float64Array(nodes.length);
  for (let j = 0; j < nodes.length; j++) samples[j] = Math.tanh(sigma * (nodes[j] as number));
  const totals = gaussianMoments(q);
  lastSeries = {
    q,
    squares: squaredHermiteCoefficients(samples, 1),
    phiSqTotal: totals.phiSq,
    derivativeTotal: q * totals.dphiSq,
  };
  return lastSeries;
}

/**
 * Mehler series: E φφ = Σ a_k² c^k and, by Price's theorem, E φ′φ′ = (1/q) Σ k a_k² c^{k−1}, so one
 * set of coefficients serves both and the estimate's slope is exactly consistent with its value.
 */
function correlatedMomentsEstimate(
  q: number,
  c: number,
): CorrelatedMoments & { readonly errorBound: number } {
  if (q <= 0) return { phiPhi: 0, dphiDphi: 1, errorBound: 0 };
  const clamped = Math.min(1, Math.max(-1, c));
  if (q > SERIES_MAX_Q) return { ...directCorrelatedMoments(q, clamped), errorBound: 0 };
  const series = seriesAt(q);
  const phiPhi = evaluateHermiteSeries(series.squares, 1, series.phiSqTotal, clamped);
  const derivative = evaluateHermiteSeriesDerivative(series.squares, 1, series.derivativeTotal, clamped);
  return {
    phiPhi: phiPhi.value,
    dphiDphi: derivative.value / q,
    errorBound: Math.max(phiPhi.errorBound, derivative.errorBound / q),
  };
}

/**
 * Direct 2-D quadrature, writing u_i = √(qc) z + √(q(1−c)) ζ_i with independent ζ_i (c ≥ 0):
 * E φ(u₁)φ(u₂) = E_z[g(√(qc) z)²] with g(m) = E_ζ tanh(m + √(q(1−c)) ζ), likewise for φ′.
 * tanh is odd and tanh′ even, so negative correlations mirror positive ones.
 */
function directCorrelatedMoments(q: number, c: number): CorrelatedMoments {
  if (c < 0) {
    const mirrored = directCorrelatedMoments(q, -c);
    return { phiPhi: -mirrored.phiPhi, dphiDphi: mirrored.dphiDphi };
  }
  const a = Math.sqrt(q * c);
  const b = Math.sqrt(q * (1 - c));
  const outerStep = gridStep(a);
  const outerDensities = midpointDensities(outerStep, Math.ceil(EXTENT / outerStep));
  // Inner rule: trapezoid on the whole line, or the single point ζ = 0 when b = 0 (c = 1).
  const innerStep = gridStep(b);
  const innerHalfCount = b > 0 ? Math.ceil(EXTENT / innerStep) : 0;
  const innerWeights = new Float64Array(2 * innerHalfCount + 1);
  for (let i = -innerHalfCount; i <= innerHalfCount; i++) {
    innerWeights[i + innerHalfCount] = innerHalfCount > 0 ? normalPdf(i * innerStep) * innerStep : 1;
  }
  let phiPhi = 0;
  let dphiDphi = 0;
  for (let j = 0; j < outerDensities.length; j++) {
    const m = a * (j + 0.5) * outerStep;
    let g = 0;
    let h = 0;
    for (let i = -innerHalfCount; i <= innerHalfCount; i++) {
      const t = Math.tanh(m + b * i * innerStep);
      const w = innerWeights[i + innerHalfCount] as number;
      g += w * t;
      h += w * (1 - t * t);
    }
    const w = outerDensities[j] as number;
    phiPhi += w * g * g;
    dphiDphi += w * h * h;
  }
  return { phiPhi: phiPhi * 2 * outerStep, dphiDphi: dphiDphi * 2 * outerStep };
}

// Below this smoothing width b the inner expectation E tanh(m + bζ) takes a Gauss–Hermite rule of
// NARROW_SMOOTHING_NODES nodes (error ~e^{−2·(π/2b)·√(2n)} ≈ 1e-12 at b = 0.75), a third of the
// trapezoid's nodes; this is the case c → 1 that the Mehler series hands over.
const NARROW_SMOOTHING = 0.75;
const NARROW_SMOOTHING_NODES = 24;

/**
 * Direct 2-D quadrature at variances qa, qb and correlation c ≥ 0, generalizing
 * directCorrelatedMoments: u = √(c qa) z + √((1−c) qa) ζ₁, u′ = √(c qb) z + √((1−c) qb) ζ₂, so
 * E f(u)g(u′) = E_z[F(√(c qa) z) G(√(c qb) z)] with F, G the Gaussian smoothings of f, g over ζ.
 */
function directKernelMoments(qa: number, qb: number, c: number): CorrelatedMoments {
  const outerA = Math.sqrt(qa * c);
  const outerB = Math.sqrt(qb * c);
  const outerStep = gridStep(Math.max(outerA, outerB));
  const outerDensities = midpointDensities(outerStep, Math.ceil(EXTENT / outerStep));
  const smoothing = (variance: number) => {
    const b = Math.sqrt(variance * (1 - c));
    let offsets: Float64Array;
    let weights: Float64Array;
    if (b <= NARROW_SMOOTHING) {
      // tanh(m + bζ) has its poles at Im ζ = ±π/(2b) ≥ 2.1: Gauss–Hermite converges fast.
      const rule = gaussHermiteRule(NARROW_SMOOTHING_NODES);
      offsets = rule.nodes.map((zeta) => b * zeta);
      weights = rule.weights;
    } else {
      // The whole line by the trapezoid rule.
      const step = gridStep(b);
      const halfCount = Math.ceil(EXTENT / step);
      offsets = new Float64Array(2 * halfCount + 1);
      weights = new Float64Array(2 * halfCount + 1);
      for (let i = -halfCount; i <= halfCount; i++) {
        offsets[i + halfCount] = b * i * step;
        weights[i + halfCount] = normalPdf(i * step) * step;
      }
    }
    // (E tanh(m + bζ), E tanh′(m + bζ))
    return (m: number): [number, number] => {
      let value = 0;
      let slope = 0;
      for (let i = 0; i < offsets.length; i++) {
        const t = Math.tanh(m + (offsets[i] as number));
        const w = weights[i] as number;
        value += w * t;
        slope += w * (1 - t * t);
      }
      return [value, slope];
    };
  };
  const smoothA = smoothing(qa);
  const smoothB = qb === qa ? smoothA : smoothing(qb);
  let phiPhi = 0;
  let dphiDphi = 0;
  // The integrand is even in z (a product of two odd or of two even functions): twice z > 0.
  for (let j = 0; j < outerDensities.length; j++) {
    const z = (j + 0.5) * outerStep;
    const [fa, da] = smoothA(outerA * z);
    const [fb, db] = smoothB(outerB * z);
    const w = outerDensities[j] as number;
    phiPhi += w * fa * fb;
    dphiDphi += w * da * db;
  }
  return { phiPhi: phiPhi * 2 * outerStep, dphiDphi: dphiDphi * 2 * outerStep };
}

/**
 * The Mehler coefficients of tanh(√q ·)/√q at a reference variance q, with their q-derivatives, so
 * that any variance within a relative BUCKET_WIDTH of q gets its own coefficients to second order.
 */
interface NormalizedSeries {
  readonly q: number;
  /** α_k = a_k(q)/√q for odd k (a_k the normalized Hermite coefficients of tanh(√q ·)), and dα_k/dq. */
  readonly alphas: Float64Array;
  readonly alphaSlopes: Float64Array;
  /**
   * √(grid weight)·tanh(√q z)/√q and √(grid weight)·tanh′(√q z) on the grid, with their q-derivatives:
   * their dot products are the 1-D cross moments at c = 1.
   */
  readonly values: Float64Array;
  readonly valueSlopes: Float64Array;
  readonly derivatives: Float64Array;
  readonly derivativeSlopes: Float64Array;
  /**
   * Tails of Σ α_k², Σ k α_k², Σ k² α_k² beyond the truncation, from their exact sums E φ²/q, E φ′²
   * and q E φ″² + E φ′² (Price's theorem at c = 1, twice); at most ~1e-6 relative off for variances
   * in the bucket, harmless in a bound.
   */
  readonly tails: readonly [number, number, number];
}
// Variances are bucketed by ln q in steps of 1/BUCKETS_PER_UNIT_LOG, so |q − q_ref| ≤ 5e-7·q and the
// first-order Taylor step in q errs by ~½(5e-7)²·q²|α″| ≈ 1e-13. The NTK's inputs are standardized to
// one norm up to float32 rounding (~1e-7), so a layer's D variances share one or two buckets.
const BUCKETS_PER_UNIT_LOG = 2 ** 20;
const NORMALIZED_SERIES_CACHE = 256;
const normalizedSeriesCache = new Map<number, NormalizedSeries>();

function computeNormalizedSeries(q: number): NormalizedSeries {
  const nodes = hermiteGridNodes();
  const step = (nodes[1] as number) - (nodes[0] as number);
  const sigma = Math.sqrt(q);
  const size = nodes.length;
  const samples = new Float64Array(size);
  const sampleSlopes = new Float64Array(size);
  const values = new Float64Array(size);
  const valueSlopes = new Float64Array(size);
  const derivatives = new Float64Array(size);
  const derivativeSlopes = new Float64Array(size);
  let curvatureSq = 0;
  for (let j = 0; j < size; j++) {
    const z = nodes[j] as number;
    const t = Math.tanh(sigma * z);
    const sechSq = 1 - t * t;
    // Midpoints on z > 0 of even integrands: twice the half-line sum.
    const weight = 2 * step * normalPdf(z);
    const root = Math.sqrt(weight);
    // d/dq of tanh(√q z)/√q and of tanh′(√q z) = sech²(√q z).
    const sampleSlope = (z * sechSq) / (2 * q) - t / (2 * q * sigma);
    const derivativeSlope = (-t * sechSq * z) / sigma;
    samples[j] = t / sigma;
    sampleSlopes[j] = sampleSlope;
    values[j] = root * (t / sigma);
    valueSlopes[j] = root * sampleSlope;
    derivatives[j] = root * sechSq;
    derivativeSlopes[j] = root * derivativeSlope;
    curvatureSq += weight * 4 * t * t * sechSq * sechSq;
  }
  const alphas = hermiteCoefficients(samples, 1);
  const totals = gaussianMoments(q);
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  for (let k = 1; k < alphas.length; k += 2) {
    const square = (alphas[k] as number) ** 2;
    sum0 += square;
    sum1 += k * square;
    sum2 += k * k * square;
  }
  const tail = (total: number, sum: number): number => Math.max(0, total - sum);
  return {
    q,
    alphas,
    alphaSlopes: hermiteCoefficients(sampleSlopes, 1),
    values,
    valueSlopes,
    derivatives,
    derivativeSlopes,
    tails: [
      tail(totals.phiSq / q, sum0),
      tail(totals.dphiSq, sum1),
      tail(q * curvatureSq + totals.dphiSq, sum2),
    ],
  };
}

function normalizedSeriesNear(q: number): NormalizedSeries {
  const key = Math.round(Math.log(q) * BUCKETS_PER_UNIT_LOG);
  let series = normalizedSeriesCache.get(key);
  if (!series) {
    series = computeNormalizedSeries(Math.exp(key / BUCKETS_PER_UNIT_LOG));
    if (normalizedSeriesCache.size >= NORMALIZED_SERIES_CACHE) normalizedSeriesCache.clear();
    normalizedSeriesCache.set(key, series);
  }
  return series;
}

// At q = 0, tanh(√q z)/√q → z: α₁ = 1 and nothing else (tanh′(0) = 1 at every node).
const LINEAR_LIMIT: NormalizedSeries = (() => {
  const nodes = hermiteGridNodes();
  const step = (nodes[1] as number) - (nodes[0] as number);
  const values = new Float64Array(nodes.length);
  const derivatives = new Float64Array(nodes.length);
  for (let j = 0; j < nodes.length; j++) {
    const root = Math.sqrt(2 * step * normalPdf(nodes[j] as number));
    values[j] = root * (nodes[j] as number);
    derivatives[j] = root;
  }
  const zeros = new Float64Array(nodes.length);
  return {
    q: 0,
    alphas: Float64Array.of(0, 1),
    alphaSlopes: Float64Array.of(0, 0),
    values,
    valueSlopes: zeros,
    derivatives,
    derivativeSlopes: zeros,
    tails: [0, 0, 0],
  };
})();

/** Σ_j (x_j + δx·x′_j)(y_j + δy·y′_j): the dot product of two first-order Taylor steps. */
function taylorDot(
  x: Float64Array,
  xSlope: Float64Array,
  dx: number,
  y: Float64Array,
  ySlope: Float64Array,
  dy: number,
): number {
  let sum = 0;
  for (let j = 0; j < x.length; j++)
    sum += ((x[j] as number) + dx * (xSlope[j] as number)) * ((y[j] as number) + dy * (ySlope[j] as number));
  return sum;
}

function directSigned(va: number, vb: number, c: number): CorrelatedMoments {
  const moments = directKernelMoments(va, vb, Math.abs(c));
  return { phiPhi: c < 0 ? -moments.phiPhi : moments.phiPhi, dphiDphi: moments.dphiDphi };
}

/**
 * E φ(u)φ(u′), E φ′(u)φ′(u′) at variances qa, qb: the Mehler series with the coefficients of the two
 * variances, E φφ = √(qa qb) Σ α_k(qa) α_k(qb) c^k and (Price) E φ′φ′ = Σ k α_k(qa) α_k(qb) c^{k−1}.
 * Truncated at K, each errs by at most |c|^{K+1}·√(tail_a tail_b) (Cauchy–Schwarz on the tails).
 * Near c = 1 that is not small enough, so the missing sum, known exactly at c = 1 from the 1-D cross
 * moments E φ(√qa z)φ(√qb z) and E φ′φ′ on the grid, is placed at the next power: exact at c = 1,
 * and since |c^k − c^{K+1}| ≤ (k − K − 1)(1 − c) the error is then also ≤ (1 − c)·√(tail′_a tail′_b)
 * with the next moment's tails. Where neither bound is below KERNEL_SERIES_TOLERANCE, or q is past the
 * grid's reach, direct 2-D quadrature. tanh is odd: negative c mirrors positive c.
 */
function kernelMoments(qa: number, qb: number, qab: number): CorrelatedMoments {
  const c = kernelCorrelation(qa, qb, qab);
  const va = Math.max(0, qa);
  const vb = Math.max(0, qb);
  if (va > SERIES_MAX_Q || vb > SERIES_MAX_Q) return directSigned(va, vb, c);
  const a = va > 0 ? normalizedSeriesNear(va) : LINEAR_LIMIT;
  const b = vb > 0 ? normalizedSeriesNear(vb) : LINEAR_LIMIT;
  const da = va - a.q;
  const db = vb - b.q;
  const absC = Math.abs(c);
  const cSq = absC * absC;
  const degree = Math.min(a.alphas.length, b.alphas.length) - 1;
  let value = 0;
  let derivative = 0;
  let partialValue = 0;
  let partialDerivative = 0;
  for (let k = degree % 2 === 1 ? degree : degree - 1; k >= 1; k -= 2) {
    const product =
      ((a.alphas[k] as number) + da * (a.alphaSlopes[k] as number)) *
      ((b.alphas[k] as number) + db * (b.alphaSlopes[k] as number));
    // Horner in c² over the odd degrees: Σ p_k c^{k−1} and Σ k p_k c^{k−1}.
    value = value * cSq + product;
    derivative = derivative * cSq + k * product;
    partialValue += product;
    partialDerivative += k * product;
  }
  value *= absC;
  const sign = c < 0 ? -1 : 1;
  const scale = Math.sqrt(va * vb);
  const [a0, a1, a2] = a.tails;
  const [b0, b1, b2] = b.tails;
  // c^K: the first missing odd degree is K + 1, so |c|^{K+1} for E φφ and |c|^K for E φ′φ′.
  const power = Math.pow(absC, degree);
  const truncationBound = Math.max(scale * Math.sqrt(a0 * b0) * power * absC, Math.sqrt(a1 * b1) * power);
  if (truncationBound <= KERNEL_SERIES_TOLERANCE)
    return { phiPhi: sign * scale * value, dphiDphi: derivative };
  const oneMinusC = 1 - absC;
  const placedBound = Math.max(
    scale * Math.min(Math.sqrt(a0 * b0) * power * absC, oneMinusC * Math.sqrt(a1 * b1)),
    Math.min(Math.sqrt(a1 * b1) * power, oneMinusC * Math.sqrt(a2 * b2)),
  );
  if (placedBound > KERNEL_SERIES_TOLERANCE) return directSigned(va, vb, c);
  const valueTail = taylorDot(a.values, a.valueSlopes, da, b.values, b.valueSlopes, db) - partialValue;
  const derivativeTail =
    taylorDot(a.derivatives, a.derivativeSlopes, da, b.derivatives, b.derivativeSlopes, db) -
    partialDerivative;
  return {
    phiPhi: sign * scale * (value + valueTail * power * absC),
    dphiDphi: derivative + derivativeTail * power,
  };
}

function correlatedMoments(q: number, c: number): CorrelatedMoments {
  const estimate = correlatedMomentsEstimate(q, c);
  if (estimate.errorBound <= SERIES_TOLERANCE)
    return { phiPhi: estimate.phiPhi, dphiDphi: estimate.dphiDphi };
  return directCorrelatedMoments(q, Math.min(1, Math.max(-1, c)));
}

/** Hyperbolic tangent: the smooth saturating activation of Pennington et al. (2017). */
export const tanh = defineActivation({
  id: 'tanh',
  label: 'tanh',
  formula: 'φ(h) = tanh h',
  phi: (x) => Math.tanh(x),
  dphi: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
  d2phi: (x) => {
    const t = Math.tanh(x);
    return -2 * t * (1 - t * t);
  },
  positivelyHomogeneous: false,
  phiSqSup: 1,
  gaussianMoments,
  correlatedMoments,
  correlatedMomentsEstimate,
  kernelMoments,
});
