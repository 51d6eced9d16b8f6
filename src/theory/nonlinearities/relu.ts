import { defineActivation } from '../activation.ts';

/**
 * φ(h) = max(h, 0). The correlated maps are the degree-1 and degree-0 arc-cosine kernels
 * (Cho & Saul 2009): with θ = arccos c,
 * E φ(u₁)φ(u₂) = q (sin θ + (π − θ) cos θ)/(2π),  E φ′(u₁)φ′(u₂) = (π − θ)/(2π).
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
    const clamped = Math.min(1, Math.max(-1, c));
    const theta = Math.acos(clamped);
    return {
      phiPhi: (q * (Math.sqrt(1 - clamped * clamped) + (Math.PI - theta) * clamped)) / (2 * Math.PI),
      dphiDphi: (Math.PI - theta) / (2 * Math.PI),
    };
  },
  linearFraction: () => 0.5,
});
