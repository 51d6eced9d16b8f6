/// <reference lib="webworker" />
import type { LabConfig } from '../config/index.ts';
import { DEFAULT_BUDGET, memoryOnly } from '../engine/budget.ts';
import { createExperiment, fetchByteSource, type ByteSource } from '../engine/index.ts';
import {
  selectAuto,
  selectForced,
  watchDeviceLoss,
  type DeviceLoss,
  type SelectedBackend,
} from './backends.ts';
import { TrainingLoop } from './trainingLoop.ts';
import {
  isDeviceLossMessage,
  type BackendName,
  type TrainingEvent,
  type TrainingRequest,
} from './trainingProtocol.ts';

/** The training worker: picks a backend, then hands every request to the loop. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainingEvent, transfer: Transferable[] = []) => {
  // A step or read-back that failed because the GPU went away is a lost device, not a bug to show.
  if (event.type === 'error' && gpuActive && isDeviceLossMessage(event.message)) {
    void explainDeviceLoss(event.message);
    return;
  }
  scope.postMessage(event, transfer);
};

let dataSource: ByteSource | null = null;
/**
 * Every configuration is held to the lab's budget before anything is drawn (src/engine/budget.ts:
 * memory, seconds per step and to build, on the active backend), by the loop: one over it is
 * refused with the nearest configuration within it. Auto selection's timed builds, which come
 * before the loop, keep to its memory limit.
 */
let activeBackend: BackendName = 'cpu';

const loop = new TrainingLoop(
  post,
  (config, onProgress) =>
    createExperiment(config, {
      dataSource: dataSource ?? undefined,
      onProgress,
    }),
  { budget: DEFAULT_BUDGET, backend: () => ({ backend: activeBackend }) },
);

// ── Backend selection ────────────────────────────────────────────────────────────────────────
// A forced backend (`backend=` in the link) is checked at 'init'. Auto selection needs the
// configuration, to time one real step of it on every candidate: it runs at the first
// 'configure' (which the page sends right after 'init'), and every later request waits for it.
/** Resolves once a backend is active; requests that need one chain on it. */
let ready: Promise<void> | null = null;
let pendingAuto: Extract<TrainingRequest, { type: 'init' }> | null = null;
/** Backends that failed earlier on this page; a forced one among them falls back to auto. */
let excluded: readonly BackendName[] = [];

function initBackend(request: Extract<TrainingRequest, { type: 'init' }>): void {
  excluded = request.exclude ?? [];
  if (request.backend === 'auto' || excluded.includes(request.backend)) {
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
        selectAuto(
          config,
          init.cachedChoices,
          {
            dataSource: dataSource ?? undefined,
            budget: memoryOnly(DEFAULT_BUDGET.memoryBytes),
          },
          excluded,
        ),
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
        excluded,
      });
      watchGpu(selected.active);
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

// ── A lost GPU ───────────────────────────────────────────────────────────────────────────────
// The page is told once, with the browser's reason when it gives one; it then replaces this
// worker with one on another backend.
let gpuActive = false;
let deviceLoss: Promise<DeviceLoss> | null = null;
let deviceLossReported = false;

function watchGpu(backend: BackendName): void {
  if (backend !== 'webgpu' && backend !== 'webgl') return;
  gpuActive = true;
  deviceLoss = new Promise((resolve) => watchDeviceLoss(backend, resolve));
  void deviceLoss.then((loss) => reportDeviceLoss(loss));
}

function reportDeviceLoss(loss: DeviceLoss): void {
  if (deviceLossReported) return;
  deviceLossReported = true;
  scope.postMessage({
    type: 'device-lost',
    backend: activeBackend,
    reason: loss.reason,
    message: loss.message,
  } satisfies TrainingEvent);
}

/** An error that reads like a lost GPU: wait briefly for the device's own reason, then report. */
async function explainDeviceLoss(message: string): Promise<void> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), DEVICE_LOSS_WAIT_MS));
  const loss = deviceLoss ? await Promise.race([deviceLoss, timeout]) : null;
  reportDeviceLoss(loss ?? { reason: 'unknown', message });
}
/** How long a failed read-back waits for GPUDevice.lost to say why (on a loaded two-core machine it took over 500 ms). */
const DEVICE_LOSS_WAIT_MS = 2000;
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** The Web Lock held for this worker's lifetime: released by the browser when the worker ends. */
function holdLifetimeLock(name: string): void {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return;
  void locks.request(name, () => {
    scope.postMessage({ type: 'lock-held' } satisfies TrainingEvent);
    return new Promise<never>(() => undefined);
  });
}

scope.onmessage = (event: MessageEvent<TrainingRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'init':
      if (request.lockName) holdLifetimeLock(request.lockName);
      dataSource = fetchByteSource(request.dataUrl);
      initBackend(request);
      return;
    case 'ping':
      post({ type: 'pong' });
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
