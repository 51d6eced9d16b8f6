import type * as tf from '@tensorflow/tfjs-core';
import { layerwiseKernel } from './layerwiseKernel.ts';
import type { StackedModel } from './model.ts';

/**
 * The empirical NTK over every output unit of every run: Θ_all[(i,a),(j,b)] = ⟨∂f_i(x_a)/∂θ,
 * ∂f_j(x_b)/∂θ⟩, θ the stored weights and biases. Rows and columns are ordered unit-major,
 * index i·D + a (unit i, example a), so the diagonal block of unit i is empiricalNtk(model, x, i).
 */
export interface AllOutputNtk {
  /** Probe inputs D. */
  readonly count: number;
  /** Output units k. */
  readonly units: number;
  /** Per run, the (k·D)×(k·D) kernel, row-major. */
  readonly kernels: Float32Array[];
  /** Per run, f_i(x_a) as D×k row-major (example-major, as the model's outputs are). */
  readonly outputs: Float32Array[];
}

/** Θ_all of every run on inputs x [D, n0]: layerwiseKernel over every output unit. */
export async function allOutputNtk(model: StackedModel, x: tf.Tensor2D): Promise<AllOutputNtk> {
  const units = Array.from({ length: model.outputSize }, (_, unit) => unit);
  const kernel = await layerwiseKernel(model, x, units);
  return { count: kernel.count, units: units.length, kernels: kernel.kernels, outputs: kernel.outputs };
}
