import { resolveActivation, type Activation, type CorrelatedMoments } from './activations.ts';
import { chi1, fixedPointQ, type ActivationLike } from './lengthMap.ts';

/**
 * For positively homogeneous φ with q* = ∞ (or the marginal NaN case) the correlation map is taken in
 * its scale-free limit: q^l_ab/q^l with σ_b²/q → 0, i.e. c ↦ E φφ(1, c)/E φ²(1).
 */
function scaleFree(activation: Activation, q: number): boolean {
  return activation.positivelyHomogeneous && !Number.isFinite(q);
}

/**
 * Correlation map c ↦ (σ_w² E φ(u₁)φ(u₂) + σ_b²)/q at the length q (normally q*, where q^l = q^{l−1}).
 * NaN at q = 0: a collapsed signal has no correlation.
 */
export function cMap(act: ActivationLike, sw2: number, sb2: number, q: number, c: number): number {
  const activation = resolveActivation(act);
  if (scaleFree(activation, q)) return activation.meanPhiPhi(1, c) / activation.meanPhiSq(1);
  if (!(q > 0)) return NaN;
  return (sw2 * activation.meanPhiPhi(q, c) + sb2) / q;
}

/**
 * χ_c = σ_w² E φ′(u₁)φ′(u₂), the slope of the correlation map at c (Price's theorem:
 * d/dc E φ(u₁)φ(u₂) = q E φ′(u₁)φ′(u₂)). At q = 0 it is χ₁(0) = σ_w² φ′(0)² (the limit from
 * σ_b² → 0⁺); in the scale-free limit it is the slope E φ′φ′(1, c)/E φ²(1) (1 at c = 1).
 */
export function chiC(act: ActivationLike, sw2: number, q: number, c: number): number {
  const activation = resolveActivation(act);
  if (scaleFree(activation, q)) return activation.meanDphiDphi(1, c) / activation.meanPhiSq(1);
  if (q === 0) return chi1(activation, sw2, 0);
  return sw2 * activation.meanDphiDphi(q, c);
}

const C_TOLERANCE = 1e-14;
/**
 * Default accuracy of c* and χ_c: an estimate whose error bound is below it needs no polishing,
 * and polishing stops once Newton's step is below it.
 */
export const DEFAULT_CORRELATION_TOLERANCE = 1e-12;

/** c* together with the slope χ_c there, which the solver has at hand anyway. */
export interface CorrelationFixedPoint {
  readonly cStar: number;
  readonly chiC: number;
}

type MomentsAt = (q: number, c: number) => CorrelatedMoments & { readonly errorBound?: number };

/**
 * Newton on residual(c) = f(c) − c from `start`, keeping lo (residual ≥ 0) and hi (residual ≤ 0);
 * steps that leave the bracket are replaced by bisection. Returns the last step's target together
 * with the moments at its origin, which are within stepTolerance of the root.
 */
function newtonOnCorrelationMap(
  moments: MomentsAt,
  sw2: number,
  sb2: number,
  q: number,
  start: number,
  stepTolerance: number,
) {
  let lo = 0;
  let hi = 1;
  let c = start;
  for (let iteration = 0; ; iteration++) {
    const at = moments(q, c);
    const residual = (sw2 * at.phiPhi + sb2) / q - c;
    if (residual > 0) lo = c;
    else hi = c;
    let next = c - residual / (sw2 * at.dphiDphi - 1);
    if (!(next >= lo && next <= hi)) next = (lo + hi) / 2;
    if (
      residual === 0 ||
      Math.abs(next - c) <= stepTolerance ||
      hi - lo <= stepTolerance ||
      iteration >= 300
    ) {
      return { c: next, moments: at };
    }
    c = next;
  }
}

/**
 * The stable fixed point c* of the correlation map at q and its slope χ_c.
 *
 * On [0, 1] the map is a power series in c with non-negative coefficients (the Mehler expansion
 * Σ a_k² c^k), hence increasing and convex, with f(1) = 1 and f′(1) = χ₁. So for χ₁ ≤ 1, c* = 1;
 * for χ₁ > 1 there is exactly one more fixed point in [0, 1) and it is stable. Newton's method from
 * c = 0 climbs onto it monotonically (convexity); a bisection bracket guards the last steps, where a
 * near-double root (χ₁ ≈ 1) slows Newton down. Where the activation offers a cheap estimate of its
 * maps (tanh's Mehler series) Newton runs on that and, if its error bound is not negligible at the
 * root, a few more Newton steps on the accurate map polish it to `tolerance`.
 * Conventions: c* = 1 when q = 0 (collapsed; χ_c = χ₁) and in the scale-free limit (q* = ∞ or NaN,
 * positively homogeneous φ), where the map's slope at 1 is 1.
 */
export function solveCorrelationFixedPoint(
  act: ActivationLike,
  sw2: number,
  sb2: number,
  q: number,
  tolerance: number = DEFAULT_CORRELATION_TOLERANCE,
): CorrelationFixedPoint {
  const activation = resolveActivation(act);
  if (scaleFree(activation, q)) return { cStar: 1, chiC: chiC(activation, sw2, q, 1) };
  const chi = chi1(activation, sw2, q);
  if (q === 0 || chi <= 1) return { cStar: 1, chiC: chi };
  const estimate: MomentsAt = activation.correlatedMomentsEstimate ?? activation.correlatedMoments;
  let solution = newtonOnCorrelationMap(estimate, sw2, sb2, q, 0, C_TOLERANCE);
  if ((solution.moments.errorBound ?? 0) > tolerance) {
    solution = newtonOnCorrelationMap(activation.correlatedMoments, sw2, sb2, q, solution.c, tolerance);
  }
  return { cStar: solution.c, chiC: sw2 * solution.moments.dphiDphi };
}

/** The stable fixed point c* of the correlation map at q (default q*); see solveCorrelationFixedPoint. */
export function fixedPointC(
  act: ActivationLike,
  sw2: number,
  sb2: number,
  q: number = fixedPointQ(act, sw2, sb2),
): number {
  return solveCorrelationFixedPoint(act, sw2, sb2, q).cStar;
}
