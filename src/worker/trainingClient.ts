import { PARAMS, PARAM_KEYS, type LabConfig, type ParamKey } from '../config/index.ts';
import { loadBackendChoices } from '../state/backendCache.ts';
import { useLab } from '../state/store.ts';
import { applyTrainingEvent, beginGeneration, useTraining } from '../state/training.ts';
import type { TrainingEvent, TrainingRequest } from './trainingProtocol.ts';

/** Parameters that change the trained networks; view options (diagram, curves) do not reset runs. */
const TRAINING_KEYS: readonly ParamKey[] = PARAM_KEYS.filter(
  (key) => PARAMS[key].group !== 'view' && PARAMS[key].group !== 'runtime',
);
/** Quick enough to reset within 200 ms of a change; long enough that a slider drag builds once it rests. */
const RECONFIGURE_DELAY_MS = 60;

let worker: Worker | null = null;
let wantsToRun = true;

function send(request: TrainingRequest): void {
  worker?.postMessage(request);
}

function spawn(config: LabConfig): void {
  worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<TrainingEvent>) => applyTrainingEvent(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    useTraining.setState({
      error: { message: `The training worker stopped: ${event.message || 'unknown error'}`, fatal: true },
    });
  };
  send({
    type: 'init',
    backend: config.backend,
    dataUrl: `${import.meta.env.BASE_URL}data/`,
    cachedChoices: loadBackendChoices(),
  });
  send({ type: 'probe', probe: config.jp });
  configure(config);
}

function configure(config: LabConfig): void {
  send({ type: 'configure', generation: beginGeneration(), config, autostart: wantsToRun });
}

function sameTraining(a: LabConfig, b: LabConfig): boolean {
  return TRAINING_KEYS.every((key) => a[key] === b[key]);
}

/** Starts the worker and keeps it on the store's configuration: every change resets the runs. */
export function startTrainingClient(): void {
  spawn(useLab.getState().config);
  let timer: ReturnType<typeof setTimeout> | undefined;
  useLab.subscribe((state, previous) => {
    if (state.config.backend !== previous.config.backend) {
      clearTimeout(timer);
      restartWorker();
      return;
    }
    if (state.config.jp !== previous.config.jp) send({ type: 'probe', probe: state.config.jp });
    if (sameTraining(state.config, previous.config)) return;
    clearTimeout(timer);
    timer = setTimeout(() => configure(useLab.getState().config), RECONFIGURE_DELAY_MS);
  });
}

export const trainingControls = {
  start(): void {
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
  /** New runs from the same seed, paused or running as before. */
  reset(): void {
    configure(useLab.getState().config);
  },
};

/** After a worker failure (or a forced backend change): a fresh worker on the current configuration. */
export function restartWorker(): void {
  worker?.terminate();
  worker = null;
  useTraining.setState({ backend: null, error: null });
  spawn(useLab.getState().config);
}
