import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../theory/index.ts';

const ERF_SCALE = Math.sqrt(Math.PI) / 2;

/**
 * The tfjs form of each activation in src/theory/nonlinearities (a test holds them equal on a
 * grid): tanh, clip to [−1, 1], max(h, 0), identity, and erf(√π h/2) (slope 1 at 0, like tanh).
 */
export function applyActivation(id: ActivationId, h: tf.Tensor): tf.Tensor {
  switch (id) {
    case 'tanh':
      return tf.tanh(h);
    case 'hardtanh':
      return tf.clipByValue(h, -1, 1);
    case 'relu':
      return tf.relu(h);
    case 'linear':
      return h;
    case 'erf':
      return tf.erf(tf.mul(h, ERF_SCALE));
  }
}

/**
 * φ′(h), given h and φ(h), with theory's convention at the kinks (slope 0 at h = 0 for ReLU and at
 * |h| = 1 for hard-tanh). Returns null for the identity, whose derivative needs no multiply.
 */
export function activationDerivative(id: ActivationId, h: tf.Tensor, phiH: tf.Tensor): tf.Tensor | null {
  switch (id) {
    case 'tanh':
      return tf.sub(1, tf.square(phiH));
    case 'hardtanh':
      return tf.cast(tf.less(tf.abs(h), 1), 'float32');
    case 'relu':
      return tf.cast(tf.greater(h, 0), 'float32');
    case 'linear':
      return null;
    case 'erf':
      return tf.exp(tf.mul(tf.square(h), -ERF_SCALE * ERF_SCALE));
  }
}
