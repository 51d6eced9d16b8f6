import {
  defineActivation,
  kernelCorrelation,
  type CorrelatedMoments,
  type GaussianMoments,
} from '../activation.ts';
import { gaussLegendreRule } from '../quadrature.ts';
import { erf, erfc, normalPdf } from '../specialFunctions.ts';

/** p(q) = P(|h| < 1) for h ~ N(0, q) = erf(1/√(2q)). */
function linearFraction(q: number): number {
  if (q <= 0) return 1;
  return erf(1 / Math.sqrt(2 * q));
}

/**
 * One-dimensional maps split at the kinks h = ±1, i.e. z = ±a with a = 1/√q:
 * E φ² = q(p − 2aϕ(a)) + (1 − p) since E[z²; |z| < a] = p − 2aϕ(a);
 * φ′ ∈ {0, 1} so E φ′² = E φ′⁴ = p; φ″ = δ(h + 1) − δ(h − 1) gives E φ″φ = −2·density(1) = −2aϕ(a).
 */
function gaussianMoments(q: number): GaussianMoments {
  if (q <= 0) return { phiSq: 0, dphiSq: 1, dphi4: 1, d2phiPhi: 0 };
  if (q === Infinity) return { phiSq: 1, dphiSq: 0, dphi4: 0, d2phiPhi: 0 };
  const a = 1 / Math.sqrt(q);
  const p = linearFraction(q);
  const kinkDensity = a * normalPdf(a);
  return {
    phiSq: q * (p - 2 * kinkDensity) + erfc(a / Math.SQRT2),
    dphiSq: p,
    dphi4: p,
    d2phiPhi: -2 * kinkDensity,
  };
}

// The θ-integrands below are smooth on [−π/2, π/2] (the second exponential vanishes with all its
// derivatives at θ = π/2), but for large q that exponential switches on within ~√(2/q) of π/2:
// 64 Gauss–Legendre nodes keep the error near 1e-14 up to q ≈ 10 (1e-12 at q = 30); 40 gave 1e-10.
const THETA_NODES = 64;

/**
 * Two-dimensional maps without quadrature at the kinks. By Price's theorem d/dc E f(u₁)g(u₂) =
 * q E f′(u₁)g′(u₂). Since φ″ is a pair of deltas, E φ″(u₁)φ″(u₂) is a sum of four bivariate densities
 * at (±1, ±1), and with c = sin θ
 *   E φ′φ′(c) = p² + (1/π) ∫₀^{arcsin c} G(θ) dθ,  G(θ) = e^{−1/(q(1+sin θ))} − e^{−1/(q(1−sin θ))},
 * and integrating once more from E φφ(0) = (E φ)² = 0 (Taylor remainder form)
 *   E φφ(c) = q [p² c + (1/π) ∫₀^{arcsin c} G(θ)(c − sin θ) dθ].
 */
function correlatedMoments(q: number, c: number): CorrelatedMoments {
  if (q <= 0) return { phiPhi: 0, dphiDphi: 1 };
  const clamped = Math.min(1, Math.max(-1, c));
  const p = linearFraction(q);
  const thetaEnd = Math.asin(clamped);
  const { nodes, weights } = gaussLegendreRule(THETA_NODES);
  const half = thetaEnd / 2;
  let integralG = 0;
  let integralGWeighted = 0;
  for (let i = 0; i < nodes.length; i++) {
    const theta = half * (1 + (nodes[i] as number));
    const sinTheta = Math.sin(theta);
    const g = Math.exp(-1 / (q * (1 + sinTheta))) - Math.exp(-1 / (q * (1 - sinTheta)));
    const w = (weights[i] as number) * half;
    integralG += w * g;
    integralGWeighted += w * g * (clamped - sinTheta);
  }
  return {
    phiPhi: q * (p * p * clamped + integralGWeighted / Math.PI),
    dphiDphi: p * p + integralG / Math.PI,
  };
}

// Nodes of the general (unequal-variance) maps: a panel θ ∈ [0, π/4], where cos²θ ≥ 1/2 keeps the
// integrand smooth, then panels in w = π/2 − θ halving towards w = 0 (see kinkIntegrals). Measured
// against composite rules with 30 nodes on panels of ratio 0.8: errors below 2e-14 for
// 1/√q ∈ [0.45, 5], |a − b| from 0 to 1, and every c; 8 nodes per panel gave 6e-12.
const SMOOTH_PANEL_NODES = 24;
const HALVING_PANEL_NODES = 10;
// Below this w the integrand (≤ 1) is dropped: an error ≤ 1e-12/π, which matters only for a = b.
const W_FLOOR = 1e-12;

/**
 * The integrals of kernelMoments over θ ∈ [0, asin c] with c ≥ 0, for kink positions a = 1/√qa and
 * b = 1/√qb in standard units: ∫ G dθ and ∫ G (c − sin θ) dθ with
 *   G(θ) = e^{−(a² + b² − 2ab sin θ)/(2cos²θ)} − e^{−(a² + b² + 2ab sin θ)/(2cos²θ)}.
 * Near θ = π/2 (w = π/2 − θ → 0) the first exponent is (a − b)²/(2 sin²w) + ab/(1 + cos w): for
 * a ≈ b it switches off at w ≈ |a − b|, and the second exponential switches on at w ≈ a + b. Both are
 * functions of w/scale, which panels halving in w resolve at any scale; below w = |a − b|/8 the first
 * exponential is under e^{−32} and the second under that, so the panels stop there (or at acos c).
 */
function kinkIntegrals(a: number, b: number, c: number): { g: number; gWeighted: number } {
  const diffSq = (a - b) * (a - b);
  const sumSq = a * a + b * b;
  const ab = a * b;
  const oneMinusC = 1 - c;
  let g = 0;
  let gWeighted = 0;
  // With s = sin θ and cos²θ, passed accurately by each panel; cMinusS = c − sin θ.
  const add = (weight: number, s: number, cosSq: number, cMinusS: number): void => {
    const value =
      Math.exp(-diffSq / (2 * cosSq) - ab / (1 + s)) - Math.exp(-(sumSq + 2 * ab * s) / (2 * cosSq));
    g += weight * value;
    gWeighted += weight * value * cMinusS;
  };
  const thetaEnd = Math.asin(c);
  const smoothEnd = Math.min(thetaEnd, Math.PI / 4);
  if (smoothEnd > 0) {
    const { nodes, weights } = gaussLegendreRule(SMOOTH_PANEL_NODES);
    const half = smoothEnd / 2;
    for (let i = 0; i < nodes.length; i++) {
      const theta = half * (1 + (nodes[i] as number));
      const s = Math.sin(theta);
      const cosTheta = Math.cos(theta);
      add((weights[i] as number) * half, s, cosTheta * cosTheta, c - s);
    }
  }
  if (thetaEnd > Math.PI / 4) {
    // π/2 − asin c = acos c, without the cancellation of the subtraction.
    const lowest = Math.max(Math.acos(c), Math.abs(a - b) / 8, W_FLOOR);
    const { nodes, weights } = gaussLegendreRule(HALVING_PANEL_NODES);
    for (let upper = Math.PI / 4; upper > lowest; upper /= 2) {
      const lower = Math.max(lowest, upper / 2);
      const half = (upper - lower) / 2;
      for (let i = 0; i < nodes.length; i++) {
        const w = lower + half * (1 + (nodes[i] as number));
        const sinW = Math.sin(w);
        const halfSin = Math.sin(w / 2);
        // sin θ = cos w, cos²θ = sin²w, c − cos w = 2 sin²(w/2) − (1 − c): no cancellation near c = 1.
        add((weights[i] as number) * half, Math.cos(w), sinW * sinW, 2 * halfSin * halfSin - oneMinusC);
      }
    }
  }
  return { g, gWeighted };
}

/**
 * The general maps, at variances qa, qb and covariance qab, by the same two applications of Price's
 * theorem as correlatedMoments (∂/∂qab E f(u)g(u′) = E f′(u)g′(u′)): E φ″(u)φ″(u′) is four bivariate
 * densities at (±1, ±1), and with qab = √(qa qb) sin θ
 *   E φ′φ′ = p_a p_b + (1/π) ∫₀^{asin c} G(θ) dθ,  E φφ = √(qa qb) [p_a p_b c + (1/π) ∫₀^{asin c} G(θ)(c − sin θ) dθ],
 * which are exact at the kinks: the only numerical step is the quadrature of a smooth integrand
 * (the Sheppard/Drezner form of the bivariate normal probability P(|u| < 1, |u′| < 1) = E φ′φ′).
 * φ is odd and φ′ even, so a negative covariance mirrors a positive one.
 */
function kernelMoments(qa: number, qb: number, qab: number): CorrelatedMoments {
  const c = kernelCorrelation(qa, qb, qab);
  if (!(qa > 0 && qb > 0)) {
    // u or u′ is 0, where φ = 0 and φ′ = 1.
    return { phiPhi: 0, dphiDphi: linearFraction(Math.max(0, qa)) * linearFraction(Math.max(0, qb)) };
  }
  const pp = linearFraction(qa) * linearFraction(qb);
  const { g, gWeighted } = kinkIntegrals(1 / Math.sqrt(qa), 1 / Math.sqrt(qb), Math.abs(c));
  const phiPhi = Math.sqrt(qa * qb) * (pp * Math.abs(c) + gWeighted / Math.PI);
  return { phiPhi: c < 0 ? -phiPhi : phiPhi, dphiDphi: pp + g / Math.PI };
}

/** Hard-tanh, clip(h, −1, 1): linear with slope 1 on |h| < 1, saturated outside. */
export const hardTanh = defineActivation({
  id: 'hardtanh',
  label: 'hard-tanh',
  formula: 'φ(h) = clip(h, −1, 1)',
  phi: (x) => (x > 1 ? 1 : x < -1 ? -1 : x),
  dphi: (x) => (Math.abs(x) < 1 ? 1 : 0),
  d2phi: () => 0,
  positivelyHomogeneous: false,
  phiSqSup: 1,
  gaussianMoments,
  correlatedMoments,
  kernelMoments,
  linearFraction,
});
