import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../../theory/index.ts';
import { backActivate, biasActivate } from './pointwise.ts';

/**
 * Two fused element-wise kernels of the per-run training step, in JavaScript over the backend's
 * own memory, registered on the CPU backends (wasm, cpu). They replace five tfjs ops per layer
 * (add, tanh; square, sub, mul), each a kernel dispatch and a full pass over the activations.
 */
export const BIAS_ACTIVATE = 'IsometryLabBiasActivate';
export const BACK_ACTIVATE = 'IsometryLabBackActivate';
const FUSED_BACKENDS = ['wasm', 'cpu'] as const;

interface LayerAttrs {
  activation: ActivationId;
  weightGain: number;
  biasGain: number;
}

/** What the two kernels need of a backend: allocate an output, read and write float32 data. */
interface MemoryAccess {
  output(shape: number[]): tf.TensorInfo;
  view(tensor: tf.TensorInfo): Float32Array;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

function memoryAccess(backendName: (typeof FUSED_BACKENDS)[number], backend: unknown): MemoryAccess {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendLike;
    // Views are taken after every output is allocated: an allocation may grow (and so detach) the heap.
    return { output: (shape) => wasm.makeOutput(shape, 'float32'), view: (t) => wasm.typedArrayFromHeap(t) };
  }
  const cpu = backend as CpuBackendLike;
  return {
    output: (shape) => cpu.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    view: (t) => cpu.data.get(t.dataId).values,
  };
}

/** Registers both kernels on the CPU backends (once; later calls do nothing). */
export function registerFusedLayerKernels(): void {
  for (const backendName of FUSED_BACKENDS) {
    if (!tf.getKernel(BIAS_ACTIVATE, backendName)) {
      tf.registerKernel({
        kernelName: BIAS_ACTIVATE,
        backendName,
        kernelFunc: ({ inputs, attrs, backend }) => {
          const { z, bias } = inputs as { z: tf.TensorInfo; bias: tf.TensorInfo };
          const { activation, weightGain, biasGain } = attrs as unknown as LayerAttrs;
          const memory = memoryAccess(backendName, backend);
          const h = memory.output(z.shape);
          const a = memory.output(z.shape);
          const [rows, columns] = z.shape as [number, number];
          if (bias.shape[0] !== rows)
            throw new Error(`${BIAS_ACTIVATE}: bias has ${bias.shape[0]} rows, z ${rows}`);
          biasActivate(
            activation,
            memory.view(z),
            memory.view(bias),
            weightGain,
            biasGain,
            columns,
            memory.view(h),
            memory.view(a),
          );
          return [h, a];
        },
      });
    }
    if (!tf.getKernel(BACK_ACTIVATE, backendName)) {
      tf.registerKernel({
        kernelName: BACK_ACTIVATE,
        backendName,
        kernelFunc: ({ inputs, attrs, backend }) => {
          const { back, h, a } = inputs as { back: tf.TensorInfo; h: tf.TensorInfo; a: tf.TensorInfo };
          const { activation, weightGain } = attrs as unknown as LayerAttrs;
          const memory = memoryAccess(backendName, backend);
          const delta = memory.output(back.shape);
          backActivate(
            activation,
            memory.view(back),
            memory.view(h),
            memory.view(a),
            weightGain,
            memory.view(delta),
          );
          return delta;
        },
      });
    }
  }
}

/** Whether the fused kernels run on the active backend. */
export function fusedLayerKernelsAvailable(): boolean {
  return tf.getKernel(BIAS_ACTIVATE, tf.getBackend()) !== undefined;
}

/** h = gw·z + gb·b and a = φ(h) for z = Wᵀx ([rows, B]) and b ([rows, 1]). */
export function fusedBiasActivate(
  z: tf.Tensor2D,
  bias: tf.Tensor2D,
  activation: ActivationId,
  weightGain: number,
  biasGain: number,
): { h: tf.Tensor2D; a: tf.Tensor2D } {
  const attrs: LayerAttrs = { activation, weightGain, biasGain };
  const [h, a] = tf
    .engine()
    .runKernel(BIAS_ACTIVATE, { z, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D[];
  return { h: h!, a: a! };
}

/** δ = gw·back ⊙ φ′(h) given h and a = φ(h). */
export function fusedBackActivate(
  back: tf.Tensor2D,
  h: tf.Tensor2D,
  a: tf.Tensor2D,
  activation: ActivationId,
  weightGain: number,
): tf.Tensor2D {
  const attrs: LayerAttrs = { activation, weightGain, biasGain: 1 };
  return tf
    .engine()
    .runKernel(BACK_ACTIVATE, { back, h, a }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
