import type { LabConfig } from '../config/schema.ts';
// No tfjs here: cost.ts, which the page imports for its cost readout, counts these.

/** Newton–Schulz iterations of the Stiefel retraction after a training step (orthogonality.ts). */
export const STEP_ITERATIONS = 5;

/**
 * 2 × multiply–adds the `orth` option adds to one step of one run for an m × n hidden layer,
 * k = min(m, n): a Gram matrix or a product by one costs 2mnk.
 * - soft, gain: one Gram matrix and one product (4mnk);
 * - stiefel: the Gram matrix of the safeguard, then a Gram matrix and a product per iteration;
 * - oblique: one pass over the weights (a few flops per entry, counted as 3mn).
 */
export function orthogonalityFlops(orth: LabConfig['orth'], fanIn: number, fanOut: number): number {
  const size = fanIn * fanOut;
  const k = Math.min(fanIn, fanOut);
  switch (orth) {
    case 'none':
      return 0;
    case 'soft':
    case 'gain':
      return 4 * size * k;
    case 'stiefel':
      return (2 + 4 * STEP_ITERATIONS) * size * k;
    case 'oblique':
      return 3 * size;
  }
}
