/// <reference lib="webworker" />
import { selectBackend } from '../worker/backends.ts';
import { DEFAULT_BUDGET, measureGrid } from './measure.ts';
import type { BenchEvent, BenchRequest } from './benchProtocol.ts';

/** Times the engine and the tfjs-layers baseline in a worker, on the backend selection the lab uses. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: BenchEvent) => scope.postMessage(event);

scope.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const { backends, grid, seconds } = event.data;
  for (const requested of backends) {
    try {
      const selected = await selectBackend(requested);
      post({ type: 'backend', requested, active: selected.active, adapter: selected.adapter });
      await measureGrid(
        grid,
        { backend: selected.active, environment: 'browser' },
        { ...DEFAULT_BUDGET, seconds },
        (result) => post({ type: 'result', result }),
      );
    } catch (error) {
      post({ type: 'error', requested, message: error instanceof Error ? error.message : String(error) });
    }
  }
  post({ type: 'done' });
};
