import * as tf from '@tensorflow/tfjs-core';
import { STEP_ITERATIONS } from './orthogonalityFlops.ts';

export { STEP_ITERATIONS };

/**
 * Tensor functions that keep a weight matrix near or on a scaled orthogonal set (THEORY §6; Hlav
 * §4–5; Sokół & Park §4). Each acts on the last two axes, so one call serves a stack of runs
 * ([R, m, n]) or one run's matrix ([m, n]), and every run's slice is computed alone: a run that
 * turned NaN spoils only its own slice.
 *
 * The matrix they are about is the effective weight W = γ·S, the stored variable S times the
 * layer's forward gain γ (1 in the standard parameterization, σ_w/√n_in in the NTK one: see
 * LayerScaling), so that a penalty or a constraint means the same network in both
 * parameterizations, and the weight-spectrum probe measures what they act on.
 *
 * For an m × n matrix the Gram matrix G is that of the smaller side (WᵀW when m ≥ n, else WWᵀ):
 * the larger side's has rank k = min(m, n) and cannot be a multiple of I. It is the same matrix
 * for W and Wᵀ, so the functions do not depend on whether a layer is stored as W or as Wᵀ.
 */

/** The transpose of the last two axes. */
export function transposeLast(a: tf.Tensor): tf.Tensor {
  const rank = a.rank;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return tf.transpose(a, perm);
}

function isTall(a: tf.Tensor): boolean {
  return a.shape[a.rank - 2]! >= a.shape[a.rank - 1]!;
}

/**
 * The k × k Gram matrix of the smaller side of `a`. The transposes are explicit because
 * tfjs-backend-wasm sends only untransposed products to XNNPACK.
 */
export function smallerGram(a: tf.Tensor): tf.Tensor {
  return isTall(a) ? tf.matMul(transposeLast(a), a) : tf.matMul(a, transposeLast(a));
}

/** G·a (wide) or a·G (tall): where a k × k matrix acting on the smaller side goes. */
function onSmallerSide(a: tf.Tensor, g: tf.Tensor): tf.Tensor {
  return isTall(a) ? tf.matMul(a, g) : tf.matMul(g, a);
}

function identityLike(gram: tf.Tensor): tf.Tensor {
  return tf.eye(gram.shape[gram.rank - 1]!);
}

/**
 * λ‖G(γS)/c − I‖²_F of each matrix, shape of the leading axes: the soft penalty (c = 1) and
 * Hlav's gain-adjusted one (eq. 11, c = g², the squared singular value of the init).
 */
export function gramPenalty(stored: tf.Tensor, gain: number, c: number, lambda: number): tf.Tensor {
  return tf.tidy(() => {
    const gram = tf.mul(smallerGram(stored), (gain * gain) / c);
    const excess = tf.sub(gram, identityLike(gram));
    return tf.mul(tf.sum(tf.square(excess), [-2, -1]), lambda);
  });
}

/**
 * ∂/∂S of gramPenalty: with W = γS and E = G(W)/c − I, ∂/∂W = (4λ/c)·W·E for a tall W (E·W for a
 * wide one), and ∂/∂S = γ·∂/∂W. For c = 1 this is the 4λW(WᵀW − I) of Hlav eq. 9; Hlav prints the
 * gain-adjusted gradient as (4λ/g⁴)W(WᵀW − I), which drops the g² in front of I — the formula
 * here is the derivative of eq. 11 (the tests hold it to finite differences).
 */
export function gramPenaltyGradient(stored: tf.Tensor, gain: number, c: number, lambda: number): tf.Tensor {
  return tf.tidy(() => {
    const gram = tf.mul(smallerGram(stored), (gain * gain) / c);
    const excess = tf.sub(gram, identityLike(gram));
    return tf.mul(onSmallerSide(stored, excess), (4 * lambda * gain * gain) / c);
  });
}

/**
 * The nearest matrix (in Frobenius norm) to W = γS whose Gram matrix is g²·I, as the stored
 * variable: S ← (g/γ)·U Vᵀ for S = U Σ Vᵀ, the polar factor (it does not depend on the scale of S).
 *
 * U Vᵀ by the Newton–Schulz iteration X ← X(3I − XᵀX)/2 (tall; (3I − XXᵀ)X/2 wide), which
 * sends every singular value σ of X through σ(3 − σ²)/2: to 1, quadratically, from anywhere in
 * (0, √3) (1 + ε becomes 1 − 1.5ε² + O(ε³)), keeping the singular vectors. It is matMuls only,
 * batched over runs, with no decomposition tfjs lacks. X starts as γS/g, whose singular values
 * are near 1 after a step from the manifold; where the row-sum bound λ_max(XᵀX) ≤ max_i Σ_j
 * |(XᵀX)_ij| exceeds 2, X is first shrunk so that it holds 2, which keeps every σ below √2 and
 * inside the iteration's basin. From singular values in [0.5, √2], five iterations reach
 * 1 ± 2·10⁻⁷, float32's floor; a matrix far from the manifold (a Gaussian init) needs more, and
 * projectOntoStiefel iterates it until it is there.
 */
export function retractToStiefel(
  stored: tf.Tensor,
  gain: number,
  /** The target singular value: a number, or one per matrix ([…, 1, 1], e.g. rmsSingularValue). */
  g: number | tf.Tensor,
  iterations = STEP_ITERATIONS,
): tf.Tensor {
  return tf.tidy(() => {
    let x = tf.div(tf.mul(stored, gain), g);
    const gram = smallerGram(x);
    const rowSumBound = tf.max(tf.sum(tf.abs(gram), -1, true), -2, true);
    x = tf.mul(x, tf.sqrt(tf.minimum(1, tf.div(2, rowSumBound))));
    const identity = identityLike(gram);
    for (let i = 0; i < iterations; i++) {
      const step = tf.mul(tf.sub(tf.mul(identity, 3), smallerGram(x)), 0.5);
      x = onSmallerSide(x, step);
    }
    return tf.div(tf.mul(x, g), gain);
  });
}

/**
 * ‖γS‖_F/√k of each matrix ([…, 1, 1]), k its smaller side: the root-mean-square singular value,
 * the scale s of the nearest s·Q to a matrix near the Stiefel manifold.
 */
export function rmsSingularValue(stored: tf.Tensor, gain: number): tf.Tensor {
  return tf.tidy(() => {
    const [rows, cols] = stored.shape.slice(-2) as [number, number];
    return tf.mul(tf.sqrt(tf.div(tf.sum(tf.square(stored), [-2, -1], true), Math.min(rows, cols))), gain);
  });
}

/** The root-mean-square norm of the units' incoming weights γ·s_j (entries along `unitAxis`), […, 1, 1]. */
export function rmsUnitNorm(stored: tf.Tensor, gain: number, unitAxis: number): tf.Tensor {
  return tf.tidy(() => {
    const units = stored.shape.at(unitAxis === -2 ? -1 : -2)!;
    return tf.mul(tf.sqrt(tf.div(tf.sum(tf.square(stored), [-2, -1], true), units)), gain);
  });
}

/**
 * ‖G(γS)/g² − I‖_F/√k of each matrix, the weight probe's orthogonality deviation computed on the
 * device (shape of the leading axes).
 */
export function stiefelDeviation(stored: tf.Tensor, gain: number, g: number): tf.Tensor {
  return tf.tidy(() => {
    const gram = tf.mul(smallerGram(stored), (gain * gain) / (g * g));
    const k = gram.shape[gram.rank - 1]!;
    return tf.div(tf.sqrt(tf.sum(tf.square(tf.sub(gram, identityLike(gram))), [-2, -1])), Math.sqrt(k));
  });
}

/**
 * The Oblique constraint: every unit's incoming weights (the entries along `unitAxis`, the fan-in
 * axis of the stored layout) rescaled so that γ·‖s_j‖ = norm. A zero vector stays zero.
 */
export function rescaleUnits(
  stored: tf.Tensor,
  gain: number,
  /** A number, or one per matrix ([…, 1, 1], e.g. rmsUnitNorm). */
  norm: number | tf.Tensor,
  unitAxis: number,
): tf.Tensor {
  return tf.tidy(() => {
    const lengths = tf.sqrt(tf.sum(tf.square(stored), unitAxis, true));
    const factor = tf.div(tf.div(norm, gain), lengths);
    return tf.mul(stored, tf.where(tf.greater(lengths, 0), factor, tf.onesLike(factor)));
  });
}
