import { defineActivation } from '../activation.ts';

/** φ(h) = h: a deep linear network (Saxe et al. 2013). All maps are exact: E uu′ = qab, φ′ = 1. */
export const linear = defineActivation({
  id: 'linear',
  label: 'linear',
  formula: 'φ(h) = h',
  phi: (x) => x,
  dphi: () => 1,
  d2phi: () => 0,
  positivelyHomogeneous: true,
  phiSqSup: Infinity,
  gaussianMoments: (q) => ({ phiSq: q, dphiSq: 1, dphi4: 1, d2phiPhi: 0 }),
  correlatedMoments: (q, c) => ({ phiPhi: q * c, dphiDphi: 1 }),
  kernelMoments: (qa, qb, qab) => {
    const bound = Math.sqrt(Math.max(0, qa) * Math.max(0, qb));
    return { phiPhi: Math.min(bound, Math.max(-bound, qab)), dphiDphi: 1 };
  },
  linearFraction: () => 1,
});
