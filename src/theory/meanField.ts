import { resolveActivation, type ActivationId } from './activations.ts';
import { solveCorrelationFixedPoint } from './correlationMap.ts';
import { chi1, fixedPointQ, qMapSlope, type ActivationLike } from './lengthMap.ts';
import { findRootInBracket } from './rootFinding.ts';

export {
  DEFAULT_CORRELATION_TOLERANCE,
  cMap,
  chiC,
  fixedPointC,
  solveCorrelationFixedPoint,
  type CorrelationFixedPoint,
} from './correlationMap.ts';
export { chi1, fixedPointQ, qMap, qMapSlope, type ActivationLike } from './lengthMap.ts';

export type Phase = 'ordered' | 'critical' | 'chaotic';

/** |χ₁ − 1| below this counts as critical. */
export const CRITICAL_TOLERANCE = 1e-3;

/** Everything mean-field theory says about one (φ, σ_w², σ_b²). */
export interface MeanFieldPoint {
  readonly act: ActivationId;
  readonly sw2: number;
  readonly sb2: number;
  /** Fixed point of the length map; 0 when the signal collapses, Infinity when it diverges, NaN when every q is fixed. */
  readonly qStar: number;
  /** σ_w² E φ′(√q* z)² */
  readonly chi1: number;
  /** Slope of the correlation map at c*. */
  readonly chiC: number;
  readonly cStar: number;
  /** Depth scale on which q^l approaches q*: −1/ln(dq^l/dq^{l−1}) at q*. */
  readonly xiQ: number;
  /** Depth scale on which c^l approaches c*: −1/ln χ_c. */
  readonly xiC: number;
  /** Depth scale on which gradients vanish or explode: 1/|ln χ₁|. */
  readonly xiGrad: number;
  readonly phase: Phase;
}

export function classifyPhase(chi: number): Phase {
  if (Math.abs(chi - 1) < CRITICAL_TOLERANCE) return 'critical';
  return chi < 1 ? 'ordered' : 'chaotic';
}

/** −1/ln(rate) for a contraction rate in (0, 1); Infinity when nothing contracts (rate ≥ 1), 0 at rate 0. */
export function depthScale(rate: number): number {
  if (Number.isNaN(rate)) return NaN;
  if (rate >= 1) return Infinity;
  if (rate <= 0) return 0;
  return -1 / Math.log(rate);
}

/** 1/|ln χ₁|: layers over which the mean squared gradient changes by a factor e. */
export function gradientDepthScale(chi: number): number {
  if (Number.isNaN(chi)) return NaN;
  if (chi <= 0) return 0;
  const rate = Math.abs(Math.log(chi));
  return rate === 0 ? Infinity : 1 / rate;
}

/**
 * The mean-field point at (φ, σ_w², σ_b²).
 * - q* = 0 (collapsed signal): χ₁ = σ_w² φ′(0)², c* = 1, χ_c = χ₁, the limits from σ_b² → 0⁺.
 * - q* = ∞ or NaN (ReLU, linear at or past σ_w² E φ(z)² = 1): the correlation map is scale-free and
 *   marginal at c* = 1 (χ_c = 1, ξ_c = ∞); ξ_q = ∞ since q^l never settles.
 *
 * @param options.warmStartQ a nearby q* to start the length-map solver from (grids)
 * @param options.correlationTolerance accuracy of c* and χ_c (default 1e-12; grids may relax it)
 */
export function meanFieldPoint(
  act: ActivationId,
  sw2: number,
  sb2: number,
  options: { readonly warmStartQ?: number; readonly correlationTolerance?: number } = {},
): MeanFieldPoint {
  const activation = resolveActivation(act);
  const qStar = fixedPointQ(activation, sw2, sb2, options.warmStartQ);
  const chi = chi1(activation, sw2, qStar);
  const finiteQ = Number.isFinite(qStar);
  const { cStar, chiC: chiCorrelation } = solveCorrelationFixedPoint(
    activation,
    sw2,
    sb2,
    qStar,
    options.correlationTolerance,
  );
  return {
    act,
    sw2,
    sb2,
    qStar,
    chi1: chi,
    chiC: chiCorrelation,
    cStar,
    xiQ: finiteQ ? depthScale(qMapSlope(activation, sw2, qStar)) : Infinity,
    xiC: depthScale(chiCorrelation),
    xiGrad: gradientDepthScale(chi),
    phase: classifyPhase(chi),
  };
}

/** Schoenholz et al. (2016): networks deeper than about 6 ξ_c do not train. */
export const TRAINABLE_DEPTH_FACTOR = 6;

/**
 * Depth up to which a network at this point is expected to train: 6 ξ_c (Schoenholz et al. 2016).
 * Where q* = ∞ the signal itself explodes while the scale-free correlation map is marginal
 * (ξ_c = ∞), which would call every depth trainable; there the binding limit is the exploding
 * gradient, so we use 6 ξ_∇ = 6/|ln χ₁| instead.
 */
export function trainableDepth(point: Pick<MeanFieldPoint, 'qStar' | 'xiC' | 'xiGrad'>): number {
  return TRAINABLE_DEPTH_FACTOR * (point.qStar === Infinity ? point.xiGrad : point.xiC);
}

/**
 * σ_w² on the critical line χ₁(q*(σ_w², σ_b²)) = 1.
 * - Positively homogeneous φ: χ₁ = σ_w² E φ′(z)² does not depend on q*, so the answer is
 *   1/E φ′(z)² for every σ_b²: 2 for ReLU, 1 for linear. For σ_b² > 0 this σ_w² is also where q*
 *   stops being finite (it grows linearly in depth there), so only (2, 0) has a finite fixed point;
 *   we still return 2, the vertical line χ₁ = 1 that separates vanishing from exploding gradients.
 * - Bounded φ: at σ_b² = 0 it is 1/φ′(0)² (q* = 0 up to there). For σ_b² > 0, χ₁ < 1 at
 *   σ_w² = 1/φ′(0)² (q* > 0 and φ′² peaks at 0); the upper end of the bracket is doubled until
 *   χ₁ > 1, then the bracket is closed by regula falsi. NaN if no crossing is found below 2^40.
 */
export function criticalSigmaW2(act: ActivationLike, sb2: number): number {
  if (!(sb2 >= 0 && Number.isFinite(sb2))) throw new RangeError(`σ_b² must be finite and ≥ 0, got ${sb2}`);
  const activation = resolveActivation(act);
  if (activation.positivelyHomogeneous) return 1 / activation.meanDphiSq(1);
  const lower = 1 / activation.meanDphiSq(0);
  if (sb2 === 0) return lower;
  let warmQ: number | undefined;
  const excess = (sw2: number): number => {
    const q = fixedPointQ(activation, sw2, sb2, warmQ);
    warmQ = q;
    return chi1(activation, sw2, q) - 1;
  };
  let upper = 2 * lower;
  while (excess(upper) <= 0) {
    upper *= 2;
    if (upper > 2 ** 40) return NaN;
  }
  return findRootInBracket(excess, lower, upper, 1e-13);
}

/** A critical initialization (χ₁ = 1) named by the fixed point q* its signal settles at. */
export interface CriticalPair {
  readonly sw2: number;
  readonly sb2: number;
}

/**
 * The critical pair with fixed point q* (Pennington et al. 2017; Sokół & Park §5): χ₁ = 1 at q*
 * gives σ_w² = 1/E φ′(√q* z)², and q* being the length map's fixed point gives
 * σ_b² = q* − σ_w² E φ(√q* z)². Along this family the mean squared singular value of the
 * Jacobian stays 1 while its spread (s²_max) grows with q*. Positively homogeneous φ have no such
 * family (every q* is a fixed point of (1/E φ′², 0)), so they throw; so does a q* whose σ_b²
 * would be negative.
 */
export function criticalPairAtQ(act: ActivationLike, qStar: number): CriticalPair {
  if (!(qStar > 0 && Number.isFinite(qStar))) throw new RangeError(`q* must be finite and > 0, got ${qStar}`);
  const activation = resolveActivation(act);
  if (activation.positivelyHomogeneous)
    throw new RangeError(
      `${activation.id} has no critical family indexed by q*: it is critical only at σ_w² = ${1 / activation.meanDphiSq(1)}, σ_b² = 0, where every q is a fixed point`,
    );
  const sw2 = 1 / activation.meanDphiSq(qStar);
  const sb2 = qStar - sw2 * activation.meanPhiSq(qStar);
  // σ_b² = 0 (hard tanh at small q*, where φ is linear to double precision) makes every small q a
  // fixed point: q* would not name the initialization.
  if (!(sb2 > 0))
    throw new RangeError(
      `q* = ${qStar}: the critical σ_b² is ${sb2}, so q* is not a stable fixed point for ${activation.id}`,
    );
  return { sw2, sb2 };
}
