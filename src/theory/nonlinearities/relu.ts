import { defineActivation, kernelCorrelation, type CorrelatedMoments } from '../activation.ts';

/**
 * The degree-1 and degree-0 arc-cosine kernels (Cho & Saul 2009) at unit variances: with θ = arccos c,
 * E φ(z₁)φ(z₂) = (sin θ + (π − θ) cos θ)/(2π),  E φ′(z₁)φ′(z₂) = (π − θ)/(2π).
 */
function arcCosine(c: number): CorrelatedMoments {
  const clamped = Math.min(1, Math.max(-1, c));
  const theta = Math.acos(clamped);
  return {
    phiPhi: (Math.sqrt(1 - clamped * clamped) + (Math.PI - theta) * clamped) / (2 * Math.PI),
    dphiDphi: (Math.PI - theta) / (2 * Math.PI),
  };
}

/**
 * φ(h) = max(h, 0). Positive homogeneity makes every map the arc-cosine kernel of the correlation,
 * scaled: E φ(u)φ(u′) = √(qa qb)·J₁(c), E φ′(u)φ′(u′) = J₀(c).
 * φ″ is a delta at 0 where φ vanishes, so E φ″φ = 0.
 */
export const relu = defineActivation({
  id: 'relu',
  label: 'ReLU',
  formula: 'φ(h) = max(h, 0)',
  phi: (x) => (x > 0 ? x : 0),
  dphi: (x) => (x > 0 ? 1 : 0),
  d2phi: () => 0,
  positivelyHomogeneous: true,
  phiSqSup: Infinity,
  gaussianMoments: (q) => ({ phiSq: q / 2, dphiSq: 0.5, dphi4: 0.5, d2phiPhi: 0 }),
  correlatedMoments: (q, c) => {
    const unit = arcCosine(c);
    return { phiPhi: q * unit.phiPhi, dphiDphi: unit.dphiDphi };
  },
  kernelMoments: (qa, qb, qab) => {
    const unit = arcCosine(kernelCorrelation(qa, qb, qab));
    return { phiPhi: Math.sqrt(Math.max(0, qa) * Math.max(0, qb)) * unit.phiPhi, dphiDphi: unit.dphiDphi };
  },
  linearFraction: () => 0.5,
});
