import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, getActivation, isActivationId, type ActivationId } from './activations.ts';
import { gaussHermiteRule, gaussianExpectation } from './quadrature.ts';
import { erf, normalPdf } from './specialFunctions.ts';
import { referenceGaussianExpectation, simpson } from './testkit/integrate.ts';

const kinks: Record<ActivationId, (q: number) => number[]> = {
  tanh: () => [],
  erf: () => [],
  linear: () => [],
  relu: () => [0],
  hardtanh: (q) => [-1 / Math.sqrt(q), 1 / Math.sqrt(q)],
};

/** E φ(u₁)φ(u₂) and E φ′(u₁)φ′(u₂) by nested Simpson integration (slow, independent). */
function referenceCorrelated(id: ActivationId, q: number, c: number): { phiPhi: number; dphiDphi: number } {
  const act = getActivation(id);
  const s = Math.sqrt(1 - c * c);
  const root = Math.sqrt(q);
  const inner = (f: (x: number) => number, z1: number): number => {
    // Kinks of f(√q(c z1 + s z2)) in z2.
    const breakpoints = kinks[id](q).map((k) => (k - c * z1) / s);
    return referenceGaussianExpectation((z2) => f(root * (c * z1 + s * z2)), breakpoints);
  };
  const outer = (g: (z1: number) => number): number => {
    const cuts = [-9, ...kinks[id](q).filter((k) => Math.abs(k) < 9), 9];
    let total = 0;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i] as number;
      const b = cuts[i + 1] as number;
      total += simpson((z) => normalPdf(z) * g(z), a + 1e-13 * (b - a), b - 1e-13 * (b - a), 400);
    }
    return total;
  };
  return {
    phiPhi: outer((z1) => act.phi(root * z1) * inner(act.phi, z1)),
    dphiDphi: outer((z1) => act.dphi(root * z1) * inner(act.dphi, z1)),
  };
}

describe('the activation registry', () => {
  it('lists every activation once, each reachable by id, with a label and formula', () => {
    expect(new Set(ACTIVATION_IDS).size).toBe(5);
    for (const id of ACTIVATION_IDS) {
      const act = getActivation(id);
      expect(act.id).toBe(id);
      expect(act.label.length).toBeGreaterThan(0);
      expect(act.formula).toMatch(/^φ\(h\) = /);
      expect(isActivationId(id)).toBe(true);
    }
    expect(isActivationId('sigmoid')).toBe(false);
    expect(() => getActivation('sigmoid' as ActivationId)).toThrow(RangeError);
    expect(getActivation('erf').formula).toContain('√π');
  });
});

describe.each(ACTIVATION_IDS)('%s', (id) => {
  const act = getActivation(id);

  it('has φ′ and φ″ consistent with φ away from kinks (finite differences)', () => {
    for (const x of [-2.3, -0.4, 0.3, 0.77, 1.9]) {
      const h = 1e-5;
      expect(act.dphi(x)).toBeCloseTo((act.phi(x + h) - act.phi(x - h)) / (2 * h), 8);
      expect(act.d2phi(x)).toBeCloseTo((act.dphi(x + h) - act.dphi(x - h)) / (2 * h), 6);
    }
  });

  it.each([0.01, 0.3, 1, 2.5, 5.5])('has 1-D Gaussian moments at q = %f matching direct integration', (q) => {
    const root = Math.sqrt(q);
    const breakpoints = kinks[id](q);
    const m = act.gaussianMoments(q);
    const ref = (f: (z: number) => number): number => referenceGaussianExpectation(f, breakpoints);
    expect(m.phiSq).toBeCloseTo(
      ref((z) => act.phi(root * z) ** 2),
      11,
    );
    expect(m.dphiSq).toBeCloseTo(
      ref((z) => act.dphi(root * z) ** 2),
      11,
    );
    expect(m.dphi4).toBeCloseTo(
      ref((z) => act.dphi(root * z) ** 4),
      11,
    );
    expect(act.meanPhiSq(q)).toBe(m.phiSq);
    expect(act.meanDphiSq(q)).toBe(m.dphiSq);
    expect(act.meanDphi4(q)).toBe(m.dphi4);
  });

  it('satisfies d/dq E φ² = E[φ′² + φ″φ] (Gaussian integration by parts, kinks included)', () => {
    for (const q of [0.2, 1, 3]) {
      const h = 1e-5 * q;
      const derivative = (act.meanPhiSq(q + h) - act.meanPhiSq(q - h)) / (2 * h);
      expect(act.meanDphiSq(q) + act.meanD2phiPhi(q)).toBeCloseTo(derivative, 7);
    }
  });

  it('has correlated moments matching nested integration', () => {
    for (const [q, c] of [
      [0.3, 0.5],
      [1.2, -0.4],
      [2, 0.9],
      [4, 0.97],
    ] as const) {
      const m = act.correlatedMoments(q, c);
      const ref = referenceCorrelated(id, q, c);
      // The nested Simpson reference itself is good to ~1e-8.
      expect(m.phiPhi).toBeCloseTo(ref.phiPhi, 7);
      expect(m.dphiDphi).toBeCloseTo(ref.dphiDphi, 7);
    }
  });

  it('reduces to the 1-D moments at c = 1 and obeys Price: d/dc E φφ = q E φ′φ′', () => {
    for (const q of [0.05, 0.8, 3, 5.5]) {
      const atOne = act.correlatedMoments(q, 1);
      expect(atOne.phiPhi).toBeCloseTo(act.meanPhiSq(q), 11);
      expect(atOne.dphiDphi).toBeCloseTo(act.meanDphiSq(q), 11);
      for (const c of [-0.5, 0.2, 0.8, 0.95]) {
        const h = 1e-5;
        const derivative = (act.meanPhiPhi(q, c + h) - act.meanPhiPhi(q, c - h)) / (2 * h);
        expect(q * act.meanDphiDphi(q, c)).toBeCloseTo(derivative, 7);
      }
    }
  });

  it('returns the q → 0 limits at q = 0', () => {
    const m = act.gaussianMoments(0);
    expect(m.phiSq).toBeCloseTo(0, 15);
    expect(m.d2phiPhi).toBeCloseTo(0, 15);
    expect(m.dphiSq).toBeCloseTo(id === 'relu' ? 0.5 : 1, 14);
  });
});

describe('closed forms against high-order quadrature', () => {
  const rule = gaussHermiteRule(200);
  it('erf: arcsin kernel and its derivatives', () => {
    const act = getActivation('erf');
    for (const q of [0.1, 0.7, 2]) {
      const root = Math.sqrt(q);
      expect(act.meanPhiSq(q)).toBeCloseTo(
        gaussianExpectation((z) => act.phi(root * z) ** 2, rule),
        12,
      );
      expect(act.meanD2phiPhi(q)).toBeCloseTo(
        gaussianExpectation((z) => act.d2phi(root * z) * act.phi(root * z), rule),
        12,
      );
      expect(act.meanDphi4(q)).toBeCloseTo(
        gaussianExpectation((z) => act.dphi(root * z) ** 4, rule),
        12,
      );
    }
  });

  it('tanh: trapezoid moments agree with 400-node Gauss–Hermite where that converges (small q)', () => {
    const act = getActivation('tanh');
    const rule = gaussHermiteRule(400);
    for (const q of [0.05, 0.3, 0.8]) {
      const root = Math.sqrt(q);
      expect(act.meanDphi4(q)).toBeCloseTo(
        gaussianExpectation((z) => act.dphi(root * z) ** 4, rule),
        12,
      );
      expect(act.meanD2phiPhi(q)).toBeCloseTo(
        gaussianExpectation((z) => act.d2phi(root * z) * act.phi(root * z), rule),
        12,
      );
    }
  });

  it('tanh: 96-node Gauss–Hermite is off by > 1e-5 at q = 5.5 (why tanh uses the trapezoid rule)', () => {
    const act = getActivation('tanh');
    const root = Math.sqrt(5.5);
    const hermite = gaussianExpectation((z) => act.dphi(root * z) ** 4, gaussHermiteRule(96));
    expect(Math.abs(hermite - act.meanDphi4(5.5))).toBeGreaterThan(1e-5);
  });

  it('tanh: the Mehler-series estimate bounds its own error', () => {
    const act = getActivation('tanh');
    const estimate = act.correlatedMomentsEstimate;
    expect(estimate).toBeDefined();
    for (const [q, c] of [
      [1, 0.99],
      [2, 0.9],
      [5.5, 0.99],
    ] as const) {
      const rough = estimate?.(q, c);
      const accurate = act.correlatedMoments(q, c);
      expect(Math.abs((rough?.phiPhi ?? NaN) - accurate.phiPhi)).toBeLessThanOrEqual(
        (rough?.errorBound ?? 0) + 1e-13,
      );
      expect(Math.abs((rough?.dphiDphi ?? NaN) - accurate.dphiDphi)).toBeLessThanOrEqual(
        (rough?.errorBound ?? 0) + 1e-13,
      );
    }
  });

  it('ReLU: arc-cosine kernel at known points', () => {
    const act = getActivation('relu');
    expect(act.meanPhiPhi(2, 0)).toBeCloseTo(2 / (2 * Math.PI), 14);
    expect(act.meanPhiPhi(2, 1)).toBeCloseTo(1, 14);
    expect(act.meanDphiDphi(1, 0)).toBeCloseTo(0.25, 14);
    expect(act.meanDphiDphi(1, -1)).toBeCloseTo(0, 14);
  });
});

describe('linear fraction p(q)', () => {
  it('is P(|h| < 1) = erf(1/√(2q)) for hard-tanh, by direct integration of the density', () => {
    const p = getActivation('hardtanh').linearFraction;
    for (const q of [0.02, 0.5, 1, 4]) {
      const direct = simpson((h) => normalPdf(h / Math.sqrt(q)) / Math.sqrt(q), -1, 1);
      expect(p?.(q)).toBeCloseTo(direct, 12);
      expect(p?.(q)).toBeCloseTo(erf(1 / Math.sqrt(2 * q)), 15);
      expect(p?.(q)).toBeCloseTo(getActivation('hardtanh').meanDphiSq(q), 15);
    }
  });

  it('is 1/2 for ReLU, 1 for linear, absent for smooth φ', () => {
    expect(getActivation('relu').linearFraction?.(3)).toBe(0.5);
    expect(getActivation('linear').linearFraction?.(3)).toBe(1);
    expect(getActivation('tanh').linearFraction).toBeUndefined();
    expect(getActivation('erf').linearFraction).toBeUndefined();
  });
});
