import * as tf from '@tensorflow/tfjs-core';

/** Relative error a float32 GPU backend must meet on the check below. */
const TOLERANCE = 1e-3;

/**
 * One small training step with the ops the engine uses (batched matMul, tanh, mean-squared loss,
 * gradients), compared with the same numbers computed here in float64. Returns null when the
 * backend agrees, or a sentence saying how it disagreed.
 */
export async function checkTrainingStep(): Promise<string | null> {
  const runs = 2;
  const batch = 3;
  const inputs = 4;
  const outputs = 2;
  const x = Array.from({ length: runs * batch * inputs }, (_, i) => Math.sin(i + 1));
  const w = Array.from({ length: runs * inputs * outputs }, (_, i) => Math.cos(0.7 * i) / 2);
  const y = Array.from({ length: runs * batch * outputs }, (_, i) => ((i % 3) - 1) / 2);

  // Back-propagation by hand, as the engine does it (tfjs-core registers no gradients of its own).
  const [lossValue, gradValue] = tf.tidy(() => {
    const xs = tf.tensor3d(x, [runs, batch, inputs]);
    const ys = tf.tensor3d(y, [runs, batch, outputs]);
    const weights = tf.tensor3d(w, [runs, inputs, outputs]);
    const t = tf.tanh(tf.matMul(xs, weights));
    const diff = tf.sub(t, ys);
    const count = runs * batch * outputs;
    const dh = tf.mul(tf.mul(diff, 2 / count), tf.sub(1, tf.square(t)));
    return [tf.mean(tf.square(diff)), tf.matMul(xs, dh, true, false)];
  });
  const [loss, grad] = await Promise.all([lossValue.data(), gradValue.data()]);
  lossValue.dispose();
  gradValue.dispose();

  const expected = referenceStep(x, w, y, runs, batch, inputs, outputs);
  const lossError = Math.abs(loss[0]! - expected.loss) / Math.abs(expected.loss);
  if (!(lossError < TOLERANCE))
    return `wrong loss in the check step (relative error ${lossError.toExponential(2)})`;
  let worst = 0;
  const scale = Math.max(...expected.grad.map(Math.abs));
  expected.grad.forEach((g, i) => (worst = Math.max(worst, Math.abs(grad[i]! - g) / scale)));
  if (!(worst < TOLERANCE))
    return `wrong gradient in the check step (relative error ${worst.toExponential(2)})`;
  return null;
}

/** The same step by hand: loss = mean((tanh(x w) − y)²), d loss/d w. */
function referenceStep(
  x: number[],
  w: number[],
  y: number[],
  runs: number,
  batch: number,
  inputs: number,
  outputs: number,
) {
  const count = runs * batch * outputs;
  let loss = 0;
  const grad = new Array<number>(w.length).fill(0);
  for (let r = 0; r < runs; r++) {
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outputs; o++) {
        let h = 0;
        for (let i = 0; i < inputs; i++)
          h += x[(r * batch + b) * inputs + i]! * w[(r * inputs + i) * outputs + o]!;
        const t = Math.tanh(h);
        const diff = t - y[(r * batch + b) * outputs + o]!;
        loss += (diff * diff) / count;
        const dh = ((2 * diff) / count) * (1 - t * t);
        for (let i = 0; i < inputs; i++)
          grad[(r * inputs + i) * outputs + o]! += dh * x[(r * batch + b) * inputs + i]!;
      }
    }
  }
  return { loss, grad };
}
