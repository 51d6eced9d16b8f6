import { defineActivation, kernelCorrelation } from '../activation.ts';
import { erf as errorFunction } from '../specialFunctions.ts';

// φ(h) = erf(βh) with β = √π/2 has slope 1 at 0, like tanh, so the two share σ_w² = 1 at σ_b² = 0.
const BETA = Math.sqrt(Math.PI) / 2;
const BETA_SQ = Math.PI / 4;

/**
 * Scaled error function. Every map is closed-form (Williams 1997, the arcsin kernel): with
 * s = 2β²q and φ′(h) = e^{−β²h²},
 * E φ(u₁)φ(u₂) = (2/π) arcsin(s c/(1 + s)),  E φ′(u₁)φ′(u₂) = 1/√((1 + s)² − s²c²),
 * E φ′⁴ = 1/√(1 + 4s), and E φ″φ = −s/((1 + s)√(1 + 2s)) from d/dq E φ² = E[φ′² + φ″φ].
 * At variances qa, qb and covariance qab (s_a = 2β²qa, s_b = 2β²qb, s_ab = 2β²qab):
 * E φ(u)φ(u′) = (2/π) arcsin(s_ab/√((1 + s_a)(1 + s_b))), and since φ′(u)φ′(u′) = e^{−β²(u² + u′²)},
 * E φ′φ′ = det(I + 2β²Σ)^{−1/2} = 1/√((1 + s_a)(1 + s_b) − s_ab²) (β = √π/2 makes 2β/√π = 1).
 */
export const erf = defineActivation({
  id: 'erf',
  label: 'erf',
  formula: 'φ(h) = erf(√π h / 2)  (slope 1 at 0, close to tanh)',
  phi: (x) => errorFunction(BETA * x),
  dphi: (x) => Math.exp(-BETA_SQ * x * x),
  d2phi: (x) => -2 * BETA_SQ * x * Math.exp(-BETA_SQ * x * x),
  positivelyHomogeneous: false,
  phiSqSup: 1,
  gaussianMoments: (q) => {
    const s = 2 * BETA_SQ * q;
    return {
      phiSq: (2 / Math.PI) * Math.asin(s / (1 + s)),
      dphiSq: 1 / Math.sqrt(1 + 2 * s),
      dphi4: 1 / Math.sqrt(1 + 4 * s),
      d2phiPhi: -s / ((1 + s) * Math.sqrt(1 + 2 * s)),
    };
  },
  correlatedMoments: (q, c) => {
    const s = 2 * BETA_SQ * q;
    return {
      phiPhi: (2 / Math.PI) * Math.asin((s * c) / (1 + s)),
      dphiDphi: 1 / Math.sqrt((1 + s) * (1 + s) - s * s * c * c),
    };
  },
  kernelMoments: (qa, qb, qab) => {
    const sa = 2 * BETA_SQ * Math.max(0, qa);
    const sb = 2 * BETA_SQ * Math.max(0, qb);
    // Through the clamped correlation, so that |s_ab| ≤ √(s_a s_b) and the determinant stays ≥ 1.
    const sab = kernelCorrelation(qa, qb, qab) * Math.sqrt(sa * sb);
    const product = (1 + sa) * (1 + sb);
    return {
      phiPhi: (2 / Math.PI) * Math.asin(sab / Math.sqrt(product)),
      dphiDphi: 1 / Math.sqrt(product - sab * sab),
    };
  },
});
