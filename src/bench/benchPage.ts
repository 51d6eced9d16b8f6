import type { BackendChoice } from '../worker/trainingProtocol.ts';
import type { BenchEvent, BenchRequest } from './benchProtocol.ts';
import { FULL_GRID, QUICK_GRID, type BenchResult } from './measure.ts';

/** The page `npm run bench` opens in Chromium: runs the grid in a worker and exposes the results. */
interface BenchWindow {
  benchResults: BenchResult[];
  benchBackend: { active: string; adapter: string } | null;
  benchDone: boolean;
  benchError: string | null;
}

const state = window as unknown as BenchWindow;
state.benchResults = [];
state.benchBackend = null;
state.benchDone = false;
state.benchError = null;

const query = new URLSearchParams(window.location.search);
const request: BenchRequest = {
  backend: (query.get('backend') ?? 'auto') as BackendChoice,
  grid: query.get('grid') === 'full' ? FULL_GRID : QUICK_GRID,
  seconds: Number(query.get('seconds') ?? 1.5),
};
const log = document.getElementById('log')!;
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<BenchEvent>) => {
  const message = event.data;
  if (message.type === 'backend') state.benchBackend = message;
  if (message.type === 'result') state.benchResults.push(message.result);
  if (message.type === 'done') state.benchDone = true;
  if (message.type === 'error') state.benchError = message.message;
  log.textContent += `${JSON.stringify(message)}\n`;
};
worker.onerror = (event) => {
  state.benchError = event.message || 'the benchmark worker failed';
};
worker.postMessage(request);
