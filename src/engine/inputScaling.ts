import { fixedPointQ, type ActivationId } from '../theory/index.ts';

export interface InputScaling {
  /** Factor applied to inputs standardized to ‖x‖²/n0 = 1. */
  readonly scale: number;
  /** Layer-1 pre-activation variance q¹ = σ_w²·scale² + σ_b² that theory predicts. */
  readonly q1: number;
  /** The length map's fixed point (0, Infinity, or NaN where every q is fixed). */
  readonly qStar: number;
  /** Whether q¹ = q*, i.e. the network sits at its fixed point from the first layer on. */
  readonly atFixedPoint: boolean;
  /** Plain-language account, shown next to the training panel. */
  readonly note: string;
}

/**
 * Input scale that makes q¹ = σ_w²‖x‖²/n0 + σ_b² equal q*, so every layer starts at the fixed point
 * the theory assumes (Pennington et al. 2017). Where no such scale exists (q* ≤ σ_b², infinite, or
 * undefined) the inputs stay at ‖x‖²/n0 = 1.
 */
export function inputScaling(act: ActivationId, sw2: number, sb2: number): InputScaling {
  const qStar = fixedPointQ(act, sw2, sb2);
  const unit = (why: string): InputScaling => ({
    scale: 1,
    q1: sw2 + sb2,
    qStar,
    atFixedPoint: false,
    note: `${why}; inputs kept at ‖x‖²/n0 = 1 (q¹ = σ_w² + σ_b² = ${formatNumber(sw2 + sb2)})`,
  });
  if (Number.isNaN(qStar)) return unit('every q is a fixed point of the length map');
  if (qStar === Infinity) return unit('q* = ∞ (the signal grows without bound)');
  const excess = qStar - sb2;
  if (!(excess > 1e-12 * Math.max(1, qStar))) {
    return unit(
      qStar === 0
        ? 'q* = 0 (the signal dies out with depth)'
        : `q* = ${formatNumber(qStar)} is not above σ_b²`,
    );
  }
  const scale = Math.sqrt(excess / sw2);
  return {
    scale,
    q1: qStar,
    qStar,
    atFixedPoint: true,
    note: `inputs scaled to ‖x‖²/n0 = ${formatNumber(scale * scale)} so that q¹ = q* = ${formatNumber(qStar)}`,
  };
}

function formatNumber(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
