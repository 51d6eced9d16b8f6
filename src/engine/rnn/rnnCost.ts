import type { LabConfig } from '../../config/schema.ts';
// No tfjs here: cost.ts and budget.ts, which the page imports for its cost readout, use this.
import { orthogonalityFlops } from '../orthogonalityFlops.ts';
import { MNIST_ROWS, type SequenceShape } from './sequence.ts';

/** What one run of the recurrent network costs per example and in all (see estimateCost). */
export interface RnnShape {
  readonly sequence: SequenceShape;
  /** W, U, V and the biases of one run. */
  readonly parameterCount: number;
  /** (fanIn, fanOut) of W, U and V, as drawn. */
  readonly matrices: readonly (readonly [number, number])[];
  /**
   * Multiply–adds of one example's forward pass: U x_t at every step, W h_{t−1} at every step but
   * the first (h_0 = 0), V h_T once. Back-propagation through time costs twice that (δ_t Wᵀ and
   * the weight gradients), so a training step is 6 × this × batch FLOPs, as for the MLPs.
   */
  readonly forwardMultiplyAdds: number;
  /**
   * Floats a training step keeps per example for back-propagation: a_t and h_t of every step, the
   * input drive U x_t + b, and the δ_t of the backward pass (4·T·N), and the time-major inputs.
   */
  readonly stepFloatsPerExample: number;
  /** Floats a forward pass (evaluation) keeps per example: a_t, h_t and the drive (3·T·N). */
  readonly forwardFloatsPerExample: number;
  /** Sequential kernels of a step: T steps forward and T back, plus the input and readout products. */
  readonly dispatches: number;
}

export function rnnShape(n: number, classes: number, sequence: SequenceShape = MNIST_ROWS): RnnShape {
  const { steps, width } = sequence;
  return {
    sequence,
    parameterCount: n * n + width * n + n + n * classes + classes,
    matrices: [
      [width, n],
      [n, n],
      [n, classes],
    ],
    forwardMultiplyAdds: steps * width * n + (steps - 1) * n * n + n * classes,
    stepFloatsPerExample: 4 * steps * n + 2 * steps * width,
    forwardFloatsPerExample: 3 * steps * n + 2 * steps * width,
    dispatches: 2 * steps + 2,
  };
}

/** FLOPs the `orth` option adds to one step of one run: it acts on W alone. */
export function rnnOrthogonalityFlops(orth: LabConfig['orth'], n: number): number {
  return orthogonalityFlops(orth, n, n);
}
