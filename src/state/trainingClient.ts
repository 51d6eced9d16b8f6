import { PARAMS, PARAM_KEYS, type LabConfig, type ParamKey } from '../config/index.ts';
import type { TrainingRequest } from '../worker/trainingProtocol.ts';
import { loadBackendChoices } from './backendCache.ts';
import { useOpenedRuns, type OpenedRuns } from './openedRuns.ts';
import { useLab } from './store.ts';
import { jumpTo } from './urlSync.ts';
import { applyTrainingEvent, beginGeneration, useTraining } from './training.ts';
import {
  TrainingSupervisor,
  describeFailure,
  gaveUpMessage,
  restartedMessage,
  restartingMessage,
  workerErrorMessage,
  type LocksLike,
  type RestartContext,
  type SupervisorReport,
} from './workerSupervisor.ts';

/** Parameters that change the trained networks; view options (diagram, curves) do not reset runs. */
const TRAINING_KEYS: readonly ParamKey[] = PARAM_KEYS.filter(
  (key) => PARAMS[key].group !== 'view' && PARAMS[key].group !== 'runtime',
);
/** Quick enough to reset within 200 ms of a change; long enough that a slider drag builds once it rests. */
const RECONFIGURE_DELAY_MS = 60;

let wantsToRun = true;
/** Whether live training ran when a result file was opened: leaving the file resumes it so. */
let ranBeforeOpened = true;
/** A restart whose words wait for the new worker's backend. */
let pendingRestart: RestartContext | null = null;

const supervisor = new TrainingSupervisor({
  createWorker: () =>
    new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module' }),
  bootstrap(send, { exclude, lockName }) {
    const config = useLab.getState().config;
    useTraining.setState({ backend: null, error: null });
    send({
      type: 'init',
      backend: config.backend,
      dataUrl: `${import.meta.env.BASE_URL}data/`,
      cachedChoices: loadBackendChoices(),
      exclude,
      lockName,
    });
    send({ type: 'probe', probe: config.jp });
    send({ type: 'configure', generation: beginGeneration(), config, autostart: wantsToRun });
  },
  onEvent(event) {
    applyTrainingEvent(event);
    if (!pendingRestart) return;
    if (event.type === 'backend') {
      const message = restartedMessage(pendingRestart, event.active, event.excluded ?? []);
      pendingRestart = null;
      useTraining.setState({ notice: { kind: 'recovered', message } });
    } else if (event.type === 'error' && event.generation === null) {
      // The replacement found no backend: the error line says why, this says what came before.
      const message = `${describeFailure(pendingRestart.failure)} The replacement could not start a backend.`;
      pendingRestart = null;
      useTraining.setState({ notice: { kind: 'warning', message } });
    }
  },
  onReport: report,
  requestedBackend: () => useLab.getState().config.backend,
  intendsToRun: () => wantsToRun,
  // Web Locks exist in secure contexts only (https, localhost); elsewhere the heartbeat alone watches.
  locks:
    typeof navigator !== 'undefined' && navigator.locks ? (navigator.locks as unknown as LocksLike) : null,
  lockName: () => `isometry-lab-training-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
});

function report(event: SupervisorReport): void {
  switch (event.type) {
    case 'restarting':
      pendingRestart = event.context;
      useTraining.setState({ notice: { kind: 'recovering', message: restartingMessage(event.context) } });
      return;
    case 'gave-up':
      pendingRestart = null;
      useTraining.setState({
        state: 'failed',
        building: null,
        backend: null,
        notice: null,
        error: { message: gaveUpMessage(event.failure, event.how), fatal: true },
      });
      return;
    case 'worker-error':
      useTraining.setState({
        notice: { kind: 'warning', message: workerErrorMessage(event.message, event.running) },
      });
      return;
  }
}

function send(request: TrainingRequest): void {
  supervisor.send(request);
}

function configure(config: LabConfig): void {
  send({ type: 'configure', generation: beginGeneration(), config, autostart: wantsToRun });
}

function sameTraining(a: LabConfig, b: LabConfig): boolean {
  return TRAINING_KEYS.every((key) => a[key] === b[key]);
}

/** Starts the worker and keeps it on the store's configuration: every change resets the runs. */
export function startTrainingClient(): void {
  supervisor.start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  useLab.subscribe((state, previous) => {
    if (state.config.backend !== previous.config.backend) {
      clearTimeout(timer);
      // A backend chosen anew: earlier failures and what was said about them no longer hold.
      pendingRestart = null;
      useTraining.setState({ notice: null });
      supervisor.restart();
      return;
    }
    if (state.config.jp !== previous.config.jp) send({ type: 'probe', probe: state.config.jp });
    if (sameTraining(state.config, previous.config)) return;
    clearTimeout(timer);
    const shown = useOpenedRuns.getState();
    // An opened file's configuration, applied to the controls: nothing trains for it.
    if (shown.applying) return;
    // A control moved while a file is shown: back to live training, with this configuration.
    if (shown.opened) closeOpenedRuns(ranBeforeOpened);
    timer = setTimeout(() => {
      if (supervisor.stopped) retryTraining();
      else configure(useLab.getState().config);
    }, RECONFIGURE_DELAY_MS);
  });
}

export const trainingControls = {
  start(): void {
    if (useOpenedRuns.getState().opened) {
      backToLiveTraining(true);
      return;
    }
    wantsToRun = true;
    send({ type: 'start' });
  },
  pause(): void {
    wantsToRun = false;
    send({ type: 'pause' });
  },
  step(): void {
    wantsToRun = false;
    send({ type: 'step' });
  },
  /** New runs from the same seed, paused or running as before; after a failure, a new worker. */
  reset(): void {
    if (useOpenedRuns.getState().opened) closeOpenedRuns(wantsToRun);
    if (supervisor.stopped || useTraining.getState().state === 'failed') retryTraining();
    else configure(useLab.getState().config);
  },
};

/**
 * Shows a result file in the training panel: live training stops, the file's configuration goes
 * to the controls (and the link, as a new history entry: Back returns to what was there), and no
 * network is built for it; the worker keeps its paused runs until live training comes back. The
 * runtime choice (backend) stays this page's.
 */
export function showOpenedRuns(opened: OpenedRuns): void {
  if (!useOpenedRuns.getState().opened) ranBeforeOpened = wantsToRun;
  trainingControls.pause();
  const values: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) if (PARAMS[key].group !== 'runtime') values[key] = opened.file.config[key];
  useOpenedRuns.setState({ opened, applying: true, error: null });
  try {
    jumpTo(values as Partial<LabConfig>);
  } finally {
    useOpenedRuns.setState({ applying: false });
  }
}

/** Leaves the shown file; `run`: whether live training then runs or waits for Start. */
function closeOpenedRuns(run: boolean): void {
  useOpenedRuns.setState({ opened: null });
  wantsToRun = run;
}

/**
 * Back from a shown file to live training with the controls' configuration (the file's, unless
 * changed), running if it ran before the file was opened (or `run` says so).
 */
export function backToLiveTraining(run: boolean = ranBeforeOpened): void {
  if (!useOpenedRuns.getState().opened) return;
  closeOpenedRuns(run);
  if (supervisor.stopped || useTraining.getState().state === 'failed') retryTraining();
  else configure(useLab.getState().config);
}

/** After the lab stopped restarting a failing worker (or no backend started): a fresh worker. */
export function retryTraining(): void {
  pendingRestart = null;
  useTraining.setState({ error: null, notice: null });
  supervisor.retry();
}
