import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { checkTrainingStep } from './backendCheck.ts';
import { BACKENDS, type BackendAttempt, type BackendChoice, type BackendName } from './trainingProtocol.ts';

// The .wasm files ship with the app (nothing from the network at run time).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

// Leave one core to the page: with every core computing, the main thread's frames stretch past
// 50 ms on a two-core machine, and the page stops feeling live.
setThreadsCount(Math.max(1, (navigator.hardwareConcurrency || 2) - 1));

export interface SelectedBackend {
  readonly active: BackendName;
  readonly adapter: string;
  readonly attempts: BackendAttempt[];
}

/**
 * Tries webgpu → webgl → wasm → cpu (or only the forced one) and keeps the first whose small
 * real training step gives the right numbers: a backend that initializes but computes garbage
 * (it happens with some drivers) is never used.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  const order: readonly BackendName[] = choice === 'auto' ? BACKENDS : [choice];
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    const reason = await tryBackend(backend);
    attempts.push(reason === null ? { backend, ok: true } : { backend, ok: false, reason });
    if (reason === null) return { active: backend, adapter: await describeAdapter(backend), attempts };
  }
  const summary = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new Error(`No tfjs backend works here (${summary})`);
}

async function tryBackend(backend: BackendName): Promise<string | null> {
  if (backend === 'webgpu' && !('gpu' in navigator))
    return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    const ok = await tf.setBackend(backend);
    if (!ok) return 'failed to initialize';
    await tf.ready();
    return await checkTrainingStep();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function describeAdapter(backend: BackendName): Promise<string> {
  if (backend === 'webgpu') {
    const gpu = (
      navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }
    ).gpu;
    const info = (await gpu.requestAdapter())?.info;
    const parts = [info?.vendor, info?.architecture, info?.description].filter((p): p is string =>
      Boolean(p),
    );
    return parts.length > 0 ? parts.join(' · ') : 'unknown adapter';
  }
  if (backend === 'webgl') {
    const version = tf.env().getNumber('WEBGL_VERSION');
    return `WebGL ${version}`;
  }
  if (backend === 'wasm') {
    const threads = typeof SharedArrayBuffer !== 'undefined' && self.crossOriginIsolated;
    return `WebAssembly, ${threads ? `${getThreadsCount()} threads` : 'single thread'}`;
  }
  return 'JavaScript';
}
