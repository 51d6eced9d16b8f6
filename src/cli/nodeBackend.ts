import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** The tfjs backends that run in Node without native binaries. */
export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export async function selectNodeBackend(name: NodeBackend): Promise<void> {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm files are read from the installed package, never fetched.
    const dist = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
    wasm.setWasmPaths(`${dist}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialize`);
  await tf.ready();
}
