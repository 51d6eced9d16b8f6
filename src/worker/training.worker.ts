/// <reference lib="webworker" />
import type { LabConfig } from '../config/index.ts';
import { createExperiment, fetchByteSource, planRuns, type ByteSource } from '../engine/index.ts';
import { selectBackend } from './backends.ts';
import { TrainingLoop } from './trainingLoop.ts';
import type { BackendName, TrainingEvent, TrainingRequest } from './trainingProtocol.ts';

/** The training worker: picks a backend, then hands every request to the loop. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainingEvent, transfer: Transferable[] = []) => scope.postMessage(event, transfer);

let dataSource: ByteSource | null = null;
/** Larger runs are refused with the nearest size that fits, before the backend runs out of memory. */
const MEMORY_BUDGET_BYTES = 1.5 * 2 ** 30;
/**
 * Rough matMul throughput per backend (GFLOP/s) on a modest machine, and the host SVD's cost per
 * N³: enough to tell a snapshot of a second from one of minutes (see the benchmark).
 */
const GFLOPS: Record<BackendName, number> = { webgpu: 2, webgl: 2, wasm: 20, cpu: 0.8 };
const SVD_SECONDS_PER_N3 = 2.2e-9;
let activeBackend: BackendName = 'cpu';

function spectrumSeconds(config: LabConfig): number {
  const runs = planRuns(config).length;
  const products = runs * config.L * 2 * config.N ** 3;
  return products / (GFLOPS[activeBackend] * 1e9) + runs * SVD_SECONDS_PER_N3 * config.N ** 3;
}

const loop = new TrainingLoop(
  post,
  (config, onProgress) =>
    createExperiment(config, {
      dataSource: dataSource ?? undefined,
      memoryBudgetBytes: MEMORY_BUDGET_BYTES,
      onProgress,
    }),
  spectrumSeconds,
);
let ready: Promise<void> | null = null;

scope.onmessage = (event: MessageEvent<TrainingRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'init':
      dataSource = fetchByteSource(request.dataUrl);
      ready = selectBackend(request.backend).then(
        (selected) => {
          activeBackend = selected.active;
          post({
            type: 'backend',
            active: selected.active,
            adapter: selected.adapter,
            attempts: selected.attempts,
            crossOriginIsolated: scope.crossOriginIsolated,
          });
        },
        (error: unknown) => {
          post({
            type: 'error',
            generation: null,
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        },
      );
      return;
    case 'configure':
      void ready?.then(() => loop.configure(request.generation, request.config, request.autostart));
      return;
    case 'probe':
      void ready?.then(() => loop.setProbe(request.probe));
      return;
    case 'start':
      void ready?.then(() => loop.start());
      return;
    case 'pause':
      loop.pause();
      return;
    case 'step':
      void ready?.then(() => loop.step());
      return;
  }
};
