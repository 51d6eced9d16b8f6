import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, getActivation, type ActivationId } from './activations.ts';
import { normalPdf } from './specialFunctions.ts';
import { simpson } from './testkit/integrate.ts';

/** Kinks of φ in h (ReLU at 0, hard tanh at ±1). */
const kinks: Record<ActivationId, readonly number[]> = {
  tanh: [],
  erf: [],
  linear: [],
  relu: [0],
  hardtanh: [-1, 1],
};

/** E g(z), z ~ N(0, 1), by Simpson on [−10, 10] split at the breakpoints (kinks of g in z). */
function expectation(g: (z: number) => number, breakpoints: readonly number[], panels: number): number {
  const cuts = [-10, ...breakpoints.filter((b) => Math.abs(b) < 10), 10].sort((x, y) => x - y);
  let total = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    // Off the breakpoints themselves, where a one-sided φ′ would be wrong.
    const inset = 1e-13 * (b - a);
    total += simpson((z) => normalPdf(z) * g(z), a + inset, b - inset, panels);
  }
  return total;
}

/**
 * Brute force: u = √qa z₁ and u′ | u ~ N(ρu, s²) with ρ = qab/qa, s² = qb − qab²/qa, so
 * E f(u)f(u′) = E_{z₁}[f(u) E_{z₂} f(ρu + s z₂)], both by nested Simpson split at every kink.
 */
function bruteForce(id: ActivationId, qa: number, qb: number, qab: number) {
  const act = getActivation(id);
  const root = Math.sqrt(qa);
  const rho = qab / qa;
  const s = Math.sqrt(qb - rho * qab);
  const outer = (f: (h: number) => number): number =>
    expectation(
      (z1) => {
        const u = root * z1;
        const inner = expectation(
          (z2) => f(rho * u + s * z2),
          kinks[id].map((k) => (k - rho * u) / s),
          400,
        );
        return f(u) * inner;
      },
      kinks[id].map((k) => k / root),
      800,
    );
  return { phiPhi: outer((h) => act.phi(h)), dphiDphi: outer((h) => act.dphi(h)) };
}

/** (qa, qb, c): unequal variances, both signs of c, and a strongly correlated pair. */
const POINTS: readonly (readonly [number, number, number])[] = [
  [0.5, 2, 0.3],
  [0.3, 4, -0.6],
  [1.5, 0.2, 0.5],
  [2, 2.5, 0.9],
  [0.05, 1, 0.7],
];

describe.each(ACTIVATION_IDS)('kernelMoments of %s', (id) => {
  const act = getActivation(id);

  it.each(POINTS)('matches brute-force 2-D integration at qa = %f, qb = %f, c = %f', (qa, qb, c) => {
    const qab = c * Math.sqrt(qa * qb);
    const m = act.kernelMoments(qa, qb, qab);
    const ref = bruteForce(id, qa, qb, qab);
    // The nested Simpson reference is good to ~1e-9 here (it converges like h⁴ between kinks).
    expect(m.phiPhi).toBeCloseTo(ref.phiPhi, 8);
    expect(m.dphiDphi).toBeCloseTo(ref.dphiDphi, 8);
  });

  it('equals correlatedMoments(q, c) when the variances are equal, c = ±1 included', () => {
    for (const q of [0.02, 0.7, 2.5, 6]) {
      for (const c of [-1, -0.8, 0, 0.3, 0.97, 0.9999, 1]) {
        const general = act.kernelMoments(q, q, c * q);
        const equal = act.correlatedMoments(q, c);
        expect(Math.abs(general.phiPhi - equal.phiPhi)).toBeLessThan(1e-10);
        expect(Math.abs(general.dphiDphi - equal.dphiDphi)).toBeLessThan(1e-10);
      }
    }
  });

  it('is symmetric in its two variances', () => {
    for (const [qa, qb, c] of POINTS) {
      const qab = c * Math.sqrt(qa * qb);
      const ab = act.kernelMoments(qa, qb, qab);
      const ba = act.kernelMoments(qb, qa, qab);
      expect(ba.phiPhi).toBeCloseTo(ab.phiPhi, 13);
      expect(ba.dphiDphi).toBeCloseTo(ab.dphiDphi, 13);
    }
  });

  it('obeys Price: ∂/∂qab E φ(u)φ(u′) = E φ′(u)φ′(u′) at unequal variances, close to c = 1 too', () => {
    for (const [qa, qb] of [
      [0.4, 1.7],
      [2, 2.2],
      [1, 1.0000003],
    ] as const) {
      for (const c of [-0.5, 0.4, 0.95, 0.999]) {
        const qab = c * Math.sqrt(qa * qb);
        const h = 1e-5 * Math.sqrt(qa * qb);
        const slope =
          (act.kernelMoments(qa, qb, qab + h).phiPhi - act.kernelMoments(qa, qb, qab - h).phiPhi) / (2 * h);
        expect(act.kernelMoments(qa, qb, qab).dphiDphi).toBeCloseTo(slope, 7);
      }
    }
  });

  it('at c = 1 with unequal variances is E φ(√qa z)φ(√qb z) and E φ′(√qa z)φ′(√qb z)', () => {
    for (const [qa, qb] of [
      [0.5, 2],
      [3, 0.1],
      [1, 1 + 1e-7],
    ] as const) {
      const m = act.kernelMoments(qa, qb, Math.sqrt(qa * qb));
      const breakpoints = [
        ...kinks[id].map((k) => k / Math.sqrt(qa)),
        ...kinks[id].map((k) => k / Math.sqrt(qb)),
      ];
      const along = (f: (h: number) => number): number =>
        expectation((z) => f(Math.sqrt(qa) * z) * f(Math.sqrt(qb) * z), breakpoints, 4000);
      // tanh's Mehler series guarantees 1e-10 (KERNEL_SERIES_TOLERANCE); the rest is closed form.
      expect(Math.abs(m.phiPhi - along((h) => act.phi(h)))).toBeLessThan(1e-10);
      expect(Math.abs(m.dphiDphi - along((h) => act.dphi(h)))).toBeLessThan(1e-10);
    }
  });

  it('at zero variance gives the q → 0⁺ limits: independent of a non-zero variance, the diagonal at both', () => {
    const atZero = act.kernelMoments(0, 0, 0);
    expect(atZero.phiPhi).toBe(0);
    expect(atZero.dphiDphi).toBeCloseTo(act.gaussianMoments(0).dphiSq, 14);
    const mixed = act.kernelMoments(0, 1.3, 0);
    const independent = act.kernelMoments(1e-14, 1.3, 0);
    expect(mixed.phiPhi).toBeCloseTo(0, 14);
    expect(mixed.dphiDphi).toBeCloseTo(independent.dphiDphi, 6);
  });
});

describe('kernelMoments closed forms', () => {
  it('hard tanh: E φ′φ′ at c = 1 is P(|u| < 1) for the larger variance (the kinks are exact)', () => {
    const act = getActivation('hardtanh');
    for (const [qa, qb] of [
      [0.5, 2],
      [1, 1.0000001],
      [4, 0.3],
    ] as const) {
      expect(act.kernelMoments(qa, qb, Math.sqrt(qa * qb)).dphiDphi).toBeCloseTo(
        act.linearFraction?.(Math.max(qa, qb)) ?? NaN,
        12,
      );
    }
  });

  it('erf: the arcsin kernel at a hand-computed point', () => {
    // qa = 1, qb = 2, qab = 1: s_a = π/2, s_b = π, s_ab = π/2 (2β² = π/2).
    const m = getActivation('erf').kernelMoments(1, 2, 1);
    const product = (1 + Math.PI / 2) * (1 + Math.PI);
    expect(m.phiPhi).toBeCloseTo((2 / Math.PI) * Math.asin(Math.PI / 2 / Math.sqrt(product)), 15);
    expect(m.dphiDphi).toBeCloseTo(1 / Math.sqrt(product - (Math.PI / 2) ** 2), 15);
  });

  it('ReLU: √(qa qb) times the unit arc-cosine kernel; linear: the covariance itself', () => {
    const relu = getActivation('relu').kernelMoments(1, 4, 0);
    expect(relu.phiPhi).toBeCloseTo(2 / (2 * Math.PI), 15);
    expect(relu.dphiDphi).toBeCloseTo(0.25, 15);
    const linear = getActivation('linear').kernelMoments(1, 4, -1.5);
    expect(linear).toEqual({ phiPhi: -1.5, dphiDphi: 1 });
  });
});
