import * as tf from '@tensorflow/tfjs-core';

/**
 * A variable holding `initial`, which is then disposed: tf.variable shares the data but leaves
 * the source tensor registered, and it would outlive the variable's dispose().
 */
export function variableFrom<R extends tf.Rank>(initial: tf.Tensor<R>, trainable = false): tf.Variable<R> {
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}
