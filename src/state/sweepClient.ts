/**
 * The page's side of the sweep worker: starts and cancels sweeps, folds the worker's events into
 * the sweep store, opens and saves result files, keeps each named experiment's last result, and
 * holds live training paused while a sweep has the cores.
 */
import type { Fix } from '../config/index.ts';
import { sweepQuery } from '../sweep/definition.ts';
import { parseSweepResult, sweepResultText } from '../sweep/resultFile.ts';
import type { SweepDefinition, SweepResultFile } from '../sweep/types.ts';
import type { SweepEvent, SweepRequest } from '../worker/sweepProtocol.ts';
import { loadBackendChoices } from './backendCache.ts';
import { applySweepEvent, beginSweep, isSweepActive, showResult, useSweep } from './sweep.ts';
import { rememberResult } from './sweepResults.ts';
import { useTraining } from './training.ts';
import { trainingControls } from './trainingClient.ts';

/**
 * A cancelled sweep stops after the step in flight (at most the budget's 2 s, a build slice or an
 * NTK measurement): past this the worker is taken for stuck and ended, keeping the points so far.
 */
const CANCEL_GRACE_MS = 15_000;

let worker: Worker | null = null;
let cancelTimer: ReturnType<typeof setTimeout> | undefined;
let stopHoldingTraining: (() => void) | null = null;

function sweepWorker(): Worker {
  if (worker) return worker;
  const created = new Worker(new URL('../worker/sweep.worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (message: MessageEvent<SweepEvent>) => {
    const event = message.data;
    applySweepEvent(event);
    if (event.type !== 'done' && event.type !== 'error') return;
    if (event.id === useSweep.getState().id) ended();
    // A sweep replaced by an opened file has stopped too: training may have the cores back.
    else if (!isSweepActive(useSweep.getState().phase)) releaseTraining();
  };
  created.onerror = (event) => {
    event.preventDefault();
    if (worker !== created) return;
    worker = null;
    created.terminate();
    if (isSweepActive(useSweep.getState().phase)) {
      useSweep.setState({
        phase: 'failed',
        error: `The sweep's worker failed${event.message ? `: ${event.message}` : ''}.`,
      });
      ended();
    }
  };
  worker = created;
  return created;
}

/** Runs `definition` in the sweep worker; what was shown before is dropped. */
export function startSweep(definition: SweepDefinition, fixes: readonly Fix[] = []): void {
  clearTimeout(cancelTimer);
  const id = beginSweep(definition, sweepQuery(definition), fixes);
  holdTraining();
  const request: SweepRequest = {
    type: 'start',
    id,
    definition,
    backend: definition.base.backend,
    dataUrl: `${import.meta.env.BASE_URL}data/`,
    cachedChoices: loadBackendChoices(),
  };
  sweepWorker().postMessage(request);
}

/** Stops the running sweep after the step in flight; its finished points stay, and can be saved. */
export function cancelSweep(): void {
  const view = useSweep.getState();
  if (!isSweepActive(view.phase) || view.phase === 'cancelling') return;
  useSweep.setState({ phase: 'cancelling' });
  worker?.postMessage({ type: 'cancel', id: view.id } satisfies SweepRequest);
  cancelTimer = setTimeout(() => {
    const now = useSweep.getState();
    if (now.id !== view.id || now.phase !== 'cancelling') return;
    worker?.terminate();
    worker = null;
    useSweep.setState({ phase: 'cancelled' });
    ended();
  }, CANCEL_GRACE_MS);
}

/**
 * Reopens a saved result: drawn at once, nothing computed; a bad file is refused with the reason.
 * Resolves to whether it was opened.
 */
export async function openSweepFile(file: Blob & { readonly name?: string }): Promise<boolean> {
  let result: SweepResultFile;
  try {
    result = parseSweepResult(await file.text());
  } catch (error) {
    const name = file.name ? `“${file.name}”` : 'This file';
    useSweep.setState({
      fileError: `${name} cannot be opened: ${error instanceof Error ? error.message : String(error)}.`,
    });
    return false;
  }
  if (isSweepActive(useSweep.getState().phase)) cancelSweep();
  showResult(result, 'opened');
  rememberResult(result);
  return true;
}

/** Shows a kept result (the Experiments view's last one) in the sweep panel. */
export function showKeptResult(result: SweepResultFile): void {
  if (isSweepActive(useSweep.getState().phase)) cancelSweep();
  showResult(result, 'stored');
}

export function dismissFileError(): void {
  useSweep.setState({ fileError: null });
}

/** Downloads the shown result as its JSON file. */
export function saveSweepResult(): void {
  const { result } = useSweep.getState();
  if (!result) return;
  const blob = new Blob([sweepResultText(result)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = resultFileName(result);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** e.g. isometry-lab-sweep-deep-linear-2025-01-31T12-00.json, or the swept keys without a name. */
export function resultFileName(result: SweepResultFile): string {
  const what = result.experiment ?? (result.over.map((spec) => spec.split('=')[0]).join('-') || 'runs');
  const when = result.createdAt.slice(0, 16).replace(/:/g, '-');
  return `isometry-lab-sweep-${what.replace(/[^\w-]+/g, '_')}-${when}.json`;
}

function ended(): void {
  clearTimeout(cancelTimer);
  releaseTraining();
  const { result, origin } = useSweep.getState();
  if (result && origin === 'computed') rememberResult(result);
}

// ── Live training yields the cores to a sweep ───────────────────────────────────────────────

function holdTraining(): void {
  if (stopHoldingTraining) return;
  const pauseIfRunning = () => {
    if (useTraining.getState().state !== 'running') return;
    trainingControls.pause();
    useSweep.setState({ pausedTraining: true });
  };
  pauseIfRunning();
  stopHoldingTraining = useTraining.subscribe((state, previous) => {
    // A build that starts training by itself (ready → running) is held back; a click on Start
    // (paused → running) is the user's choice, and stands.
    if (state.state === 'running' && previous.state !== 'running' && previous.state !== 'paused')
      pauseIfRunning();
  });
}

function releaseTraining(): void {
  stopHoldingTraining?.();
  stopHoldingTraining = null;
  if (!useSweep.getState().pausedTraining) return;
  useSweep.setState({ pausedTraining: false });
  if (useTraining.getState().state === 'paused') trainingControls.start();
}
