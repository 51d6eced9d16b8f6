import type { TheoryEvent, TheoryJob, TheoryJobs, TheoryRequest } from './theoryProtocol.ts';

/** Answers kept per job; a phase grid is a few MB, a density a few kB. */
const CACHE_LIMIT = 24;

/**
 * One long-lived theory worker, with answers cached by job and spec. Callers drop answers they no
 * longer need (a panel keeps only the one for its current settings), so quick changes never show
 * stale results.
 */
export class TheoryClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly cache = new Map<string, unknown>();

  cached<J extends TheoryJob>(job: J, spec: TheoryJobs[J]['spec']): TheoryJobs[J]['result'] | undefined {
    return this.cache.get(`${job}:${JSON.stringify(spec)}`) as TheoryJobs[J]['result'] | undefined;
  }

  run<J extends TheoryJob>(job: J, spec: TheoryJobs[J]['spec']): Promise<TheoryJobs[J]['result']> {
    const key = `${job}:${JSON.stringify(spec)}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return Promise.resolve(hit as TheoryJobs[J]['result']);
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, {
        resolve: (result) => {
          this.cache.set(key, result);
          if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
          resolve(result as TheoryJobs[J]['result']);
        },
        reject,
      });
      this.ensureWorker().postMessage({ job, requestId, spec } as TheoryRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./theory.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<TheoryEvent>) => {
      const reply = event.data;
      const entry = this.pending.get(reply.requestId);
      if (!entry) return;
      this.pending.delete(reply.requestId);
      if (reply.type === 'result') entry.resolve(reply.result);
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

export const theoryClient = new TheoryClient();
