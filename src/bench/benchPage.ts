import type { BackendChoice } from '../worker/trainingProtocol.ts';
import type { BenchEvent, BenchRequest } from './benchProtocol.ts';
import { FULL_GRID, QUICK_GRID, type BenchGrid, type BenchResult } from './measure.ts';

/** The page `npm run bench` opens in Chromium: runs the grid in a worker and exposes the results. */
interface BenchWindow {
  benchResults: BenchResult[];
  /** Adapter description per requested backend. */
  benchBackends: Record<string, { active: string; adapter: string }>;
  /** Errors per requested backend (one that fails does not stop the others). */
  benchErrors: Record<string, string>;
  benchDone: boolean;
  /** The worker itself failed. */
  benchError: string | null;
}

const state = window as unknown as BenchWindow;
state.benchResults = [];
state.benchBackends = {};
state.benchErrors = {};
state.benchDone = false;
state.benchError = null;

const query = new URLSearchParams(window.location.search);
const numbers = (key: string) =>
  query
    .get(key)
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
const preset = query.get('grid') === 'full' ? FULL_GRID : QUICK_GRID;
const grid: BenchGrid = {
  depths: numbers('depths') ?? preset.depths,
  widths: numbers('widths') ?? preset.widths,
};
const request: BenchRequest = {
  backends: (query.get('backends') ?? query.get('backend') ?? 'auto').split(',') as BackendChoice[],
  grid,
  seconds: Number(query.get('seconds') ?? 1),
};
const log = document.getElementById('log')!;
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<BenchEvent>) => {
  const message = event.data;
  if (message.type === 'backend')
    state.benchBackends[message.requested] = { active: message.active, adapter: message.adapter };
  if (message.type === 'result') state.benchResults.push(message.result);
  if (message.type === 'error') state.benchErrors[message.requested] = message.message;
  if (message.type === 'done') state.benchDone = true;
  log.textContent += `${JSON.stringify(message)}\n`;
};
worker.onerror = (event) => {
  state.benchError = event.message || 'the benchmark worker failed';
};
worker.postMessage(request);
