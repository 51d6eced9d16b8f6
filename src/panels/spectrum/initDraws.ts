import type { LabConfig } from '../../config/schema.ts';
import type { InitDrawSpec } from '../../engine/jacobianDraws.ts';
import type { JacobianProbe } from '../../engine/jacobianSummary.ts';
import { inputScaling } from '../../engine/inputScaling.ts';
import type { WeightInit } from '../../theory/index.ts';
import type { JacobianDepth } from './jacobianDepth.ts';

/** Networks per init at initialization that the spread is taken over: the runs and the draws. */
export const NETWORKS_AT_INIT = 9;
/** Fewer networks than this make no range worth showing. */
const MIN_NETWORKS = 3;
/** Predicted theory-worker seconds all draws of one configuration may take. */
export const DRAW_SECONDS_BUDGET = 10;
/**
 * Float64 flops per second of jacobianDraws.ts in one JavaScript thread, measured at N = 128,
 * L = 49 (0.75–0.9 s per draw of both inits on this 2-core machine; README-H).
 */
const FLOPS_PER_SECOND = 7e8;

/** Predicted seconds of one draw: the products, and the Haar factors of the orthogonal one. */
export function drawSeconds(width: number, depth: number, inits: readonly WeightInit[]): number {
  const cube = depth * width ** 3;
  const orthogonal = inits.includes('orthogonal') ? (8 / 3) * cube : 0;
  return (2 * inits.length * cube + orthogonal) / FLOPS_PER_SECOND;
}

export type DrawPlan =
  | {
      /** Every draw's spec but its seed. */
      readonly spec: Omit<InitDrawSpec, 'seed'>;
      /** Draw k has seed firstSeed + k: the networks the lab would train with the next seeds. */
      readonly firstSeed: number;
      readonly count: number;
    }
  | { readonly none: string };

/**
 * Which extra networks to draw at initialization for the spread of the moments, or why none.
 * They are drawn exactly as the lab would draw the runs of the next seeds, so at the step-0
 * snapshot they are more samples of the very quantity the panel measures.
 */
export function initDrawPlan(config: LabConfig, depth: JacobianDepth, probe: JacobianProbe): DrawPlan {
  if (config.arch === 'rnn') return { none: 'the recurrent network has no layer-by-layer Jacobian' };
  if (depth.layers < 1) return { none: 'there is no square hidden layer' };
  if (probe !== 'fixed-point')
    return {
      none: 'at a held-out example the lab draws no extra networks (their first layer would need the data)',
    };
  if (config.orth === 'stiefel' || config.orth === 'oblique')
    return {
      none: `under ${config.orth} the networks start projected onto their constraint set, which extra draws do not copy`,
    };
  const inits: WeightInit[] = config.init === 'both' ? ['gaussian', 'orthogonal'] : [config.init];
  const wanted = Math.max(0, NETWORKS_AT_INIT - config.seeds);
  const seconds = drawSeconds(config.N, depth.layers, inits);
  const count = Math.min(wanted, Math.floor(DRAW_SECONDS_BUDGET / seconds));
  if (wanted === 0) return { none: `the ${config.seeds} seeds are the spread` };
  if (count < 1 || config.seeds + count < MIN_NETWORKS)
    return {
      none: `one more network would take ≈ ${seconds.toPrecision(2)} s to draw here (N = ${config.N}, ${depth.layers} layers)`,
    };
  return {
    spec: {
      act: config.act,
      sw2: config.sw2,
      sb2: config.sb2,
      width: config.N,
      depth: depth.layers,
      firstLayer: depth.hiddenLayers - depth.layers + 1,
      q: inputScaling(config.act, config.sw2, config.sb2).q1,
      inits,
    },
    firstSeed: config.seed + config.seeds,
    count,
  };
}
