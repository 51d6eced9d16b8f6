import type * as tf from '@tensorflow/tfjs-core';
import type { Task } from './data/dataset.ts';
import type { StackedModel } from './model.ts';

/**
 * How one training step of all runs is written as tensor programs.
 * - stacked: weights [R, n_in, n_out], batched 3-D matMuls: R runs cost the dispatches of one.
 *   It is meant for GPUs, where dispatches are dear and a batched matMul is one kernel; on
 *   SwiftShader's emulated WebGL the per-run form measured faster, and figures from a real GPU
 *   should settle it there.
 * - per-run: each run's weights as 2-D [n_out, n_in] matrices and activations as [n, B] columns,
 *   so that every product is an untransposed 2-D matMul. tfjs-backend-wasm sends only those to
 *   XNNPACK (batched or transposed ones fall to a scalar loop several times slower), and XNNPACK
 *   packs its right operand anew for every new tensor: with activations on the right it packs an
 *   [n, B] block, not an [n, n] weight matrix. It pays on the CPU backends.
 */
export type Formulation = 'stacked' | 'per-run';
export const FORMULATIONS: readonly Formulation[] = ['stacked', 'per-run'];

/** The faster formulation on a tfjs backend, as measured by `npm run bench`. */
export function preferredFormulation(backend: string): Formulation {
  return backend === 'wasm' || backend === 'cpu' ? 'per-run' : 'stacked';
}

/** The parameters and update of every run, in one of the formulations above. */
export interface Trainer {
  readonly formulation: Formulation;
  readonly runCount: number;
  /**
   * One optimizer step of every live run on the batch x ([B, n0], shared by all runs) with targets
   * y ([B, n_out]); returns each run's loss before the update, [R] (NaN for frozen runs).
   */
  trainStep(task: Task, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D;
  /** The parameters as they are now, kept aside for measurements (see FrozenNetworks). */
  freeze(): FrozenNetworks;
  /** Freezes the runs whose entry is false: they take no update from the next step on. */
  setLiveRuns(live: readonly boolean[]): void;
  dispose(): void;
}

/**
 * The parameters of every run at one step, kept aside for measurements while training goes on.
 * Keeping them is cheap: tfjs tensors are immutable and a training step replaces the variables'
 * data rather than writing into it, so the copies share data with the step they were taken at.
 */
export interface FrozenNetworks {
  /** Outputs of every run, [R, B, n_out], for inputs [B, n0]; call inside tf.tidy. */
  outputs(x: tf.Tensor2D): tf.Tensor3D;
  /** Mean squared pre-activation q^l of every hidden layer, [R, L]; call inside tf.tidy. */
  signal(x: tf.Tensor2D): tf.Tensor2D;
  /**
   * Loss, ‖∂loss/∂h^l‖ and ‖∂loss/∂W^l‖ of the runs `runIds` on the batch, [1 + 2L, runs] (rows
   * as in gradientNorms.ts), in this formulation, one run as cheap as a part of all; absent where
   * the StackedModel's are as fast. Call inside tf.tidy.
   */
  gradientNorms?(task: Task, x: tf.Tensor2D, y: tf.Tensor2D, runIds: readonly number[]): tf.Tensor2D;
  /**
   * The parameters as a StackedModel (for gradient norms, spectra), made on first use and owned
   * here. Of mirrored runs (mirror.ts), copy a only: the measurements that look inside one network
   * (signal, spectra, gradient norms, weight change) take it as the run's network.
   */
  model(): StackedModel;
  /**
   * Mirrored runs only: both copies as one StackedModel of 2R runs (run r's copy a at r, its copy b
   * at R + r), made on first use and owned here, for the measurements of the mirrored function
   * itself (its tangent kernel); absent for plain runs.
   */
  copies?(): StackedModel;
  dispose(): void;
}
