import type { ActivationId } from '../../theory/index.ts';
import type { SequenceShape } from './sequence.ts';

/**
 * One run of the recurrent network in plain Float64 JavaScript, loops only: the independent
 * computation the tests hold the stacked tfjs program (and its back-propagation through time,
 * by central differences of this loss) against.
 */
export interface ReferenceRnn {
  readonly activation: ActivationId;
  readonly sequence: SequenceShape;
  /** Hidden width N and classes k. */
  readonly width: number;
  readonly classes: number;
  /** Effective (gain-included) parameters, row-major: W [N, N], U [width, N], b [N], V [N, k], c [k]. */
  readonly recurrent: Float64Array;
  readonly input: Float64Array;
  readonly bias: Float64Array;
  readonly readout: Float64Array;
  readonly readoutBias: Float64Array;
}

function phi(id: ActivationId, a: number): number {
  switch (id) {
    case 'tanh':
      return Math.tanh(a);
    case 'relu':
      return Math.max(a, 0);
    case 'linear':
      return a;
    case 'hardtanh':
      return Math.min(1, Math.max(-1, a));
    case 'erf':
      throw new RangeError('the reference has no erf');
  }
}

/** Logits of one example, x of length T·width (steps in order). */
export function referenceLogits(net: ReferenceRnn, x: ArrayLike<number>): Float64Array {
  const { width: n, classes: k } = net;
  const { steps, width: w } = net.sequence;
  let h = new Float64Array(n);
  for (let t = 0; t < steps; t++) {
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let a = net.bias[j]!;
      for (let i = 0; i < n; i++) a += h[i]! * net.recurrent[i * n + j]!;
      for (let i = 0; i < w; i++) a += x[t * w + i]! * net.input[i * n + j]!;
      next[j] = phi(net.activation, a);
    }
    h = next;
  }
  const logits = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let z = net.readoutBias[c]!;
    for (let i = 0; i < n; i++) z += h[i]! * net.readout[i * k + c]!;
    logits[c] = z;
  }
  return logits;
}

/** Mean softmax cross-entropy over the batch (x: [B, T·width] row-major; labels: class indices). */
export function referenceLoss(net: ReferenceRnn, x: ArrayLike<number>, labels: readonly number[]): number {
  const size = net.sequence.steps * net.sequence.width;
  let total = 0;
  labels.forEach((label, b) => {
    const z = referenceLogits(
      net,
      Array.from({ length: size }, (_, i) => x[b * size + i]!),
    );
    const top = Math.max(...z);
    const logSum = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
    total += logSum - z[label]!;
  });
  return total / labels.length;
}
