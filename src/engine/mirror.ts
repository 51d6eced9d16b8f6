import * as tf from '@tensorflow/tfjs-core';
import type { LayerInit } from './model.ts';
import type { EmpiricalNtk } from './ntk.ts';

/**
 * Mirrored initialization (Chen, Li & Lin; THEORY §1): run r is f_r = (g_a − g_b)/√2, where g_a and
 * g_b are two networks with identical parameters at initialization that then train apart. The
 * trainers hold 2R networks on their run axis: network r is copy a of run r and network R + r its
 * copy b. At init f ≡ 0 exactly (the two copies compute the same bits), and the tangent kernel is
 * Θ = (Θ_a + Θ_b)/2 = Θ_a, since ∂f/∂θ_a = ∂g_a/∂θ_a/√2 and ∂f/∂θ_b = −∂g_b/∂θ_b/√2.
 * The gradient of a loss ℓ(f) is ±ℓ′(f)/√2 back-propagated through each copy.
 */
export const MIRROR_SCALE = Math.SQRT1_2;

/** Networks held per run: 2 for a mirrored run (copies a and b), else 1. */
export function copiesPerRun(mirrored: boolean): number {
  return mirrored ? 2 : 1;
}

/** The layers' initial parameters with every run duplicated: runs 0 … R−1, then their copies. */
export function mirrorInits(inits: readonly LayerInit[]): LayerInit[] {
  return inits.map((init) => ({
    ...init,
    weights: [...init.weights, ...init.weights],
    biases: [...init.biases, ...init.biases],
  }));
}

/** A per-run list (learning rates, live flags) for the 2R networks: copy b takes its run's entry. */
export function mirrorRuns<T>(perRun: readonly T[]): T[] {
  return [...perRun, ...perRun];
}

/** (o_a − o_b)/√2 of outputs [2R, B, n_out] held as copies a then copies b, [R, B, n_out]; call inside tf.tidy. */
export function mirroredOutput(outputs: tf.Tensor3D): tf.Tensor3D {
  const [a, b] = tf.split(outputs, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
  return tf.mul(tf.sub(a, b), MIRROR_SCALE);
}

/**
 * ∂ℓ/∂o of the 2R networks from ∂ℓ/∂f ([R, B, n_out]): +g/√2 for the copies a, −g/√2 for the
 * copies b, [2R, B, n_out]; call inside tf.tidy.
 */
export function mirroredOutputGradient(gradient: tf.Tensor3D): tf.Tensor3D {
  const half = tf.mul(gradient, MIRROR_SCALE);
  return tf.concat([half, tf.neg(half)], 0) as tf.Tensor3D;
}

/**
 * The tangent kernels and outputs of R mirrored runs from those of their 2R copies (entry r of
 * copy a, R + r of copy b): Θ = (Θ_a + Θ_b)/2 and f = (g_a − g_b)/√2. In Float32 (x + x)/2 = x and
 * x − x = 0 exactly, so at init the kernel is copy a's and the outputs are 0, bit for bit.
 */
export function mirroredNtk(ntk: EmpiricalNtk): EmpiricalNtk {
  return { kernels: mirroredKernels(ntk.kernels), outputs: mirroredOutputs(ntk.outputs) };
}

/** Θ = (Θ_a + Θ_b)/2 per run from the 2R copies' kernels (any per-run kernel, e.g. all outputs'). */
export function mirroredKernels(kernels: readonly Float32Array[]): Float32Array[] {
  const runs = halfOf(kernels.length);
  return Array.from({ length: runs }, (_, r) => {
    const a = kernels[r]!;
    const b = kernels[runs + r]!;
    return Float32Array.from(a, (value, i) => (value + b[i]!) / 2);
  });
}

/** f = (g_a − g_b)/√2 per run from the 2R copies' output values. */
export function mirroredOutputs(outputs: readonly Float32Array[]): Float32Array[] {
  const runs = halfOf(outputs.length);
  return Array.from({ length: runs }, (_, r) => {
    const a = outputs[r]!;
    const b = outputs[runs + r]!;
    return Float32Array.from(a, (value, i) => (value - b[i]!) * MIRROR_SCALE);
  });
}

function halfOf(count: number): number {
  if (count % 2 !== 0) throw new RangeError(`${count} networks are not pairs of mirrored copies`);
  return count / 2;
}
