import type { LabConfig } from '../config/index.ts';
import {
  formatBytes,
  predict,
  refuse,
  type BackendFacts,
  type Budget,
  type MeasuredStep,
} from '../engine/budget.ts';
import {
  EVAL_CHUNK,
  datasetShape,
  squareHiddenLayers,
  type Experiment,
  type JacobianProbe,
} from '../engine/index.ts';
import { MeasurementJob, type Post } from './measurementJob.ts';
import { NtkSnapshots, predictNtkSeconds } from './ntkSnapshots.ts';
import { rnnSkipEvents } from './rnnSkips.ts';
import type { TrainingState } from './trainingProtocol.ts';

export type { Post };

/** At most 20 progress messages a second reach the page. */
const FLUSH_INTERVAL_MS = 50;
/** Held-out evaluations per training run: often enough for a curve. */
const EVALUATIONS_PER_RUN = 50;
/** Held-out evaluations may cost about this fraction of the training time (see evaluationExamples). */
const EVALUATION_TIME_SHARE = 0.1;
const MAX_EVALUATION_EXAMPLES = 1000;
/** Fewer held-out examples make a test-loss curve too noisy to read. */
const MIN_EVALUATION_EXAMPLES = 100;
/**
 * Snapshots (signal, gradient norms, weight and Jacobian spectra) while training may take this
 * fraction of the training time: at the default size one costs about 0.35 s on WASM, so the
 * panels move every three seconds or so.
 */
const SNAPSHOT_TIME_SHARE = 0.12;
const MIN_SNAPSHOT_INTERVAL_MS = 1000;
/**
 * Between snapshots the NTK is taken on its own within this share (about a training step on 32
 * inputs each), at most once a second: its change since step 0 is the curve the NTK panel grows.
 */
const NTK_TIME_SHARE = 0.05;
const MIN_NTK_INTERVAL_MS = 1000;
/** Measurements in all (evaluation and snapshots) are put off while they exceed this share. */
const MEASUREMENT_TIME_SHARE = 0.35;
/**
 * Parameters kept aside for measurements cost no copy, but each pending job holds the weights of
 * its step in memory while training replaces the live ones: above this size, the measurements of
 * a step are taken before training goes on, so that at most one extra set is held.
 */
const MAX_DEFERRED_COPY_BYTES = 256 * 2 ** 20;
/**
 * Without a budget, a single Jacobian snapshot predicted to take longer is skipped: the worker
 * must answer within seconds. With one, no snapshot may take longer than a training step may.
 */
export const MAX_SPECTRUM_SECONDS = 4;
/** While building, the page hears how far it got at least this often… */
const BUILD_PROGRESS_MS = 100;
/** …and requests (Reset, a new configuration, the page's heartbeat) are let in this often. */
const BUILD_YIELD_MS = 25;
/** Steps whose durations calibrate the budget's time model (the first one, which compiles kernels, is left out). */
const TIMED_STEPS = 5;

/**
 * Builds the runs. `progress` must be called often while drawing (after each layer and between
 * slices of a layer's orthogonal factor) and awaited: it reports how far the build got, lets
 * other requests in, and rejects once a newer configuration has superseded this one.
 */
export type BuildExperiment = (
  config: LabConfig,
  progress: (layersDone: number, layerCount: number) => Promise<void>,
) => Promise<Experiment>;

export interface TrainingLoopOptions {
  /**
   * The budget configurations are held to before anything is drawn (budget.ts); one over it is
   * answered with an 'error' event that names the nearest configuration within it. None: no limit.
   */
  readonly budget?: Budget;
  /** The backend the runs train on, as the budget's time model needs it (default: the cpu table). */
  readonly backend?: () => BackendFacts;
  /**
   * Predicted cost of one Jacobian spectrum (default: budget.ts's prediction on `backend`);
   * spectra predicted above the step budget (MAX_SPECTRUM_SECONDS without one) are not taken,
   * and the page is told why.
   */
  readonly predictSpectrumSeconds?: (config: LabConfig) => number;
  /** Predicted cost of one NTK snapshot (default: ntkSnapshots.ts's), held to the same limit. */
  readonly predictNtkSeconds?: (config: LabConfig) => number;
}

/** Thrown into a build that a newer configuration superseded. */
class Superseded extends Error {}

/**
 * Steps between held-out evaluations: about EVALUATIONS_PER_RUN in a run, but never so often that
 * even MIN_EVALUATION_EXAMPLES would cost more than their share of the training time (a forward
 * pass over E examples costs about E/(3B) training steps). Short runs with small batches would
 * otherwise queue evaluations faster than they are taken.
 */
export function evaluationInterval(config: Pick<LabConfig, 'steps' | 'bs'>): number {
  const affordable = Math.ceil(MIN_EVALUATION_EXAMPLES / (EVALUATION_TIME_SHARE * 3 * config.bs));
  return Math.max(1, Math.ceil(config.steps / EVALUATIONS_PER_RUN), affordable);
}

/**
 * Held-out examples per evaluation: E ≈ 0.1·3B·interval keeps evaluations near a tenth of the
 * training time; whole chunks of EVAL_CHUNK above one chunk, at least MIN_EVALUATION_EXAMPLES and
 * at most MAX_EVALUATION_EXAMPLES.
 */
export function evaluationExamples(config: Pick<LabConfig, 'steps' | 'bs'>): number {
  const affordable = EVALUATION_TIME_SHARE * 3 * config.bs * evaluationInterval(config);
  const examples =
    affordable >= EVAL_CHUNK ? Math.floor(affordable / EVAL_CHUNK) * EVAL_CHUNK : Math.floor(affordable);
  return Math.min(MAX_EVALUATION_EXAMPLES, Math.max(MIN_EVALUATION_EXAMPLES, examples));
}

/** Lets queued messages (pause, a new configuration) in between steps, without timer clamping. */
function yieldToEvents(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Drives one experiment at a time for the worker. Operations that touch the networks go through
 * one queue, so a new configuration waits only for the step or measurement slice in flight.
 * Training comes first: measurements (held-out evaluation, snapshots) are taken from a copy of
 * the parameters at their step and computed in slices between training steps, within a share
 * of the training time, or while paused. Pause is acknowledged at once. Events carry the
 * generation of the configuration they belong to; the page drops stale ones.
 */
export class TrainingLoop {
  private experiment: Experiment | null = null;
  private config: LabConfig | null = null;
  private generation = 0;
  private state: TrainingState = 'building';
  private running = false;
  private queue: Promise<void> = Promise.resolve();
  /** Operations queued and not yet started: measurements left for later give way to them. */
  private waiting = 0;
  private stepInFlight = false;
  private pauseToAnnounce = false;
  private pendingSteps: number[] = [];
  private pendingLosses: number[] = [];
  private lastFlush = 0;
  private flushedOnce = false;
  private jobs: MeasurementJob[] = [];
  /** The NTK snapshots of this configuration (step-0 kernels and networks); null when skipped. */
  private ntk: NtkSnapshots | null = null;
  /** Seconds spent in training steps, in measurements (all), and in snapshots, for their time shares. */
  private trainingSeconds = 0;
  private measurementSeconds = 0;
  private snapshotSeconds = 0;
  private lastSnapshotCost = 0;
  /** The same for the NTK, whether taken with a snapshot or alone. */
  private ntkSeconds = 0;
  private lastNtkCost = 0;
  private lastNtkAt = -Infinity;
  private probe: JacobianProbe = 'fixed-point';
  /** Step of the newest snapshot, so that pausing or finishing adds one only where it is new. */
  private lastSnapshotStep = -1;
  private lastSnapshotAt = -Infinity;
  private spectrumSkipNoted = false;
  /** Durations of the latest training steps of this configuration (seconds), for the time model. */
  private stepDurations: number[] = [];
  private stepsTimed = 0;
  /** The latest measured step, of this configuration or an earlier one: it calibrates the budget. */
  private measured: MeasuredStep | null = null;

  constructor(
    private readonly post: Post,
    private readonly build: BuildExperiment,
    private readonly options: TrainingLoopOptions = {},
  ) {}

  /**
   * The backend as the time model sees it: the worker's facts, with the steps this loop timed
   * when the worker has no measurement of its own.
   */
  facts(): BackendFacts {
    const facts = this.options.backend?.() ?? { backend: 'cpu' };
    return facts.measured ? facts : { ...facts, measured: this.measured };
  }

  configure(generation: number, config: LabConfig, autostart: boolean): Promise<void> {
    this.generation = generation;
    this.running = false;
    return this.enqueue(async () => {
      if (generation !== this.generation) return; // a newer configuration is queued behind us
      this.disposeRuns();
      // Over the budget: refused before anything is drawn, with the nearest configuration within it.
      const refusal = this.options.budget ? refuse(config, this.facts(), this.options.budget) : null;
      if (refusal) {
        this.post({ type: 'error', generation, message: refusal.message });
        return;
      }
      this.setState('building');
      let experiment: Experiment;
      try {
        experiment = await this.build(config, this.buildProgress(generation, config));
      } catch (error) {
        if (!(error instanceof Superseded) && generation === this.generation)
          this.post({ type: 'error', generation, message: messageOf(error) });
        return;
      }
      if (generation !== this.generation) {
        experiment.dispose();
        return;
      }
      this.experiment = experiment;
      this.config = config;
      this.post({ type: 'built', generation, runs: experiment.runs, info: experiment.info });
      // The recurrent network (arch=rnn) has no layered measurements: the page is told why.
      if (config.arch === 'rnn') for (const event of rnnSkipEvents(generation)) this.post(event);
      this.ntk = config.arch === 'rnn' ? null : this.planNtk(experiment, config, generation);
      // The networks at initialization, measured from a copy while the first steps already train.
      this.schedule(true, true);
      this.setState('ready');
      if (autostart) this.start();
      else this.measureWhileIdle();
    });
  }

  start(): void {
    if (!this.experiment || this.running || this.state === 'done') return;
    this.running = true;
    this.pauseToAnnounce = false;
    this.setState('running');
    void this.enqueue(() => this.runWhileRunning());
  }

  /** Stops training after the step in flight and says so at once (or right after that step). */
  pause(): void {
    if (!this.running) return;
    this.running = false;
    if (this.stepInFlight) this.pauseToAnnounce = true;
    else this.announcePause();
  }

  /** Where later spectra are taken; a stopped run gets a new snapshot at once. */
  setProbe(probe: JacobianProbe): Promise<void> {
    this.probe = probe;
    if (this.running || !this.experiment) return Promise.resolve();
    this.schedule(false, true);
    this.measureWhileIdle();
    return this.queue;
  }

  step(): Promise<void> {
    if (this.running) return Promise.resolve();
    const done = this.enqueue(async () => {
      if (!this.experiment || this.state === 'done') return;
      await this.trainOneStep();
      this.flush();
      this.setState(this.isFinished() ? 'done' : 'paused');
    });
    this.measureWhileIdle();
    return done;
  }

  /** Resolves when everything queued so far has run, measurements included (tests, shutdown). */
  async idle(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.queue;
      await queue;
    } while (queue !== this.queue);
  }

  dispose(): void {
    this.running = false;
    void this.enqueue(async () => this.disposeRuns());
  }

  /**
   * The build's progress callback: posts 'building' at most every BUILD_PROGRESS_MS (and at the
   * end), lets queued requests in every BUILD_YIELD_MS, and abandons a superseded build.
   */
  private buildProgress(generation: number, config: LabConfig) {
    this.post({ type: 'building', generation, layersDone: 0, layerCount: config.L + 1 });
    let lastPost = performance.now();
    let lastYield = lastPost;
    return async (layersDone: number, layerCount: number): Promise<void> => {
      let now = performance.now();
      if (now - lastYield >= BUILD_YIELD_MS) {
        await yieldToEvents();
        now = performance.now();
        lastYield = now;
      }
      if (generation !== this.generation) throw new Superseded('superseded by a newer configuration');
      if (now - lastPost >= BUILD_PROGRESS_MS || layersDone === layerCount) {
        lastPost = now;
        this.post({ type: 'building', generation, layersDone, layerCount });
      }
    };
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.waiting += 1;
    this.queue = this.queue
      .then(() => {
        this.waiting -= 1;
        return operation();
      })
      .catch((error: unknown) => {
        this.running = false;
        this.post({ type: 'error', generation: this.generation, message: messageOf(error) });
      });
    return this.queue;
  }

  /** Trains step by step, yielding between steps, until paused, reconfigured or done. */
  private async runWhileRunning(): Promise<void> {
    const generation = this.generation;
    while (this.running && generation === this.generation && !this.isFinished()) {
      await this.trainOneStep();
      if (performance.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
      // Measurements wait until the first steps are on the page, then take their share.
      if (this.flushedOnce && this.measurementsAffordable()) await this.runMeasurementSlice();
      await yieldToEvents();
    }
    if (generation !== this.generation) return;
    this.flush();
    if (this.isFinished()) {
      this.running = false;
      this.setState('done');
    }
    // A network that stopped, paused or finished, is worth looking at as it is now.
    if (this.experiment && this.experiment.stepsDone !== this.lastSnapshotStep) this.schedule(false, true);
    this.measureWhileIdle();
  }

  private async trainOneStep(): Promise<void> {
    const experiment = this.experiment!;
    const started = performance.now();
    this.stepInFlight = true;
    let result;
    try {
      result = await experiment.step();
    } finally {
      this.stepInFlight = false;
    }
    const seconds = (performance.now() - started) / 1000;
    this.trainingSeconds += seconds;
    this.timeStep(seconds);
    this.pendingSteps.push(result.step);
    for (const loss of result.loss) this.pendingLosses.push(loss);
    if (result.newlyDiverged.length > 0) {
      const statuses = experiment.status();
      for (const runId of result.newlyDiverged) {
        const status = statuses[runId]!;
        this.post({
          type: 'diverged',
          generation: this.generation,
          runId,
          step: status.divergedAtStep ?? result.step,
          lastFiniteStep: status.lastFiniteStep,
        });
      }
    }
    const config = this.config!;
    const evaluationDue = result.step % evaluationInterval(config) === 0 || result.step === config.steps;
    const snapshotDue =
      this.running &&
      !this.jobs.some((job) => job.includesSnapshot) &&
      performance.now() - this.lastSnapshotAt >= MIN_SNAPSHOT_INTERVAL_MS &&
      this.snapshotSeconds + this.lastSnapshotCost <= SNAPSHOT_TIME_SHARE * this.trainingSeconds;
    const ntkDue =
      this.running &&
      !snapshotDue &&
      this.ntk !== null &&
      !this.jobs.some((job) => job.includesNtk) &&
      performance.now() - this.lastNtkAt >= MIN_NTK_INTERVAL_MS &&
      this.ntkSeconds + this.lastNtkCost <= NTK_TIME_SHARE * this.trainingSeconds;
    if (evaluationDue || snapshotDue || ntkDue) this.schedule(evaluationDue, snapshotDue, ntkDue);
    if (this.pauseToAnnounce) this.announcePause();
  }

  /** Keeps the median of the latest step durations as the measured step of this configuration. */
  private timeStep(seconds: number): void {
    this.stepsTimed += 1;
    if (this.stepsTimed === 1) return; // compiles kernels, loads data: not a typical step
    this.stepDurations.push(seconds);
    if (this.stepDurations.length > TIMED_STEPS) this.stepDurations.shift();
    const sorted = [...this.stepDurations].sort((a, b) => a - b);
    this.measured = { config: this.config!, seconds: sorted[sorted.length >> 1]! };
  }

  /**
   * Copies the parameters aside for an evaluation and/or a snapshot (or the NTK alone) at this step. Where the copy
   * would be too large, the measurements are taken now, before training goes on.
   */
  private schedule(evaluation: boolean, snapshot: boolean, ntkAlone = false): void {
    const experiment = this.experiment!;
    const config = this.config!;
    if (snapshot) {
      this.lastSnapshotStep = experiment.stepsDone;
      this.lastSnapshotAt = performance.now();
    }
    if (snapshot || ntkAlone) this.lastNtkAt = performance.now();
    // Slices are sized by the time model, calibrated by the steps timed so far.
    const prediction = predict(config, this.facts());
    const predicted = this.options.predictSpectrumSeconds?.(config) ?? prediction.spectrumSeconds;
    // The spectrum is of the square hidden layers: L = 1 on an n0 ≠ N input has none.
    const noSquareLayer = config.arch !== 'rnn' && squareHiddenLayers(config) < 1;
    const skipSpectrum =
      noSquareLayer || predicted > (this.options.budget?.stepSeconds ?? MAX_SPECTRUM_SECONDS);
    if (snapshot && skipSpectrum && !this.spectrumSkipNoted) {
      this.spectrumSkipNoted = true;
      this.post({
        type: 'spectrum-skipped',
        generation: this.generation,
        reason: noSquareLayer
          ? `with one hidden layer on ${datasetShape(config).inputSize} inputs (N = ${config.N}) there is no square hidden layer whose Jacobian the spectrum is of; choose L ≥ 2`
          : `one spectrum would take ≈ ${Math.round(predicted)} s here (N = ${config.N}, L = ${config.L}); choose a smaller width or depth, or a faster backend`,
      });
    }
    const job = new MeasurementJob(experiment.freeze(), config, this.generation, this.post, {
      evaluationExamples: evaluation ? evaluationExamples(config) : 0,
      evaluationChunk: prediction.evaluationChunk,
      snapshot,
      skipSpectrum,
      probe: this.probe,
      ntk: snapshot || ntkAlone ? this.ntk : null,
    });
    // An NTK alone goes before the evaluations already queued (they only fill in the past of the
    // loss curves, and can fall behind): its change since step 0 is the curve to watch live. It
    // cannot overtake another NTK, so the kernels still arrive in step order.
    if (ntkAlone && !evaluation && !snapshot) this.jobs.splice(Math.min(1, this.jobs.length), 0, job);
    else this.jobs.push(job);
  }

  /**
   * The NTK snapshots of a new configuration, or null (the page told why) when one is predicted
   * to take longer than a spectrum may. The step-0 networks are kept for the weight change only
   * where that fits: they hold one set of parameters, and on the per-run backends the stacked
   * copy measurements make of it a second; above the size measurements may keep aside while
   * training goes on, or above the memory budget, the weight change is left out, and said so.
   */
  private planNtk(experiment: Experiment, config: LabConfig, generation: number): NtkSnapshots | null {
    const limit = this.options.budget?.stepSeconds ?? MAX_SPECTRUM_SECONDS;
    const predicted = this.options.predictNtkSeconds?.(config) ?? predictNtkSeconds(config, this.facts());
    if (predicted > limit) {
      this.post({
        type: 'ntk-skipped',
        generation,
        part: 'kernel',
        reason: `one NTK snapshot would take ≈ ${Math.round(predicted)} s here (N = ${config.N}, L = ${config.L}); choose a smaller width or depth, or a faster backend`,
      });
      return null;
    }
    const keptBytes = 2 * this.copyBytes();
    const memory = this.options.budget?.memoryBytes ?? Infinity;
    const total = predict(config, this.facts()).memoryBytes + keptBytes;
    const overMemory = total > memory;
    const keep = keptBytes <= MAX_DEFERRED_COPY_BYTES && !overMemory;
    if (!keep) {
      this.post({
        type: 'ntk-skipped',
        generation,
        part: 'weight-change',
        reason: overMemory
          ? `keeping the step-0 weights would bring memory to ≈ ${formatBytes(total)} (budget ${formatBytes(memory)})`
          : `keeping the step-0 weights would hold ≈ ${formatBytes(keptBytes)} more (limit ${formatBytes(MAX_DEFERRED_COPY_BYTES)})`,
      });
    }
    return new NtkSnapshots(config, generation, this.post, keep ? experiment.freeze() : null);
  }

  private measurementsAffordable(): boolean {
    if (this.jobs.length === 0) return false;
    // Too large to keep a copy of: measure before the next step, whatever it costs.
    if (this.copyBytes() > MAX_DEFERRED_COPY_BYTES) return true;
    return this.measurementSeconds <= MEASUREMENT_TIME_SHARE * this.trainingSeconds;
  }

  private copyBytes(): number {
    const info = this.experiment?.info;
    return info ? 4 * info.parameterCount * info.runCount : 0;
  }

  /** One slice of the oldest measurement job; its results are posted as they complete. */
  private async runMeasurementSlice(): Promise<void> {
    const job = this.jobs[0];
    if (!job) return;
    const before = job.snapshotSeconds;
    const ntkBefore = job.ntkSeconds;
    this.measurementSeconds += await job.runSlice();
    this.snapshotSeconds += job.snapshotSeconds - before;
    // The step-0 NTK is taken whatever it costs, and its first calls are the slowest (kernels
    // compiled, the stacked copy made): it would hold the next ones back for many seconds.
    if (job.step > 0) this.ntkSeconds += job.ntkSeconds - ntkBefore;
    if (job.done) {
      this.jobs.shift();
      if (job.includesSnapshot) this.lastSnapshotCost = job.snapshotSeconds;
      if (job.includesNtk && job.step > 0) this.lastNtkCost = job.ntkSeconds;
    }
  }

  /** While training is stopped, measurements run to the end, giving way to any queued request. */
  private measureWhileIdle(): void {
    void this.enqueue(async () => {
      const generation = this.generation;
      while (this.jobs.length > 0 && !this.running && this.waiting === 0 && generation === this.generation) {
        await this.runMeasurementSlice();
        await yieldToEvents();
      }
    });
  }

  private announcePause(): void {
    this.pauseToAnnounce = false;
    this.flush();
    if (this.state === 'running') this.setState('paused');
  }

  private disposeRuns(): void {
    for (const job of this.jobs) job.dispose();
    this.jobs = [];
    this.ntk?.dispose();
    this.ntk = null;
    this.experiment?.dispose();
    this.experiment = null;
    this.pendingSteps = [];
    this.pendingLosses = [];
    this.flushedOnce = false;
    this.trainingSeconds = 0;
    this.measurementSeconds = 0;
    this.snapshotSeconds = 0;
    this.lastSnapshotCost = 0;
    this.ntkSeconds = 0;
    this.lastNtkCost = 0;
    this.lastNtkAt = -Infinity;
    this.lastSnapshotStep = -1;
    this.lastSnapshotAt = -Infinity;
    this.spectrumSkipNoted = false;
    this.stepDurations = [];
    this.stepsTimed = 0;
  }

  private flush(): void {
    this.lastFlush = performance.now();
    if (this.pendingSteps.length === 0) return;
    this.flushedOnce = true;
    const steps = Float64Array.from(this.pendingSteps);
    const losses = Float32Array.from(this.pendingLosses);
    this.pendingSteps = [];
    this.pendingLosses = [];
    this.post({ type: 'progress', generation: this.generation, steps, losses }, [
      steps.buffer,
      losses.buffer,
    ]);
  }

  private isFinished(): boolean {
    return this.experiment !== null && this.config !== null && this.experiment.stepsDone >= this.config.steps;
  }

  private setState(state: TrainingState): void {
    this.state = state;
    this.post({
      type: 'state',
      generation: this.generation,
      state,
      stepsDone: this.experiment?.stepsDone ?? 0,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
