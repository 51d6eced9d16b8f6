import type * as tf from '@tensorflow/tfjs-core';
import type { Task } from './data/dataset.ts';
import { allOutputNtk, type AllOutputNtk } from './curvatureKernel.ts';
import {
  denseOperator,
  largestEigenvalue,
  type PowerIterationOptions,
  type SymmetricOperator,
} from './curvaturePower.ts';
import type { StackedModel } from './model.ts';

/**
 * Which Fisher information: 'mse' is the Fisher of a unit-variance Gaussian output, G = (1/D) Σ_a
 * J_aᵀ J_a (the Gauss–Newton matrix of ½‖f − y‖²; the lab's regression loss, the mean of (f − y)²
 * over D examples and k outputs, has Gauss–Newton matrix (2/k)·G); 'cross-entropy' is the Fisher
 * of the softmax, G = (1/D) Σ_a J_aᵀ H_a J_a with H_a = diag(p_a) − p_a p_aᵀ, p_a the softmax of
 * the network's own outputs (the true Fisher, not the empirical one: it needs no labels).
 */
export type FisherLoss = 'mse' | 'cross-entropy';

/** Classification is trained with softmax cross-entropy, regression with squared error. */
export function fisherLossOf(task: Task): FisherLoss {
  return task === 'classification' ? 'cross-entropy' : 'mse';
}

export interface FisherCurvature {
  readonly loss: FisherLoss;
  /** Probe inputs D. */
  readonly count: number;
  /** Per run, λ_max of the Fisher information (NaN for a run whose kernel is not finite). */
  readonly lambdaMax: Float64Array;
  /** Power-iteration products of the slowest run. */
  readonly iterations: number;
  /** Whether every run's power iteration met its tolerance. */
  readonly converged: boolean;
}

/**
 * λ_max of the Fisher information of every run on inputs x [D, n0], at D·k ≤ a few hundred.
 *
 * G = Aᵀ A/D over the parameters, with A the (k·D) × P stack of the rows √H-weighted ∂f_i(x_a)/∂θ;
 * its non-zero spectrum is that of the (k·D)×(k·D) matrix A Aᵀ/D. So, with Θ_all = J Jᵀ the
 * all-output NTK (curvatureKernel.ts): MSE, λ_max(Θ_all)/D; cross-entropy, λ_max(Bᵀ Θ_all B)/D with
 * H = B Bᵀ per example, B_a = diag(√p_a) − p_a √p_aᵀ (exact, since Σ_i p_ai = 1). Bᵀ Θ_all B has the
 * spectrum of H^{1/2} Θ_all H^{1/2} (both are that of Θ_all^{1/2} H Θ_all^{1/2}) and needs no
 * matrix square root. λ_max comes from power iteration on that symmetric operator, never from a
 * full eigendecomposition.
 */
export async function fisherCurvature(
  model: StackedModel,
  x: tf.Tensor2D,
  loss: FisherLoss,
  options: PowerIterationOptions = {},
): Promise<FisherCurvature> {
  const ntk = await allOutputNtk(model, x);
  return fisherFromKernel(ntk, loss, options);
}

/** The same from an all-output kernel already read back. */
export function fisherFromKernel(
  ntk: AllOutputNtk,
  loss: FisherLoss,
  options: PowerIterationOptions = {},
): FisherCurvature {
  const { count, units } = ntk;
  const size = count * units;
  const lambdaMax = new Float64Array(ntk.kernels.length);
  let iterations = 0;
  let converged = true;
  ntk.kernels.forEach((kernel, r) => {
    const operator = fisherOperator(kernel, ntk.outputs[r]!, count, units, loss);
    const result = largestEigenvalue(operator, size, options);
    lambdaMax[r] = result.value;
    iterations = Math.max(iterations, result.iterations);
    // A run that diverged (NaN) has nothing to converge to; it does not mark the others.
    if (Number.isFinite(result.value)) converged &&= result.converged;
  });
  return { loss, count, lambdaMax, iterations, converged };
}

/**
 * The symmetric operator whose λ_max is the Fisher's: Θ_all/D, or Bᵀ Θ_all B/D (see
 * fisherCurvature); `outputs` D×k example-major, the kernel unit-major (row i·D + a).
 */
export function fisherOperator(
  kernel: Float32Array,
  outputs: Float32Array,
  count: number,
  units: number,
  loss: FisherLoss,
): SymmetricOperator {
  const size = count * units;
  const theta = denseOperator(kernel, size);
  if (loss === 'mse')
    return (v, out) => {
      theta(v, out);
      for (let i = 0; i < size; i++) out[i] = out[i]! / count;
    };
  const p = softmaxRows(outputs, count, units);
  const u = new Float64Array(size);
  const w = new Float64Array(size);
  return (v, out) => {
    applyB(p, count, units, v, u, false);
    theta(u, w);
    applyB(p, count, units, w, out, true);
    for (let i = 0; i < size; i++) out[i] = out[i]! / count;
  };
}

/**
 * out = B v (or Bᵀ v) with B = blockdiag_a(diag(√p_a) − p_a √p_aᵀ), vectors unit-major:
 *   (B v)_ia = √p_ai v_ia − p_ai Σ_j √p_aj v_ja,   (Bᵀ v)_ja = √p_aj (v_ja − Σ_i p_ai v_ia).
 */
function applyB(
  p: Float64Array,
  count: number,
  units: number,
  v: Float64Array,
  out: Float64Array,
  transposed: boolean,
): void {
  for (let a = 0; a < count; a++) {
    let projection = 0;
    for (let i = 0; i < units; i++) {
      const pi = p[a * units + i]!;
      projection += (transposed ? pi : Math.sqrt(pi)) * v[i * count + a]!;
    }
    for (let i = 0; i < units; i++) {
      const pi = p[a * units + i]!;
      const vi = v[i * count + a]!;
      out[i * count + a] = transposed
        ? Math.sqrt(pi) * (vi - projection)
        : Math.sqrt(pi) * vi - pi * projection;
    }
  }
}

/** Softmax of each example's k outputs (D×k row-major), in Float64 and shifted by the row max. */
export function softmaxRows(outputs: ArrayLike<number>, count: number, units: number): Float64Array {
  const p = new Float64Array(count * units);
  for (let a = 0; a < count; a++) {
    let top = -Infinity;
    for (let i = 0; i < units; i++) top = Math.max(top, outputs[a * units + i]!);
    let sum = 0;
    for (let i = 0; i < units; i++) sum += p[a * units + i] = Math.exp(outputs[a * units + i]! - top);
    for (let i = 0; i < units; i++) p[a * units + i] = p[a * units + i]! / sum;
  }
  return p;
}
