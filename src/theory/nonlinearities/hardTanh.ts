import { defineActivation, type CorrelatedMoments, type GaussianMoments } from '../activation.ts';
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
  linearFraction,
});
