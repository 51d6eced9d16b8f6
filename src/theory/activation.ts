/** The activations the lab offers. */
export type ActivationId = 'tanh' | 'hardtanh' | 'relu' | 'linear' | 'erf';

/** One-dimensional Gaussian moments at h ~ N(0, q), computed together because they share φ(h). */
export interface GaussianMoments {
  /** E φ(h)² */
  readonly phiSq: number;
  /** E φ′(h)² (μ₁) */
  readonly dphiSq: number;
  /** E φ′(h)⁴ (μ₂) */
  readonly dphi4: number;
  /** E φ″(h) φ(h); with dphiSq it gives d/dq E φ(h)² = E[φ′² + φ″φ] (Gaussian integration by parts). */
  readonly d2phiPhi: number;
}

/** Two-dimensional moments at (u₁, u₂) Gaussian with variances q and correlation c. */
export interface CorrelatedMoments {
  /** E φ(u₁) φ(u₂) */
  readonly phiPhi: number;
  /** E φ′(u₁) φ′(u₂) */
  readonly dphiDphi: number;
}

/**
 * An activation: the pointwise function the networks apply and the Gaussian maps the theory needs,
 * in one object (as in neural-tangents' stax), so the finite network and its infinite-width theory
 * cannot drift apart. Expectations are over h = √q z, z ~ N(0, 1), or over
 * u₁ = √q z₁, u₂ = √q (c z₁ + √(1 − c²) z₂). At q = 0 they return the limit q → 0⁺.
 */
export interface Activation {
  readonly id: ActivationId;
  /** Short display name, e.g. 'tanh'. */
  readonly label: string;
  /** One-line definition, e.g. 'φ(h) = tanh h'. */
  readonly formula: string;
  phi(x: number): number;
  dphi(x: number): number;
  /** φ″ where it exists; 0 at a kink (its delta mass is accounted for in the Gaussian maps). */
  d2phi(x: number): number;
  /**
   * φ(αh) = αφ(h) for α > 0 (ReLU, linear): the length map is then affine in q and every
   * normalized quantity (χ₁, the correlation map, the Jacobian spectrum) is independent of q.
   */
  readonly positivelyHomogeneous: boolean;
  /** sup φ²; finite for the saturating activations, which bounds q* by σ_w²·sup φ² + σ_b². */
  readonly phiSqSup: number;
  gaussianMoments(q: number): GaussianMoments;
  correlatedMoments(q: number, c: number): CorrelatedMoments;
  /**
   * A cheaper estimate of correlatedMoments with a bound on its error, for iterative solvers that
   * converge on the estimate and then polish with the accurate map. Absent where the accurate
   * map is already cheap (closed forms).
   */
  readonly correlatedMomentsEstimate?: (
    q: number,
    c: number,
  ) => CorrelatedMoments & { readonly errorBound: number };
  /**
   * E φ(u)φ(u′) and E φ′(u)φ′(u′) for (u, u′) Gaussian with variances qa, qb and covariance qab,
   * the general case the NTK needs (inputs of different norms). With qa = qb = q it equals
   * correlatedMoments(q, qab/q). |qab| is clamped to √(qa qb). A zero variance is the limit q → 0⁺
   * with the correlation taken as 0 against a non-zero variance (the two are independent) and as 1
   * when both vanish (the inputs coincide), so that the diagonal matches gaussianMoments(0).
   */
  kernelMoments(qa: number, qb: number, qab: number): CorrelatedMoments;
  /** E φ(√q z)² */
  meanPhiSq(q: number): number;
  /** E φ′(√q z)² */
  meanDphiSq(q: number): number;
  /** E φ′(√q z)⁴ */
  meanDphi4(q: number): number;
  /** E φ″(√q z) φ(√q z) */
  meanD2phiPhi(q: number): number;
  /** E φ(u₁) φ(u₂) */
  meanPhiPhi(q: number, c: number): number;
  /** E φ′(u₁) φ′(u₂) */
  meanDphiDphi(q: number, c: number): number;
  /**
   * p(q) = P(φ′(√q z) = 1), the fraction of units in the linear regime, for piecewise-linear φ
   * whose slope is 0 or 1 (Pennington et al. 2017; Hlav §3). Absent for smooth φ.
   */
  readonly linearFraction?: (q: number) => number;
}

/**
 * The correlation c = qab/√(qa qb) of kernelMoments, clamped to [−1, 1], with its conventions at zero
 * variance (0 against a non-zero variance, 1 when both vanish).
 */
export function kernelCorrelation(qa: number, qb: number, qab: number): number {
  if (!(qa > 0 && qb > 0)) return qa === qb ? 1 : 0;
  const c = qab / Math.sqrt(qa * qb);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** What a concrete activation defines; the convenience accessors are derived from it. */
export type ActivationDefinition = Omit<
  Activation,
  'meanPhiSq' | 'meanDphiSq' | 'meanDphi4' | 'meanD2phiPhi' | 'meanPhiPhi' | 'meanDphiDphi'
>;

export function defineActivation(definition: ActivationDefinition): Activation {
  return {
    ...definition,
    meanPhiSq: (q) => definition.gaussianMoments(q).phiSq,
    meanDphiSq: (q) => definition.gaussianMoments(q).dphiSq,
    meanDphi4: (q) => definition.gaussianMoments(q).dphi4,
    meanD2phiPhi: (q) => definition.gaussianMoments(q).d2phiPhi,
    meanPhiPhi: (q, c) => definition.correlatedMoments(q, c).phiPhi,
    meanDphiDphi: (q, c) => definition.correlatedMoments(q, c).dphiDphi,
  };
}
