import { resolveActivation } from './activations.ts';
import { fixedPointQ, type ActivationLike } from './lengthMap.ts';

/** Mean and variance of the eigenvalues of JJᵀ (the squared singular values of J). */
export interface SpectrumMoments {
  readonly meanSq: number;
  readonly variance: number;
}

export interface JacobianMoments {
  readonly gaussian: SpectrumMoments;
  readonly orthogonal: SpectrumMoments;
  /** q* at which the moments are evaluated (see fixedPointQ). */
  readonly qStar: number;
  readonly chi1: number;
  /** When the prediction holds, in words, for display next to it. */
  readonly holds: string;
}

/** First free cumulant term of S_{WᵀW}/σ_w^{-2}: −1 for Gaussian (Marchenko–Pastur), 0 for orthogonal. */
export const S1 = { gaussian: -1, orthogonal: 0 } as const;

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`depth must be a positive integer, got ${depth}`);
}

/**
 * Moments of the spectrum of JJᵀ, J = ∏ D^l W^l, for a depth-L network at the fixed point q*.
 *
 * Derivation: for free X, Y the mixed moments give m₁(XY) = m₁(X)m₁(Y) and
 * m₂(XY) = m₂(X)m₁(Y)² + m₁(X)²m₂(Y) − m₁(X)²m₁(Y)², so the normalized variance
 * v = m₂/m₁² − 1 is exactly additive under free multiplicative convolution (it is minus the first
 * coefficient of the S-transform). JJᵀ has the moments of the free product of L copies of D² and of
 * WᵀW: v(D²) = μ₂/μ₁² − 1 with μ_k = E φ′(√q* z)^{2k}, v(WᵀW) = −s₁ (1 for Gaussian, 0 for
 * orthogonal). With m₁(JJᵀ) = (σ_w² μ₁)^L = χ₁^L,
 *   Var = χ₁^{2L} · L (μ₂/μ₁² − 1 − s₁),
 * which is THEORY.md §3's L(μ₂/μ₁² − 1 − s₁) on the critical line. Linear φ: L (Gaussian), 0 (orthogonal).
 *
 * It holds for infinite width, with every layer's pre-activations at q* (input already at the
 * fixed point), and with the D^l and W^l asymptotically free; jacobianMoments.test.ts checks it
 * against sampled networks.
 */
export function jacobianMoments(
  act: ActivationLike,
  sw2: number,
  sb2: number,
  depth: number,
): JacobianMoments {
  checkDepth(depth);
  const activation = resolveActivation(act);
  const qStar = fixedPointQ(activation, sw2, sb2);
  // For ReLU and linear the law of φ′ does not depend on q, so an infinite or undefined q* is harmless.
  const qForSlopes = Number.isFinite(qStar) ? qStar : 1;
  const moments = activation.gaussianMoments(qForSlopes);
  const mu1 = moments.dphiSq;
  const mu2 = moments.dphi4;
  const chi = sw2 * mu1;
  const meanSq = Math.pow(chi, depth);
  // In log space, so that χ₁^{2L} can overflow while a zero bracket (linear, orthogonal) stays 0.
  const variance = (s1: number): number => {
    const bracket = mu1 > 0 ? mu2 / (mu1 * mu1) - 1 - s1 : 0;
    if (!(bracket > 0) || depth === 0) return 0;
    return Math.exp(2 * depth * Math.log(chi) + Math.log(depth * bracket));
  };
  const inputCondition = activation.positivelyHomogeneous
    ? 'for any input length (the law of φ′ does not depend on q)'
    : `with the input at the fixed point q* = ${qStar.toPrecision(4)}`;
  return {
    gaussian: { meanSq, variance: variance(S1.gaussian) },
    orthogonal: { meanSq, variance: variance(S1.orthogonal) },
    qStar,
    chi1: chi,
    holds: `Infinite width, ${inputCondition}, weights and derivatives asymptotically free.`,
  };
}

/** Largest squared singular value of J for piecewise-linear φ, Gaussian and orthogonal weights. */
export interface MaxSingularValueSquared {
  readonly gaussian: number;
  readonly orthogonal: number;
}

/**
 * s²_max for piecewise-linear φ with slopes in {0, 1} (ReLU, hard-tanh, linear), Pennington et al.
 * (2017) via Hlav §3, with p = p(q*) the linear fraction:
 *   Gaussian:   (σ_w² p)^L (eL/p)
 *   orthogonal: (σ_w² p)^L ((1 − p)/p) L^L/(L − 1)^{L−1}
 * evaluated in log space so that L = 1000 neither overflows nor underflows early. Both are
 * leading-order large-L results. The orthogonal one vanishes as p → 1 although s²_max can never be
 * below the mean eigenvalue χ₁^L, so it is clamped from below by χ₁^L (exact for linear φ).
 * Returns null for smooth φ (tanh, erf), which have no linear fraction.
 */
export function sMaxSquared(
  act: ActivationLike,
  sw2: number,
  sb2: number,
  depth: number,
): MaxSingularValueSquared | null {
  checkDepth(depth);
  const activation = resolveActivation(act);
  if (!activation.linearFraction) return null;
  const qStar = fixedPointQ(activation, sw2, sb2);
  const p = activation.linearFraction(Number.isFinite(qStar) ? qStar : 1);
  const logChiL = depth * Math.log(sw2 * p);
  const logGaussian = logChiL + Math.log((Math.E * depth) / p);
  const logDepthRatio = depth * Math.log(depth) - (depth > 1 ? (depth - 1) * Math.log(depth - 1) : 0);
  const logOrthogonal = logChiL + Math.log((1 - p) / p) + logDepthRatio;
  return { gaussian: Math.exp(logGaussian), orthogonal: Math.exp(Math.max(logOrthogonal, logChiL)) };
}
