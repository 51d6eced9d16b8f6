import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the active backend multiplies faster run by run: tfjs-backend-wasm sends only
 * untransposed 2-D matMuls to XNNPACK, and a batched or transposed one falls to a scalar loop
 * 5–10× slower (see Formulation in trainer.ts).
 */
export function splitsRunMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * The batched product a·b over the run axis ([R, m, k] · [R, k, n], either side may have R = 1 and
 * broadcast), with tf.matMul's transpose flags. Where splitsRunMatMul(), it is computed as one
 * untransposed 2-D product per run, with explicit transposes; elsewhere as one batched matMul.
 * `rightByRun`, where given, are b's per-run 2-D matrices with the transpose already applied:
 * kept from call to call, they let XNNPACK reuse its packing of them. Call inside tf.tidy.
 */
export function runMatMul(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  transposeA = false,
  transposeB = false,
  rightByRun?: readonly tf.Tensor2D[],
): tf.Tensor3D {
  if (!splitsRunMatMul()) return tf.matMul(a, b, transposeA, transposeB);
  const left = tf.unstack(a) as tf.Tensor2D[];
  const right = rightByRun ?? (tf.unstack(b) as tf.Tensor2D[]).map((m) => (transposeB ? tf.transpose(m) : m));
  const runs = Math.max(left.length, right.length);
  const products = Array.from({ length: runs }, (_, r) => {
    const l = left[Math.min(r, left.length - 1)]!;
    return tf.matMul(transposeA ? tf.transpose(l) : l, right[Math.min(r, right.length - 1)]!);
  });
  return tf.stack(products) as tf.Tensor3D;
}
