import type * as tf from '@tensorflow/tfjs-core';
import type { LabConfig } from '../config/schema.ts';
import type { LayerScaling } from './init.ts';
import {
  gramPenaltyGradient,
  rescaleUnits,
  retractToStiefel,
  rmsSingularValue,
  rmsUnitNorm,
} from './orthogonality.ts';

export type OrthogonalityId = LabConfig['orth'];

/**
 * What the `orth` option needs: the method, its strength λ, σ_w², which sets the gain, and
 * whether the projections keep that gain or let each layer's scale follow the steps (default fixed).
 */
export type OrthogonalitySettings = Pick<LabConfig, 'orth' | 'olam' | 'sw2'> &
  Partial<Pick<LabConfig, 'oscale'>>;

/** Plain training: what a trainer built without settings does. */
export const NO_ORTHOGONALITY: OrthogonalitySettings = { orth: 'none', olam: 0, sw2: 1 };

/**
 * g² = σ_w²·max(1, n_out/n_in): the squared singular value of the orthogonal init (init.ts), so
 * σ_w² for a square layer; the weight probe measures the deviation from it (weightSpectra.ts).
 */
export function gainSquared(sw2: number, fanIn: number, fanOut: number): number {
  return sw2 * Math.max(1, fanOut / fanIn);
}

/**
 * How a trainer stores a layer's weights: 'rows' as W, [.., fanIn, fanOut], for x·W (the stacked
 * formulation); 'columns' as Wᵀ, [.., fanOut, fanIn], for Wᵀ·x (the per-run one).
 */
export type WeightLayout = 'rows' | 'columns';

interface Layer {
  readonly fanIn: number;
  readonly fanOut: number;
  readonly scaling: LayerScaling;
}

/**
 * The `orth` option applied to one network's layers, in either trainer's layout. It acts on the
 * hidden weights W¹ … W^L, the first layer (n0 × N, constrained on its smaller side) included, as
 * Sokół & Park constrain every layer but the classifier; the readout stays Euclidean, as theirs
 * does (its 10 × N shape has no orthogonal init to keep), and so do all biases.
 *
 * - soft: λ‖WᵀW − I‖²_F is added to the loss: its gradient to the weights' before the update rule
 *   (so Adam and RMSProp see the sum, as they would a penalty in the loss).
 * - gain: the same with WᵀW/g² (Hlav eq. 11), g the init's gain.
 * - stiefel: after every update W is replaced by g times its polar factor, so WᵀW = g²I.
 * - oblique: after every update every unit's incoming weight vector is rescaled to norm σ_w, the
 *   norm the init gives it on average (each unit then has the pre-activation variance σ_w² q of
 *   mean-field theory). Sokół & Park's Oblique networks also carried a soft penalty; this one
 *   does not (olam is not used).
 *
 * With oscale=free the projections keep each layer's current scale instead of the init's gain:
 * Stiefel retracts W to s·polar(W) with s the root-mean-square singular value of the updated W,
 * Oblique rescales every unit to the root-mean-square unit norm. The Euclidean step's radial part
 * then moves s, so W = s·Q trains its isotropic scale as Sokół & Park's manifold networks did
 * (their appendix: "we allow the scales of the manifold constrained weights to vary"); with a
 * fixed gain a network at small q* stays in tanh's linear regime for good.
 *
 * The projections are retractions after a Euclidean step (their Eq. 47 applied to the updated
 * matrix), not the Riemannian Adam of Sokół & Park: the optimizer's state is not transported.
 */
export class OrthogonalityRule {
  constructor(
    readonly settings: OrthogonalitySettings,
    private readonly layout: WeightLayout,
    private readonly layers: readonly Layer[],
  ) {}

  get active(): boolean {
    return this.settings.orth !== 'none';
  }

  /** Hidden layers only: the last layer is the readout. */
  constrains(index: number): boolean {
    return this.active && index < this.layers.length - 1;
  }

  /** The penalty's gradient with respect to the stored weights of layer `index`, or null. */
  penaltyGradient(index: number, stored: tf.Tensor): tf.Tensor | null {
    const { orth, olam, sw2 } = this.settings;
    if ((orth !== 'soft' && orth !== 'gain') || !this.constrains(index)) return null;
    const { fanIn, fanOut, scaling } = this.layers[index]!;
    const c = orth === 'gain' ? gainSquared(sw2, fanIn, fanOut) : 1;
    return gramPenaltyGradient(stored, scaling.weightGain, c, olam);
  }

  /** Layer `index`'s updated stored weights, put back on the constraint set (or as they are). */
  project(index: number, updated: tf.Tensor, iterations?: number): tf.Tensor {
    const { orth, sw2, oscale } = this.settings;
    if ((orth !== 'stiefel' && orth !== 'oblique') || !this.constrains(index)) return updated;
    const { fanIn, fanOut, scaling } = this.layers[index]!;
    const free = oscale === 'free';
    if (orth === 'oblique') {
      const unitAxis = this.layout === 'rows' ? -2 : -1;
      const norm = free ? rmsUnitNorm(updated, scaling.weightGain, unitAxis) : Math.sqrt(sw2);
      return rescaleUnits(updated, scaling.weightGain, norm, unitAxis);
    }
    const g = free
      ? rmsSingularValue(updated, scaling.weightGain)
      : Math.sqrt(gainSquared(sw2, fanIn, fanOut));
    return retractToStiefel(updated, scaling.weightGain, g, iterations);
  }

  /** Whether weights must be put on the constraint set before the first step (see projectInits). */
  get projects(): boolean {
    return this.settings.orth === 'stiefel' || this.settings.orth === 'oblique';
  }
}
