/// <reference lib="webworker" />
import { selectBackend } from '../worker/backends.ts';
import { DEFAULT_BUDGET, measureGrid } from './measure.ts';
import type { BenchEvent, BenchRequest } from './benchProtocol.ts';

/** Times the engine in a worker, on the same backend selection the lab uses. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: BenchEvent) => scope.postMessage(event);

scope.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const { backend, grid, seconds } = event.data;
  try {
    const selected = await selectBackend(backend);
    post({ type: 'backend', active: selected.active, adapter: selected.adapter });
    await measureGrid(
      grid,
      { backend: selected.active, environment: 'browser' },
      { ...DEFAULT_BUDGET, seconds },
      (result) => post({ type: 'result', result }),
    );
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
