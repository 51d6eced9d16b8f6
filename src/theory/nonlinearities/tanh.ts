import { defineActivation, type CorrelatedMoments, type GaussianMoments } from '../activation.ts';
import {
  evaluateHermiteSeries,
  evaluateHermiteSeriesDerivative,
  hermiteGridNodes,
  squaredHermiteCoefficients,
} from '../hermiteSeries.ts';
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
});
