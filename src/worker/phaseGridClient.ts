import type { PhaseGridSpec } from '../theory/index.ts';
import type { DiagramGrid, PhaseGridEvent, PhaseGridRequest } from './phaseGridProtocol.ts';

/**
 * One long-lived worker for phase grids, cached by spec. Callers drop answers they no longer need
 * (the panel keeps only the grid for the current activation), so quick changes never show stale maps.
 */
export class PhaseGridClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (g: DiagramGrid) => void; reject: (e: Error) => void }
  >();
  private readonly cache = new Map<string, DiagramGrid>();

  cached(spec: PhaseGridSpec): DiagramGrid | undefined {
    return this.cache.get(JSON.stringify(spec));
  }

  evaluate(spec: PhaseGridSpec): Promise<DiagramGrid> {
    const key = JSON.stringify(spec);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const requestId = this.nextId++;
    return new Promise<DiagramGrid>((resolve, reject) => {
      this.pending.set(requestId, {
        resolve: (grid) => {
          this.cache.set(key, grid);
          resolve(grid);
        },
        reject,
      });
      const request: PhaseGridRequest = { type: 'evaluate', requestId, spec };
      this.ensureWorker().postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./phaseGrid.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<PhaseGridEvent>) => {
      const reply = event.data;
      const entry = this.pending.get(reply.requestId);
      if (!entry) return;
      this.pending.delete(reply.requestId);
      if (reply.type === 'grid') entry.resolve(reply.diagram);
      else entry.reject(new Error(reply.message));
    };
    worker.onerror = (event) => {
      const error = new Error(`The theory worker failed: ${event.message || 'unknown error'}`);
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
      worker.terminate();
      this.worker = null;
    };
    this.worker = worker;
    return worker;
  }
}

export const phaseGridClient = new PhaseGridClient();
