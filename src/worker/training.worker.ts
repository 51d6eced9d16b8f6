/// <reference lib="webworker" />
import type { LabConfig } from '../config/index.ts';
import { createExperiment, fetchByteSource, planRuns, type ByteSource } from '../engine/index.ts';
import { selectAuto, selectForced, type SelectedBackend } from './backends.ts';
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

// ── Backend selection ────────────────────────────────────────────────────────────────────────
// A forced backend (`backend=` in the link) is checked at 'init'. Auto selection needs the
// configuration, to time one real step of it on every candidate: it runs at the first
// 'configure' (which the page sends right after 'init'), and every later request waits for it.
/** Resolves once a backend is active; requests that need one chain on it. */
let ready: Promise<void> | null = null;
let pendingAuto: Extract<TrainingRequest, { type: 'init' }> | null = null;

function initBackend(request: Extract<TrainingRequest, { type: 'init' }>): void {
  if (request.backend === 'auto') {
    pendingAuto = request;
    ready = Promise.resolve();
  } else {
    ready = announce(selectForced(request.backend));
  }
}

/** The promise to chain a 'configure' on: the first one under auto selection measures first. */
function backendReadyFor(config: LabConfig): Promise<void> | null {
  const init = pendingAuto;
  if (init && ready) {
    pendingAuto = null;
    ready = ready.then(() =>
      announce(
        selectAuto(config, init.cachedChoices, {
          dataSource: dataSource ?? undefined,
          memoryBudgetBytes: MEMORY_BUDGET_BYTES,
        }),
      ),
    );
  }
  return ready;
}

function announce(selecting: Promise<SelectedBackend>): Promise<void> {
  return selecting.then(
    (selected) => {
      activeBackend = selected.active;
      post({
        type: 'backend',
        active: selected.active,
        adapter: selected.adapter,
        attempts: selected.attempts,
        crossOriginIsolated: scope.crossOriginIsolated,
        softwareName: selected.softwareName,
        selection: selected.selection,
        measurements: selected.measurements,
        cacheKey: selected.cacheKey,
        selectionMs: selected.selectionMs,
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
}
// ─────────────────────────────────────────────────────────────────────────────────────────────

scope.onmessage = (event: MessageEvent<TrainingRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'init':
      dataSource = fetchByteSource(request.dataUrl);
      initBackend(request);
      return;
    case 'configure':
      void backendReadyFor(request.config)?.then(() =>
        loop.configure(request.generation, request.config, request.autostart),
      );
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
