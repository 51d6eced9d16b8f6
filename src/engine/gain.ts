import * as tf from '@tensorflow/tfjs-core';

/**
 * t·factor for a layer's forward gain (see LayerScaling), with no op at all for a gain of 1: the
 * standard parameterization's, where every layer would otherwise pay a multiply per pass.
 */
export function scaled<T extends tf.Tensor>(t: T, factor: number): T {
  return factor === 1 ? t : tf.mul(t, factor);
}
