/**
 * Keeps a training worker alive for the page: notices when it has died, hangs, stops training or
 * loses its GPU, replaces it (on another backend where the backend was the cause) with the same
 * configuration, and says so in plain words. No store and no DOM here: src/state/trainingClient.ts
 * wires it to the Worker and the store, and the unit tests to a fake worker and fake timers.
 *
 * Detection, fastest first:
 * - a Web Lock the worker holds while it lives: the page's request for it is granted the moment
 *   the worker is closed or crashes (`self.close()`, an out-of-memory kill), busy or not;
 * - events: `device-lost` (GPUDevice.lost, a lost WebGL context), an `error` event from the
 *   training loop after its runs were built, `messageerror`, an `error` event before the worker
 *   ever answered (it failed to start);
 * - a heartbeat for a worker that is alive but stuck: a ping every second, answered from the
 *   worker's message handler (so between training steps); any event counts as an answer. A ping
 *   unanswered for longer than `silenceLimitMs` (at least 8 s, and three times the longest step,
 *   layer draw or measurement slice predicted or seen) means it hangs;
 * - a worker that answers pings but whose training has made no progress for `stallLimitMs` while
 *   it should be training (an awaited read-back that never returns).
 * An uncaught error in the worker (an `error` event after it answered) does not stop it: it is
 * reported, and the checks above decide whether training goes on.
 *
 * Recovery: the worker is terminated and a new one started at once with the same configuration,
 * running or paused as before, from step 0 (the weights lived in the worker, or on the lost GPU).
 * A backend that lost its device is excluded from then on (also a forced one); one on which the
 * worker failed twice too. At most MAX_RESTARTS restarts within RESTART_WINDOW_MS, and none after
 * MAX_FAILURES_PER_BACKEND failures on one backend (the CPU's case, never excluded); past that the
 * lab stops and offers Retry.
 */
import { DEFAULT_BUDGET, SVD_SECONDS_PER_N3, predict } from '../engine/budget.ts';
import type { LabConfig } from '../config/index.ts';
import {
  isDeviceLossMessage,
  type BackendMeasurement,
  type BackendName,
  type TrainingEvent,
  type TrainingRequest,
} from '../worker/trainingProtocol.ts';

// ── Timing ───────────────────────────────────────────────────────────────────────────────────

export const PING_INTERVAL_MS = 1000;
/** A fresh worker loads tfjs and compiles WASM before it can answer: allow it this long. */
export const STARTUP_LIMIT_MS = 30_000;
/** While it chooses a backend (checks and timed steps of every candidate, ≈ 1.5 s of steps). */
export const SELECTION_LIMIT_MS = 20_000;
/** The least silence taken for a hang once the worker works. */
export const MIN_SILENCE_MS = 8000;
/**
 * The least time without training progress, while pings are answered, taken for a stall: a step
 * may wait for the next chunk of MNIST to arrive, which on a slow network takes a while.
 */
export const MIN_STALL_MS = 30_000;
/** Each limit is this many times the longest block predicted or observed. */
export const SAFETY_FACTOR = 3;

/** Weight spectra sample this many layers, up to this width (see measurementJob.ts). */
const WEIGHT_LAYERS = 4;
const MAX_WEIGHT_SPECTRUM_WIDTH = 512;
/** The worker skips a Jacobian spectrum predicted over the step budget; predictions may be off by 2×. */
const MAX_SPECTRUM_MS = 2 * DEFAULT_BUDGET.stepSeconds * 1000;

/**
 * The longest the worker may be expected to stay busy without a message, in ms: one training
 * step, one evaluation slice, one weight spectrum or one Jacobian spectrum, from the same model
 * the budget uses (src/engine/budget.ts), or the step measured at selection if that was longer.
 * Weight draws are not counted: the build lets messages in every few tens of ms.
 */
export function predictedBlockMs(
  config: LabConfig,
  backend: BackendName | null,
  measurements: readonly BackendMeasurement[] = [],
): number {
  const measurement = measurements.find((m) => m.backend === backend);
  const prediction = predict(config, { backend: backend ?? 'cpu', software: measurement?.software ?? false });
  const runs = prediction.runCount;
  const n3 = config.N ** 3;
  const weightsSeconds =
    config.N <= MAX_WEIGHT_SPECTRUM_WIDTH ? runs * WEIGHT_LAYERS * SVD_SECONDS_PER_N3 * n3 : 0;
  const seconds = Math.max(prediction.stepSeconds, prediction.evaluationSliceSeconds, weightsSeconds);
  return Math.max(
    1000 * seconds,
    Math.min(MAX_SPECTRUM_MS, 1000 * prediction.spectrumSeconds),
    measurement?.stepMs ?? 0,
  );
}

/** Where a worker is in its life, for its silence limit. */
export type WorkerPhase = 'startup' | 'selecting' | 'working';

/**
 * How long a ping may go unanswered before the worker is taken for hung: generous while it
 * starts and chooses a backend, then three times the longest block predicted for this
 * configuration or seen so far (the longest wait for an answer), and never under MIN_SILENCE_MS.
 */
export function silenceLimitMs(phase: WorkerPhase, predictedMs: number, longestObservedMs: number): number {
  const scaled = SAFETY_FACTOR * Math.max(predictedMs, longestObservedMs);
  if (phase === 'startup') return Math.max(STARTUP_LIMIT_MS, scaled);
  if (phase === 'selecting') return Math.max(SELECTION_LIMIT_MS, 2 * scaled);
  return Math.max(MIN_SILENCE_MS, scaled);
}

/** How long training may make no progress, while the worker answers, before it is taken for stuck. */
export function stallLimitMs(predictedMs: number, longestObservedMs: number): number {
  return Math.max(MIN_STALL_MS, SAFETY_FACTOR * Math.max(predictedMs, longestObservedMs));
}

// ── Restarts and exclusions ──────────────────────────────────────────────────────────────────

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** At most `max` restarts within any `windowMs`: a worker that keeps failing is not restarted forever. */
export class RestartPolicy {
  private times: number[] = [];

  constructor(
    private readonly max = MAX_RESTARTS,
    private readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** Records a restart at `now` if one is allowed; false when the budget is spent. */
  allow(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }

  /** Failures counted in the window ending at `now`. */
  recent(now: number): number {
    return this.times.filter((t) => now - t < this.windowMs).length;
  }

  reset(): void {
    this.times = [];
  }
}

export type FailureKind =
  /** The worker is gone: closed or crashed (its lifetime lock was released). */
  | 'dead'
  /** Pings went unanswered for longer than the silence limit. */
  | 'hung'
  /** It answered pings, but training made no progress. */
  | 'stalled'
  /** The GPU device or WebGL context of its backend was lost. */
  | 'device-lost'
  /** The training loop stopped on an error after the runs were built. */
  | 'loop-error'
  /** It failed before it ever answered (the script did not load or threw at start). */
  | 'start-error'
  /** A message from it could not be deserialized. */
  | 'message-error';

export interface Failure {
  readonly kind: FailureKind;
  /** The backend that was training when it failed; null before one was chosen. */
  readonly backend: BackendName | null;
  /** The error message, the device-loss reason, or the seconds of silence, as the browser said. */
  readonly detail: string;
}

/**
 * Backends to leave out after `failure`, given those already left out and the earlier failures
 * (this one included) on each backend: a backend whose GPU was lost, and one on which the worker
 * failed twice. The CPU backend, the last resort, is never left out.
 */
export function exclusionsAfter(
  failure: Failure,
  excluded: readonly BackendName[],
  failuresOn: Readonly<Partial<Record<BackendName, number>>>,
): BackendName[] {
  const next = new Set(excluded);
  const backend = failure.backend;
  if (backend && backend !== 'cpu') {
    if (failure.kind === 'device-lost' || (failuresOn[backend] ?? 0) >= 2) next.add(backend);
  }
  return [...next];
}

// ── Words ────────────────────────────────────────────────────────────────────────────────────

const BACKEND_WORDS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript (cpu)',
};

export function backendWords(backend: BackendName): string {
  return BACKEND_WORDS[backend];
}

/** A browser's or backend's raw error message, in plain words where it has a known meaning. */
export function plainError(message: string): string {
  const text = message.trim() || 'unknown error';
  if (/CONTEXT_LOST|\bcontext\b[^.]{0,20}\blost\b/i.test(text)) return 'the WebGL context was lost';
  if (isDeviceLossMessage(text)) return 'the GPU device was lost';
  if (/out of memory|\bOOM\b|allocation failed|allocate/i.test(text)) return 'the backend ran out of memory';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The first sentence of every message about `failure`. */
export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'dead':
      return failure.detail
        ? `The training worker stopped after an error (${plainError(failure.detail)}).`
        : 'The training worker stopped (it was closed or crashed).';
    case 'hung':
      return `The training worker stopped answering (nothing for ${failure.detail} s).`;
    case 'stalled':
      return `Training made no progress for ${failure.detail} s although the worker still answered.`;
    case 'device-lost':
      return failure.backend === 'webgl'
        ? 'The WebGL context was lost.'
        : `The GPU device was lost (reason: ${failure.detail || 'unknown'}).`;
    case 'loop-error':
      return `Training stopped on an error: ${plainError(failure.detail)}.`;
    case 'start-error':
      return `The training worker failed to start: ${plainError(failure.detail)}.`;
    case 'message-error':
      return 'A message from the training worker could not be read.';
  }
}

export interface RestartContext {
  readonly failure: Failure;
  /** Steps the failed runs had done. */
  readonly stepsDone: number;
  /** Training was running (it restarts running) or not (it restarts paused). */
  readonly running: boolean;
  /** `backend=` of the link. */
  readonly requested: BackendName | 'auto';
}

/** While the new worker starts. */
export function restartingMessage(context: RestartContext): string {
  return `${describeFailure(context.failure)} Restarting with the same configuration…`;
}

/** Once the new worker has chosen `active`: where it restarted, from where, and what was left out. */
export function restartedMessage(
  context: RestartContext,
  active: BackendName,
  excluded: readonly BackendName[],
): string {
  const reached = context.stepsDone > 0 ? ` (it had reached step ${context.stepsDone})` : '';
  const paused = context.running ? '' : ', paused as before';
  let tail = '';
  const requested = context.requested;
  if (requested !== 'auto' && requested !== active && excluded.includes(requested))
    tail = ` backend=${requested} in the link cannot be used again until the page is reloaded.`;
  else {
    const left = excluded.filter((b) => b === context.failure.backend);
    if (left.length > 0) tail = ` ${backendWords(left[0]!)} is left out until the page is reloaded.`;
  }
  return `${describeFailure(context.failure)} Restarted on ${backendWords(active)} from step 0${reached} with the same configuration${paused}.${tail}`;
}

/** When restarts are spent (`how`: "4 times within a minute"): the lab stops and offers Retry. */
export function gaveUpMessage(failure: Failure, how: string): string {
  return `${describeFailure(failure)} The training worker failed ${how}, so the lab stopped restarting it.`;
}

/** A backend that failed this often since the last Retry is not restarted on again (the CPU's case). */
export const MAX_FAILURES_PER_BACKEND = 3;

/** An uncaught error in a worker that still answers. */
export function workerErrorMessage(message: string, running: boolean): string {
  const goesOn = running ? '; training goes on' : '';
  return `The training worker reported an error (${plainError(message)}) but is still running${goesOn}.`;
}

// ── The supervisor ───────────────────────────────────────────────────────────────────────────

/** The part of a Worker the supervisor uses. */
export interface WorkerLike {
  postMessage(message: TrainingRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<TrainingEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

/** The part of navigator.locks the supervisor uses. */
export interface LocksLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => unknown): Promise<unknown>;
}

export type SupervisorReport =
  | {
      readonly type: 'restarting';
      readonly context: RestartContext;
      readonly excluded: readonly BackendName[];
    }
  | { readonly type: 'gave-up'; readonly failure: Failure; readonly how: string }
  | { readonly type: 'worker-error'; readonly message: string; readonly running: boolean };

export interface SupervisorHooks {
  createWorker(): WorkerLike;
  /**
   * Sends what a fresh worker needs (init with these exclusions and lock name, probe, configure).
   * Configure requests pass through `send`, so the supervisor learns the configuration and
   * generation.
   */
  bootstrap(
    send: (request: TrainingRequest) => void,
    start: { exclude: BackendName[]; lockName: string | null },
  ): void;
  /** Every event of the current worker that is not the supervisor's own business. */
  onEvent(event: TrainingEvent): void;
  onReport(report: SupervisorReport): void;
  /** `backend=` of the link, for the messages. */
  requestedBackend(): BackendName | 'auto';
  /** Whether the user wants training to run (a replacement starts running, or paused). */
  intendsToRun(): boolean;
  locks?: LocksLike | null;
  now?: () => number;
  /** A unique name for each worker's lock. */
  lockName?: () => string;
}

/** What the supervisor follows of one worker's life. */
interface Watch {
  readonly worker: WorkerLike;
  readonly lockName: string | null;
  readonly lockAbort: AbortController;
  phase: WorkerPhase;
  failed: boolean;
  /** When the oldest unanswered ping was sent; null when every ping was answered. */
  unansweredSince: number | null;
  longestSilenceMs: number;
  lastPongAt: number;
  /** Last sign of training (a step, a measurement, a state), while training is expected. */
  lastWorkAt: number;
  longestWorkGapMs: number;
  lastTickAt: number;
  /** An uncaught error not yet reported: reported once the worker shows it is still alive. */
  pendingError: string | null;
  backend: BackendName | null;
  measurements: readonly BackendMeasurement[];
  config: LabConfig | null;
  generation: number;
  /** Whether the runs of `generation` were built (an error before is a refused configuration). */
  built: boolean;
  state: string;
  stepsDone: number;
  autostart: boolean;
}

/**
 * Runs one training worker at a time and replaces it when it fails. `send` forwards requests to
 * the current worker; `restart` replaces it on purpose (a new backend= in the link); `retry`
 * starts again after the restarts were spent.
 */
export class TrainingSupervisor {
  private watch: Watch | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private excluded: BackendName[] = [];
  private failuresOn: Partial<Record<BackendName, number>> = {};
  private readonly policy = new RestartPolicy();
  private readonly now: () => number;
  private lockCounter = 0;
  private gaveUp = false;

  constructor(private readonly hooks: SupervisorHooks) {
    this.now = hooks.now ?? (() => performance.now());
  }

  /** The backends left out after failures on this page. */
  get exclusions(): readonly BackendName[] {
    return this.excluded;
  }

  /** True after the restarts were spent, until `retry`. */
  get stopped(): boolean {
    return this.gaveUp;
  }

  start(): void {
    this.spawn();
  }

  send(request: TrainingRequest): void {
    const watch = this.watch;
    if (!watch || watch.failed) return;
    if (request.type === 'configure') {
      watch.config = request.config;
      watch.generation = request.generation;
      watch.built = false;
      watch.autostart = request.autostart;
      watch.stepsDone = 0;
    }
    watch.worker.postMessage(request);
  }

  /** A new worker on purpose (a new backend= was chosen): exclusions and failures are forgotten. */
  restart(): void {
    this.excluded = [];
    this.failuresOn = {};
    this.policy.reset();
    this.spawn();
  }

  /** Starts again after the restarts were spent (or at any time): a fresh worker, a fresh budget. */
  retry(): void {
    this.policy.reset();
    this.failuresOn = {};
    this.spawn();
  }

  dispose(): void {
    this.retire();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private spawn(): void {
    this.retire();
    this.gaveUp = false;
    const now = this.now();
    const locks = this.hooks.locks ?? null;
    const lockName = locks
      ? (this.hooks.lockName?.() ?? `isometry-lab-training-${++this.lockCounter}`)
      : null;
    const worker = this.hooks.createWorker();
    const watch: Watch = {
      worker,
      lockName,
      lockAbort: new AbortController(),
      phase: 'startup',
      failed: false,
      unansweredSince: null,
      longestSilenceMs: 0,
      lastPongAt: now,
      lastWorkAt: now,
      longestWorkGapMs: 0,
      lastTickAt: now,
      pendingError: null,
      backend: null,
      measurements: [],
      config: null,
      generation: 0,
      built: false,
      state: 'starting',
      stepsDone: 0,
      autostart: true,
    };
    this.watch = watch;
    worker.onmessage = (event) => this.receive(watch, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.uncaughtError(watch, event);
    };
    worker.onmessageerror = () =>
      this.fail(watch, { kind: 'message-error', backend: watch.backend, detail: '' });
    this.hooks.bootstrap((request) => this.send(request), { exclude: [...this.excluded], lockName });
    if (this.timer === null) this.timer = setInterval(() => this.tick(), PING_INTERVAL_MS);
  }

  /** Ends the current worker on purpose: its lock and errors no longer count. */
  private retire(): void {
    const watch = this.watch;
    if (!watch) return;
    watch.failed = true;
    watch.lockAbort.abort();
    watch.worker.onmessage = null;
    watch.worker.onerror = null;
    watch.worker.onmessageerror = null;
    watch.worker.terminate();
    this.watch = null;
  }

  private receive(watch: Watch, event: TrainingEvent): void {
    if (watch.failed) return;
    const now = this.now();
    if (watch.unansweredSince !== null) {
      // Waits while it starts and chooses a backend have limits of their own.
      if (watch.phase === 'working')
        watch.longestSilenceMs = Math.max(watch.longestSilenceMs, now - watch.unansweredSince);
      watch.unansweredSince = null;
    }
    if (watch.phase === 'startup') watch.phase = 'selecting';
    if (watch.pendingError !== null) {
      const message = watch.pendingError;
      watch.pendingError = null;
      this.hooks.onReport({ type: 'worker-error', message, running: watch.state === 'running' });
    }
    switch (event.type) {
      case 'pong':
        watch.lastPongAt = now;
        return;
      case 'lock-held':
        this.awaitLock(watch);
        return;
      case 'device-lost':
        this.fail(watch, { kind: 'device-lost', backend: event.backend, detail: event.reason });
        return;
      case 'backend':
        watch.phase = 'working';
        watch.backend = event.active;
        watch.measurements = event.measurements;
        this.sawWork(watch, now);
        break;
      case 'error':
        if (event.generation !== null && event.generation === watch.generation && watch.built) {
          const deviceLost = watch.backend !== null && isDeviceLossMessage(event.message);
          this.fail(watch, {
            kind: deviceLost ? 'device-lost' : 'loop-error',
            backend: watch.backend,
            detail: deviceLost ? 'unknown' : event.message,
          });
          return;
        }
        break;
      case 'built':
        if (event.generation === watch.generation) watch.built = true;
        this.sawWork(watch, now);
        break;
      case 'state':
        if (event.generation === watch.generation) {
          if (event.state !== watch.state) watch.lastWorkAt = now; // a new state starts its own clock
          watch.state = event.state;
          watch.stepsDone = event.stepsDone;
        }
        this.sawWork(watch, now);
        break;
      case 'progress':
        if (event.generation === watch.generation && event.steps.length > 0)
          watch.stepsDone = event.steps[event.steps.length - 1]!;
        this.sawWork(watch, now);
        break;
      default:
        this.sawWork(watch, now);
    }
    this.hooks.onEvent(event);
  }

  private sawWork(watch: Watch, now: number): void {
    if (this.expectsWork(watch))
      watch.longestWorkGapMs = Math.max(watch.longestWorkGapMs, now - watch.lastWorkAt);
    watch.lastWorkAt = now;
  }

  /** Training (or building the runs) is under way, so events should keep coming. */
  private expectsWork(watch: Watch): boolean {
    return watch.phase === 'working' && watch.state === 'running';
  }

  /** Waits on the worker's lifetime lock: granted only once the worker is gone. */
  private awaitLock(watch: Watch): void {
    const locks = this.hooks.locks;
    if (!locks || !watch.lockName) return;
    locks
      .request(watch.lockName, { signal: watch.lockAbort.signal }, () => {
        if (watch.failed || this.watch !== watch) return;
        this.fail(watch, { kind: 'dead', backend: watch.backend, detail: watch.pendingError ?? '' });
      })
      .catch(() => undefined); // aborted: the worker was retired on purpose
  }

  private uncaughtError(watch: Watch, event: ErrorEvent): void {
    if (watch.failed) return;
    const message = event.message || 'unknown error';
    if (watch.phase === 'startup') {
      this.fail(watch, { kind: 'start-error', backend: null, detail: message });
      return;
    }
    // The worker usually lives on (an uncaught error ends only the task that threw): say so once
    // it has answered; the lock, the heartbeat and the stall check tell if it did not.
    watch.pendingError = message;
    watch.worker.postMessage({ type: 'ping' });
    if (watch.unansweredSince === null) watch.unansweredSince = this.now();
  }

  private tick(): void {
    const watch = this.watch;
    if (!watch || watch.failed) return;
    const now = this.now();
    const sinceTick = now - watch.lastTickAt;
    watch.lastTickAt = now;
    if (sinceTick > 3 * PING_INTERVAL_MS) {
      // The page itself was frozen or throttled (a background tab, a sleeping laptop): the
      // worker's answers may be waiting in the queue. Ask again rather than judge.
      watch.unansweredSince = null;
      watch.lastPongAt = now;
      watch.lastWorkAt = now;
    }
    const predicted = watch.config ? predictedBlockMs(watch.config, watch.backend, watch.measurements) : 0;
    if (watch.unansweredSince !== null) {
      const silent = now - watch.unansweredSince;
      if (silent > silenceLimitMs(watch.phase, predicted, watch.longestSilenceMs)) {
        this.fail(watch, { kind: 'hung', backend: watch.backend, detail: String(Math.round(silent / 1000)) });
        return;
      }
    }
    if (this.expectsWork(watch)) {
      const idle = watch.lastPongAt - watch.lastWorkAt;
      if (idle > stallLimitMs(predicted, watch.longestWorkGapMs)) {
        this.fail(watch, {
          kind: 'stalled',
          backend: watch.backend,
          detail: String(Math.round(idle / 1000)),
        });
        return;
      }
    }
    if (watch.unansweredSince === null) watch.unansweredSince = now;
    watch.worker.postMessage({ type: 'ping' });
  }

  private fail(watch: Watch, failure: Failure): void {
    if (watch.failed || this.watch !== watch) return;
    const context: RestartContext = {
      failure,
      stepsDone: watch.stepsDone,
      running: this.hooks.intendsToRun(),
      requested: this.hooks.requestedBackend(),
    };
    this.retire();
    if (failure.backend) this.failuresOn[failure.backend] = (this.failuresOn[failure.backend] ?? 0) + 1;
    this.excluded = exclusionsAfter(failure, this.excluded, this.failuresOn);
    const now = this.now();
    const onBackend = failure.backend ? (this.failuresOn[failure.backend] ?? 0) : 0;
    let how: string | null = null;
    if (onBackend >= MAX_FAILURES_PER_BACKEND)
      how = `${onBackend} times on ${backendWords(failure.backend!)}`;
    else if (!this.policy.allow(now)) how = `${this.policy.recent(now) + 1} times within a minute`;
    if (how !== null) {
      this.gaveUp = true;
      this.hooks.onReport({ type: 'gave-up', failure, how });
      return;
    }
    this.hooks.onReport({ type: 'restarting', context, excluded: [...this.excluded] });
    this.spawn();
  }
}
