import { resolveActivation, type Activation, type ActivationId } from './activations.ts';

/** An activation object or its id. */
export type ActivationLike = Activation | ActivationId;

function checkVariances(sw2: number, sb2: number): void {
  if (!(sw2 >= 0 && Number.isFinite(sw2)) || !(sb2 >= 0 && Number.isFinite(sb2))) {
    throw new RangeError(`σ_w² and σ_b² must be finite and ≥ 0, got σ_w² = ${sw2}, σ_b² = ${sb2}`);
  }
}

/** Length map q ↦ σ_w² E φ(√q z)² + σ_b² (Poole et al. 2016). */
export function qMap(act: ActivationLike, sw2: number, sb2: number, q: number): number {
  return sw2 * resolveActivation(act).meanPhiSq(q) + sb2;
}

/** dq^l/dq^{l−1} = σ_w² E[φ′² + φ″φ] = χ₁ + σ_w² E φ″φ, the rate behind ξ_q (Schoenholz et al. 2016). */
export function qMapSlope(act: ActivationLike, sw2: number, q: number): number {
  const moments = resolveActivation(act).gaussianMoments(q);
  return sw2 * (moments.dphiSq + moments.d2phiPhi);
}

/** χ₁ = σ_w² E φ′(√q z)², the mean squared singular value of one layer's Jacobian. */
export function chi1(act: ActivationLike, sw2: number, q: number): number {
  return sw2 * resolveActivation(act).meanDphiSq(q);
}

/**
 * The stable fixed point q* of the length map, i.e. the limit of q^l from a generic input.
 *
 * - Positively homogeneous φ (ReLU, linear): the map is affine, q ↦ g q + σ_b² with gain
 *   g = σ_w² E φ(z)² (σ_w²/2, σ_w²). q* = σ_b²/(1 − g) for g < 1 (0 when σ_b² = 0: the signal
 *   collapses); `Infinity` for g > 1, and for g = 1 with σ_b² > 0 (q grows linearly in depth);
 *   `NaN` for g = 1 with σ_b² = 0, where every q is a fixed point (q^l = q^0 whatever it is; nothing
 *   else here depends on q for these φ).
 * - Bounded φ (tanh, erf, hard-tanh): q* ≤ σ_w² sup φ² + σ_b². Their length maps are concave in q
 *   (checked in meanField.test.ts), so with σ_b² = 0 and slope σ_w² φ′(0)² ≤ 1 at q = 0 the only
 *   fixed point is 0. Otherwise Newton's method from the upper bound descends monotonically onto
 *   the largest (stable) root; a bracket with bisection guards warm starts from elsewhere.
 *
 * @param warmStart a guess (e.g. q* at a neighbouring grid point) that saves Newton steps
 */
export function fixedPointQ(act: ActivationLike, sw2: number, sb2: number, warmStart?: number): number {
  checkVariances(sw2, sb2);
  const activation = resolveActivation(act);
  if (activation.positivelyHomogeneous) {
    const gain = sw2 * activation.meanPhiSq(1);
    if (gain < 1) return sb2 / (1 - gain);
    return gain === 1 && sb2 === 0 ? NaN : Infinity;
  }
  if (!Number.isFinite(activation.phiSqSup)) {
    throw new Error(
      `fixedPointQ: no solver for the unbounded, non-homogeneous activation '${activation.id}'`,
    );
  }
  if (sb2 === 0 && qMapSlope(activation, sw2, 0) <= 1) return 0;
  return solveBoundedLengthMap(activation, sw2, sb2, warmStart);
}

const Q_RELATIVE_TOLERANCE = 1e-14;

function solveBoundedLengthMap(
  activation: Activation,
  sw2: number,
  sb2: number,
  warmStart: number | undefined,
): number {
  // Invariant: residual ≥ 0 at lo and ≤ 0 at hi, residual(q) = qMap(q) − q.
  let lo = 0;
  let hi = sw2 * activation.phiSqSup + sb2;
  let q = warmStart !== undefined && warmStart > lo && warmStart < hi ? warmStart : hi;
  for (let iteration = 0; iteration < 200; iteration++) {
    const moments = activation.gaussianMoments(q);
    const residual = sw2 * moments.phiSq + sb2 - q;
    if (residual === 0) return q;
    if (residual > 0) lo = q;
    else hi = q;
    const slope = sw2 * (moments.dphiSq + moments.d2phiPhi) - 1;
    let next = q - residual / slope;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - q) <= Q_RELATIVE_TOLERANCE * q || hi - lo <= Q_RELATIVE_TOLERANCE * hi) return next;
    q = next;
  }
  return q;
}
