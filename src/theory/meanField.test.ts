import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, getActivation } from './activations.ts';
import {
  CRITICAL_TOLERANCE,
  cMap,
  chi1,
  chiC,
  criticalPairAtQ,
  criticalSigmaW2,
  fixedPointC,
  fixedPointQ,
  meanFieldPoint,
  qMap,
  trainableDepth,
} from './meanField.ts';

const BOUNDED = ['tanh', 'hardtanh', 'erf'] as const;

describe('published critical points', () => {
  it('tanh with σ_b² = 0.05 is critical near σ_w² ≈ 1.76', () => {
    expect(criticalSigmaW2('tanh', 0.05)).toBeCloseTo(1.76, 2);
    expect(Math.abs(criticalSigmaW2('tanh', 0.05) - 1.76)).toBeLessThan(0.01);
  });

  it('tanh (1.05, 2.01e-5) sits on the critical line (Pennington et al. 2017)', () => {
    const point = meanFieldPoint('tanh', 1.05, 2.01e-5);
    expect(Math.abs(point.chi1 - 1)).toBeLessThan(1e-3);
    expect(point.phase).toBe('critical');
    expect(Math.abs(criticalSigmaW2('tanh', 2.01e-5) - 1.05)).toBeLessThan(0.005);
  });

  it('ReLU: χ₁ = σ_w²/2 whatever σ_b², critical at 2', () => {
    for (const [sw2, sb2] of [
      [0.5, 0],
      [1.5, 0.2],
      [3, 0.1],
    ] as const) {
      expect(meanFieldPoint('relu', sw2, sb2).chi1).toBeCloseTo(sw2 / 2, 15);
    }
    expect(criticalSigmaW2('relu', 0)).toBe(2);
    expect(meanFieldPoint('relu', 2, 0).phase).toBe('critical');
  });

  it('linear: χ₁ = σ_w², critical at 1', () => {
    expect(meanFieldPoint('linear', 0.7, 0.1).chi1).toBeCloseTo(0.7, 15);
    expect(criticalSigmaW2('linear', 0)).toBe(1);
    expect(criticalSigmaW2('linear', 0.3)).toBe(1);
  });

  it('bounded φ with slope 1 at 0 are critical at σ_w² = 1 when σ_b² = 0', () => {
    for (const id of BOUNDED) expect(criticalSigmaW2(id, 0)).toBe(1);
  });
});

describe('criticalSigmaW2', () => {
  it.each(BOUNDED)('%s: χ₁ = 1 there, below 1 just left, above 1 just right', (id) => {
    for (const sb2 of [1e-4, 0.05, 0.3]) {
      const critical = criticalSigmaW2(id, sb2);
      const at = (sw2: number): number => chi1(id, sw2, fixedPointQ(id, sw2, sb2));
      expect(at(critical)).toBeCloseTo(1, 10);
      expect(at(critical * 0.99)).toBeLessThan(1);
      expect(at(critical * 1.01)).toBeGreaterThan(1);
    }
  });

  it('grows with σ_b² for tanh', () => {
    const values = [0, 0.01, 0.1, 0.5].map((sb2) => criticalSigmaW2('tanh', sb2));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
  });

  it('returns 2 for ReLU at σ_b² > 0, where χ₁ = 1 but q* is infinite', () => {
    expect(criticalSigmaW2('relu', 0.1)).toBe(2);
    expect(fixedPointQ('relu', 2, 0.1)).toBe(Infinity);
  });

  it('rejects negative or non-finite σ_b²', () => {
    expect(() => criticalSigmaW2('tanh', -1)).toThrow(RangeError);
    expect(() => criticalSigmaW2('tanh', NaN)).toThrow(RangeError);
  });
});

describe('fixed point of the length map', () => {
  it.each(ACTIVATION_IDS)('%s: qMap(q*) = q* wherever q* is finite and positive', (id) => {
    for (const sw2 of [0.3, 0.9, 1.4, 1.99, 2.5, 4]) {
      for (const sb2 of [1e-6, 0.05, 0.5]) {
        const q = fixedPointQ(id, sw2, sb2);
        if (!Number.isFinite(q)) continue;
        expect(qMap(id, sw2, sb2, q)).toBeCloseTo(q, 12);
      }
    }
  });

  it.each(BOUNDED)('%s: the length map is concave in q (the fixed-point solver relies on it)', (id) => {
    const act = getActivation(id);
    for (let q = 0.01; q < 8; q *= 1.7) {
      const h = 0.05 * q;
      const second = act.meanPhiSq(q + h) - 2 * act.meanPhiSq(q) + act.meanPhiSq(q - h);
      expect(second).toBeLessThan(1e-14);
    }
  });

  it('collapses to 0 for bounded φ with σ_b² = 0 and σ_w² ≤ 1, and leaves 0 just above', () => {
    for (const id of BOUNDED) {
      expect(fixedPointQ(id, 0.5, 0)).toBe(0);
      expect(fixedPointQ(id, 1, 0)).toBe(0);
      const q = fixedPointQ(id, 1.001, 0);
      expect(q).toBeGreaterThan(0);
      expect(qMap(id, 1.001, 0, q)).toBeCloseTo(q, 15);
    }
    // tanh² ≈ h² − (2/3)h⁴ gives q* ≈ (σ_w² − 1)/(2σ_w²) just past 1.
    expect(fixedPointQ('tanh', 1.001, 0)).toBeCloseTo(0.001 / 2.002, 5);
  });

  it('is bounded by σ_w² + σ_b² for bounded φ, even at large σ_w²', () => {
    for (const id of BOUNDED) {
      const q = fixedPointQ(id, 50, 0.1);
      expect(q).toBeLessThan(50.1);
      expect(qMap(id, 50, 0.1, q)).toBeCloseTo(q, 10);
    }
  });

  it('is σ_b²/(1 − σ_w²/2) for ReLU and σ_b²/(1 − σ_w²) for linear, and diverges past them', () => {
    expect(fixedPointQ('relu', 1, 0.1)).toBeCloseTo(0.2, 15);
    expect(fixedPointQ('linear', 0.5, 0.1)).toBeCloseTo(0.2, 15);
    expect(fixedPointQ('relu', 2.0001, 0)).toBe(Infinity);
    expect(fixedPointQ('relu', 2, 1e-9)).toBe(Infinity);
    expect(fixedPointQ('linear', 1, 0.1)).toBe(Infinity);
    expect(fixedPointQ('relu', 1.5, 0)).toBe(0);
    // Every q is fixed on the marginal line with σ_b² = 0.
    expect(fixedPointQ('relu', 2, 0)).toBeNaN();
    expect(fixedPointQ('linear', 1, 0)).toBeNaN();
  });

  it('uses a warm start without changing the answer', () => {
    const cold = fixedPointQ('tanh', 1.7, 0.05);
    for (const guess of [1e-6, 0.1, cold * 1.5, 100])
      expect(fixedPointQ('tanh', 1.7, 0.05, guess)).toBeCloseTo(cold, 13);
    expect(fixedPointQ('tanh', 1.7, 0, 1e-9)).toBeCloseTo(fixedPointQ('tanh', 1.7, 0), 13);
  });

  it('rejects negative variances', () => {
    expect(() => fixedPointQ('tanh', -1, 0)).toThrow(RangeError);
    expect(() => fixedPointQ('tanh', 1, Infinity)).toThrow(RangeError);
  });
});

describe('fixed point of the correlation map', () => {
  it.each(['tanh', 'hardtanh', 'erf', 'relu'] as const)('%s: c* = 1 in the ordered phase', (id) => {
    const point = meanFieldPoint(id, 0.8, 0.05);
    expect(point.phase).toBe('ordered');
    expect(point.cStar).toBe(1);
    expect(cMap(id, 0.8, 0.05, point.qStar, 1)).toBeCloseTo(1, 12);
    expect(point.chiC).toBeCloseTo(point.chi1, 14);
  });

  it.each(BOUNDED)('%s: c* < 1 with cMap(c*) = c* in the chaotic phase', (id) => {
    for (const [sw2, sb2] of [
      [2.5, 0.05],
      [4, 0.3],
      [1.3, 0.001],
    ] as const) {
      const q = fixedPointQ(id, sw2, sb2);
      const c = fixedPointC(id, sw2, sb2, q);
      expect(chi1(id, sw2, q)).toBeGreaterThan(1);
      expect(c).toBeLessThan(1);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(cMap(id, sw2, sb2, q, c)).toBeCloseTo(c, 11);
      // Stable: the map's slope there is below 1.
      expect(chiC(id, sw2, q, c)).toBeLessThan(1);
    }
  });

  it('is 0 for odd φ with σ_b² = 0 in the chaotic phase', () => {
    for (const id of BOUNDED) expect(fixedPointC(id, 2, 0)).toBe(0);
  });

  it('agrees with iterating the map from the default q*', () => {
    let c = 0.3;
    const q = fixedPointQ('tanh', 2.2, 0.1);
    // χ_c ≈ 0.96 here, so the iteration needs ~1000 steps to settle to 1e-12.
    for (let i = 0; i < 2000; i++) c = cMap('tanh', 2.2, 0.1, q, c);
    expect(fixedPointC('tanh', 2.2, 0.1)).toBeCloseTo(c, 10);
  });

  it('is NaN at q = 0, where no correlation exists', () => {
    expect(cMap('tanh', 1, 0, 0, 0.5)).toBeNaN();
  });
});

describe('meanFieldPoint', () => {
  it('makes ξ_c diverge approaching the critical line from both sides', () => {
    for (const id of BOUNDED) {
      const critical = criticalSigmaW2(id, 0.05);
      for (const side of [-1, 1]) {
        const xi = [1e-1, 1e-2, 1e-3].map((gap) => meanFieldPoint(id, critical * (1 + side * gap), 0.05).xiC);
        expect(xi[1]).toBeGreaterThan(3 * (xi[0] as number));
        expect(xi[2]).toBeGreaterThan(3 * (xi[1] as number));
      }
    }
  });

  it('gives χ₁ = σ_w² φ′(0)², c* = 1, χ_c = χ₁ at a collapsed q* = 0', () => {
    for (const id of ['tanh', 'hardtanh', 'erf', 'relu', 'linear'] as const) {
      const point = meanFieldPoint(id, 0.6, 0);
      expect(point.qStar).toBe(0);
      expect(point.chi1).toBeCloseTo(0.6 * (id === 'relu' ? 0.5 : 1), 15);
      expect(point.cStar).toBe(1);
      expect(point.chiC).toBe(point.chi1);
      expect(point.xiC).toBeCloseTo(-1 / Math.log(point.chi1), 12);
    }
  });

  it('uses the scale-free correlation map where q* = ∞ (ReLU, linear)', () => {
    const point = meanFieldPoint('relu', 3, 0.1);
    expect(point.qStar).toBe(Infinity);
    expect(point.cStar).toBe(1);
    expect(point.chiC).toBeCloseTo(1, 15);
    expect(point.xiC).toBe(Infinity);
    expect(point.xiQ).toBe(Infinity);
    expect(point.xiGrad).toBeCloseTo(1 / Math.log(1.5), 14);
    expect(trainableDepth(point)).toBeCloseTo(6 / Math.log(1.5), 12);
    // The scale-free ReLU map (√(1−c²) + (π − arccos c)c)/π fixes 1 with slope 1.
    expect(cMap('relu', 3, 0.1, Infinity, 1)).toBeCloseTo(1, 15);
    expect(cMap('relu', 3, 0.1, Infinity, 0)).toBeCloseTo(1 / Math.PI, 15);
  });

  it('has no NaN and no negative depth scale anywhere on a coarse sweep', () => {
    for (const id of ACTIVATION_IDS) {
      for (const sw2 of [0, 0.05, 0.5, 1, 1.5, 2, 2.5, 4, 5]) {
        for (const sb2 of [0, 1e-6, 0.05, 0.5]) {
          const point = meanFieldPoint(id, sw2, sb2);
          for (const value of [
            point.chi1,
            point.chiC,
            point.cStar,
            point.xiC,
            point.xiGrad,
            point.xiQ,
            trainableDepth(point),
          ]) {
            expect(Number.isNaN(value)).toBe(false);
            expect(value).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('classifies phases with the exported tolerance and uses 6 ξ_c for trainable depth', () => {
    const critical = criticalSigmaW2('tanh', 0.05);
    expect(meanFieldPoint('tanh', critical * (1 + CRITICAL_TOLERANCE / 4), 0.05).phase).toBe('critical');
    expect(meanFieldPoint('tanh', 1.2, 0.05).phase).toBe('ordered');
    expect(meanFieldPoint('tanh', 2.5, 0.05).phase).toBe('chaotic');
    const point = meanFieldPoint('tanh', 2.5, 0.05);
    expect(trainableDepth(point)).toBeCloseTo(6 * point.xiC, 12);
    expect(point.xiC).toBeCloseTo(-1 / Math.log(point.chiC), 12);
  });

  it('has ξ_q from the slope χ₁ + σ_w² E φ″φ of the length map', () => {
    const act = getActivation('tanh');
    const point = meanFieldPoint('tanh', 1.5, 0.05);
    const slope = point.chi1 + 1.5 * act.meanD2phiPhi(point.qStar);
    expect(point.xiQ).toBeCloseTo(-1 / Math.log(slope), 12);
  });
});

describe('criticalPairAtQ', () => {
  it('puts χ₁ = 1 at its own fixed point q* for tanh, erf and hard tanh', () => {
    const cases = [
      ...[1e-3, 1 / 64, 0.1, 0.5].flatMap((qStar) => [['tanh', qStar] as const, ['erf', qStar] as const]),
      ['hardtanh', 0.1] as const,
      ['hardtanh', 0.5] as const,
    ];
    for (const [act, qStar] of cases) {
      const { sw2, sb2 } = criticalPairAtQ(act, qStar);
      expect(fixedPointQ(act, sw2, sb2)).toBeCloseTo(qStar, 10);
      expect(chi1(act, sw2, qStar)).toBeCloseTo(1, 12);
    }
  });

  it('approaches (1/φ′(0)², 0) as q* → 0 and grows σ_b² with q*', () => {
    const small = criticalPairAtQ('tanh', 1e-6);
    expect(small.sw2).toBeCloseTo(1, 5);
    expect(small.sb2).toBeLessThan(1e-10);
    expect(criticalPairAtQ('tanh', 0.1).sb2).toBeGreaterThan(criticalPairAtQ('tanh', 0.01).sb2);
  });

  it('refuses activations without a q* family, and q* ≤ 0', () => {
    expect(() => criticalPairAtQ('relu', 0.1)).toThrow(/no critical family/);
    expect(() => criticalPairAtQ('linear', 0.1)).toThrow(/no critical family/);
    expect(() => criticalPairAtQ('tanh', 0)).toThrow(/> 0/);
    // Hard tanh is linear to double precision below |h| = 1: σ_b² underflows to 0.
    expect(() => criticalPairAtQ('hardtanh', 1e-3)).toThrow(/not a stable fixed point/);
  });
});
