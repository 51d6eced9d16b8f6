/// <reference lib="webworker" />
import { DEFAULT_BUDGET, memoryOnly } from '../engine/budget.ts';
import { fetchByteSource, type ByteSource } from '../engine/index.ts';
import { runSweep } from '../sweep/runner.ts';
import { selectAuto, selectForced, type SelectedBackend } from './backends.ts';
import type { SweepEvent, SweepRequest } from './sweepProtocol.ts';
import type { BackendChoice } from './trainingProtocol.ts';

/**
 * The sweep worker: picks a backend as the training worker does (once; again only when a link
 * forces another), then runs one sweep at a time, cancelled through an AbortController. It owns
 * nothing of the page: it posts progress, points and the final file, and the page's client
 * (src/state/sweepClient.ts) writes the store.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: SweepEvent) => scope.postMessage(event);

let dataSource: ByteSource | null = null;
let backend: { choice: BackendChoice; selected: Promise<SelectedBackend> } | null = null;
/** The sweep running now; a newer 'start' cancels it first. */
let current: { id: number; controller: AbortController; finished: Promise<void> } | null = null;

function selectBackend(request: Extract<SweepRequest, { type: 'start' }>): Promise<SelectedBackend> {
  if (backend && backend.choice === request.backend) return backend.selected;
  const selected =
    request.backend === 'auto'
      ? selectAuto(
          // Timed on the base configuration: its shape class is the sweep's typical one.
          request.definition.base,
          request.cachedChoices,
          { dataSource: dataSource ?? undefined, budget: memoryOnly(DEFAULT_BUDGET.memoryBytes) },
        )
      : selectForced(request.backend);
  backend = { choice: request.backend, selected };
  // A failed selection is not kept: the next sweep tries again.
  selected.catch(() => {
    if (backend?.selected === selected) backend = null;
  });
  return selected;
}

async function run(request: Extract<SweepRequest, { type: 'start' }>, controller: AbortController) {
  const { id } = request;
  try {
    const selected = await selectBackend(request);
    if (current?.id !== id) return; // superseded by a newer sweep while the backend was chosen
    post({ type: 'backend', id, active: selected.active, adapter: selected.adapter });
    const result = await runSweep(request.definition, {
      dataSource: dataSource ?? undefined,
      budget: DEFAULT_BUDGET,
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', id, progress }),
      onPoints: (points, curves) => post({ type: 'points', id, points, curves }),
    });
    post({ type: 'done', id, result });
  } catch (error) {
    post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}

scope.onmessage = (event: MessageEvent<SweepRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'start': {
      dataSource ??= fetchByteSource(request.dataUrl);
      const previous = current;
      previous?.controller.abort();
      const controller = new AbortController();
      // One sweep at a time on the cores: the new one starts once the old one has stopped.
      const finished = (previous?.finished ?? Promise.resolve()).then(() => run(request, controller));
      current = { id: request.id, controller, finished };
      return;
    }
    case 'cancel':
      if (current?.id === request.id) current.controller.abort();
      return;
  }
};
