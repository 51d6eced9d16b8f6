import { create } from 'zustand';
import type { ExperimentInfo, JacobianSpectrum, RunInfo, WeightSummary } from '../engine/index.ts';
import type {
  BackendAttempt,
  BackendMeasurement,
  BackendName,
  BackendSelection,
  NtkPart,
  TrainingEvent,
  TrainingState,
} from '../worker/trainingProtocol.ts';
import { storeBackendChoice } from './backendCache.ts';
import { Series } from './series.ts';

/** Everything measured for one run, appended as the worker reports it. */
export interface RunTrace {
  readonly run: RunInfo;
  readonly train: Series;
  readonly testLoss: Series;
  /** Empty for regression tasks. */
  readonly testAccuracy: Series;
  diverged: { readonly step: number; readonly lastFiniteStep: number | null } | null;
}

/** Forward q^l and backward ‖∂loss/∂h^l‖ of every run at one step. */
export interface SignalSnapshot {
  readonly step: number;
  readonly forward: readonly Float32Array[];
  readonly backward: readonly Float32Array[];
}

/** Pooled weight singular values of every run at one step. */
export interface WeightSnapshot {
  readonly step: number;
  readonly summaries: readonly WeightSummary[];
  readonly layers: readonly number[];
}

/** The Jacobian spectra of every run at one step. */
export interface SpectrumSnapshot {
  readonly step: number;
  readonly spectra: readonly JacobianSpectrum[];
  readonly seconds: number;
}

/** How far the NTK and the weights of every run moved from step 0, at one step. */
export interface NtkChange {
  readonly step: number;
  /** Per run, ‖Θ_t − Θ_0‖_F/‖Θ_0‖_F. */
  readonly ntkChange: Float32Array;
  /** Per run, per layer (hidden 1…L, readout): ‖W_t − W_0‖_F/‖W_0‖_F; empty when not measured. */
  readonly weightChange: readonly Float32Array[];
}

/** The kernels of every run at one step (D×D row-major each). */
export interface NtkKernels {
  readonly step: number;
  readonly kernels: readonly Float32Array[];
  /** Seconds they took to measure. */
  readonly seconds: number;
}

/**
 * The NTK of this configuration: the kernels at step 0 and at the newest snapshot (only those two
 * are kept: each is D² floats a run), the infinite-width kernel, and every snapshot's change.
 */
export interface NtkView {
  /** The output unit the kernels are of. */
  readonly unit: number;
  /** Class of each probe input, in the kernels' order (sorted by class); −1 for regression. */
  readonly labels: Int32Array;
  readonly analytic: Float64Array | null;
  readonly initial: NtkKernels;
  readonly latest: NtkKernels;
  /** Oldest first, step 0 included. */
  readonly changes: readonly NtkChange[];
}

export interface BackendStatus {
  readonly active: BackendName;
  readonly adapter: string;
  readonly attempts: readonly BackendAttempt[];
  readonly crossOriginIsolated: boolean;
  readonly softwareName: string | null;
  readonly selection: BackendSelection;
  /** Each candidate's measured step, fastest first (auto selection only). */
  readonly measurements: readonly BackendMeasurement[];
  readonly selectionMs: number;
  /** Backends left out because they failed earlier on this page. */
  readonly excluded?: readonly BackendName[];
}

/**
 * 'refused': the engine refused this configuration (too large, data unavailable): nothing trains
 * until it changes or Reset tries again. 'failed': no worker trains (no backend works, or it kept
 * failing); Retry starts one.
 */
export type TrainingPhase = TrainingState | 'starting' | 'refused' | 'failed';

/** What happened to the training worker and what the lab did about it, in plain words. */
export interface TrainingNotice {
  readonly message: string;
  /** 'recovering' while a replacement starts; 'recovered' once it trains; 'warning' otherwise. */
  readonly kind: 'recovering' | 'recovered' | 'warning';
}

export interface TrainingView {
  /** The configuration the traces belong to; events of older ones are dropped. */
  readonly generation: number;
  readonly state: TrainingPhase;
  readonly stepsDone: number;
  /** Layers drawn so far while the runs are built. */
  readonly building: { readonly layersDone: number; readonly layerCount: number } | null;
  readonly backend: BackendStatus | null;
  readonly info: ExperimentInfo | null;
  readonly runs: readonly RunTrace[];
  /** Jacobian spectra at init and during training, oldest first. */
  readonly spectra: readonly SpectrumSnapshot[];
  /** Signal propagation at init and during training, oldest first. */
  readonly signals: readonly SignalSnapshot[];
  /** Weight spectra at init and during training, oldest first. */
  readonly weights: readonly WeightSnapshot[];
  /** Why no spectra are taken for this configuration (too costly on this backend), if so. */
  readonly spectrumSkipped: string | null;
  /** The NTK snapshots; null until the step-0 one arrives. */
  readonly ntk: NtkView | null;
  /** The parts of the NTK snapshots not taken for this configuration, and why. */
  readonly ntkSkipped: Readonly<Partial<Record<NtkPart, string>>>;
  /** Bumped whenever a trace grows, so panels redraw without copying the series. */
  readonly revision: number;
  /** A configuration the engine refused, or a worker that failed for good (then `fatal`). */
  readonly error: { readonly message: string; readonly fatal: boolean } | null;
  /** A failure the lab recovered from (or is recovering from); kept across generations until dismissed. */
  readonly notice: TrainingNotice | null;
}

export const useTraining = create<TrainingView>()(() => ({
  generation: 0,
  state: 'starting',
  stepsDone: 0,
  building: null,
  backend: null,
  info: null,
  runs: [],
  spectra: [],
  signals: [],
  weights: [],
  spectrumSkipped: null,
  ntk: null,
  ntkSkipped: {},
  revision: 0,
  error: null,
  notice: null,
}));

export function dismissTrainingNotice(): void {
  useTraining.setState({ notice: null });
}

/**
 * Traces grow as events arrive, but the panels are told (revision, steps done) at most once per
 * animation frame: a burst of events (measurements catching up after a pause, fast small networks)
 * would otherwise re-render the curves once per event and hold the main thread for tens of ms.
 */
let pendingRedraw: { generation: number; stepsDone: number | null } | null = null;

function redrawNextFrame(stepsDone: number | null = null): void {
  const { generation } = useTraining.getState();
  if (pendingRedraw && pendingRedraw.generation === generation) {
    if (stepsDone !== null) pendingRedraw.stepsDone = stepsDone;
    return;
  }
  pendingRedraw = { generation, stepsDone };
  const flush = () => {
    const pending = pendingRedraw;
    pendingRedraw = null;
    if (!pending || pending.generation !== useTraining.getState().generation) return;
    useTraining.setState((view) => ({
      revision: view.revision + 1,
      ...(pending.stepsDone !== null ? { stepsDone: pending.stepsDone } : {}),
    }));
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else flush();
}

/** Folds one worker event into the view; pure apart from appending to the current traces. */
export function applyTrainingEvent(event: TrainingEvent): void {
  const view = useTraining.getState();
  if ('generation' in event && event.generation !== null && event.generation !== view.generation) return;
  switch (event.type) {
    case 'backend': {
      const { type: _type, cacheKey, ...status } = event;
      useTraining.setState({ backend: status });
      // A fresh measurement is remembered, so that a reload of this page does not measure again.
      if (cacheKey !== null && event.selection === 'measured')
        storeBackendChoice(cacheKey, { active: event.active, measurements: event.measurements });
      return;
    }
    case 'building':
      useTraining.setState({ building: { layersDone: event.layersDone, layerCount: event.layerCount } });
      return;
    case 'built':
      useTraining.setState({
        building: null,
        info: event.info,
        runs: event.runs.map((run) => ({
          run,
          train: new Series(),
          testLoss: new Series(),
          testAccuracy: new Series(),
          diverged: null,
        })),
        revision: view.revision + 1,
        error: null,
      });
      return;
    case 'progress': {
      const count = view.runs.length;
      event.steps.forEach((step, i) => {
        for (let r = 0; r < count; r++) view.runs[r]!.train.push(step, event.losses[i * count + r]!);
      });
      redrawNextFrame(event.steps[event.steps.length - 1] ?? view.stepsDone);
      return;
    }
    case 'evaluation':
      view.runs.forEach((trace, r) => {
        trace.testLoss.push(event.step, event.loss[r]!);
        if (event.accuracy) trace.testAccuracy.push(event.step, event.accuracy[r]!);
      });
      redrawNextFrame();
      return;
    case 'diverged': {
      const trace = view.runs[event.runId];
      if (trace) trace.diverged = { step: event.step, lastFiniteStep: event.lastFiniteStep };
      redrawNextFrame();
      return;
    }
    case 'spectrum':
      useTraining.setState({
        spectra: [...view.spectra, { step: event.step, spectra: event.spectra, seconds: event.seconds }],
      });
      return;
    case 'signal':
      useTraining.setState({
        signals: [...view.signals, { step: event.step, forward: event.forward, backward: event.backward }],
      });
      return;
    case 'weights':
      useTraining.setState({
        weights: [...view.weights, { step: event.step, summaries: event.summaries, layers: event.layers }],
      });
      return;
    case 'spectrum-skipped':
      useTraining.setState({ spectrumSkipped: event.reason });
      return;
    case 'ntk':
      useTraining.setState({ ntk: foldNtk(view.ntk, event) });
      return;
    case 'ntk-skipped':
      useTraining.setState({ ntkSkipped: { ...view.ntkSkipped, [event.part]: event.reason } });
      return;
    case 'state':
      useTraining.setState({ state: event.state, stepsDone: event.stepsDone });
      return;
    case 'error':
      if (event.generation === null) {
        // No backend could be started: nothing will train until Retry.
        useTraining.setState({
          error: { message: event.message, fatal: true },
          state: 'failed',
          building: null,
        });
      } else {
        // The configuration was refused before its runs were built (the supervisor restarts a
        // worker whose training broke later): say why instead of "drawing weights…".
        useTraining.setState({
          error: { message: event.message, fatal: false },
          building: null,
          ...(view.runs.length === 0 ? { state: 'refused' as const } : {}),
        });
      }
      return;
    case 'pong':
    case 'lock-held':
    case 'device-lost':
      return; // the supervisor's business (src/state/workerSupervisor.ts)
  }
}

/** The NTK view after one more snapshot; the first must be step 0's (it carries the analytic kernel). */
function foldNtk(ntk: NtkView | null, event: Extract<TrainingEvent, { type: 'ntk' }>): NtkView {
  const kernels = { step: event.step, kernels: event.kernels, seconds: event.seconds };
  const change = { step: event.step, ntkChange: event.ntkChange, weightChange: event.weightChange };
  if (!ntk)
    return {
      unit: event.unit,
      labels: event.labels,
      analytic: event.analytic,
      initial: kernels,
      latest: kernels,
      changes: [change],
    };
  return { ...ntk, latest: kernels, changes: thinned([...ntk.changes, change]) };
}

/** NTK snapshots come about once a second: a long run keeps at most this many change points… */
const MAX_NTK_CHANGES = 400;

/** …dropping every other one but the first and the newest when there are more. */
function thinned(changes: NtkChange[]): NtkChange[] {
  if (changes.length <= MAX_NTK_CHANGES) return changes;
  return changes.filter((_, i) => i === 0 || i === changes.length - 1 || i % 2 === 0);
}

/** Starts a new generation: the traces of the old configuration are dropped at once. */
export function beginGeneration(): number {
  const generation = useTraining.getState().generation + 1;
  useTraining.setState((s) => ({
    generation,
    state: 'building',
    stepsDone: 0,
    building: null,
    runs: [],
    spectra: [],
    signals: [],
    weights: [],
    spectrumSkipped: null,
    ntk: null,
    ntkSkipped: {},
    info: null,
    revision: s.revision + 1,
    error: null,
  }));
  return generation;
}
