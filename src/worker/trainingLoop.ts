import type { LabConfig } from '../config/index.ts';
import { sampledLayers, summarizeLayers, type Experiment, type JacobianProbe } from '../engine/index.ts';
import { MAX_WEIGHT_SPECTRUM_WIDTH, type TrainingEvent, type TrainingState } from './trainingProtocol.ts';

/** At most 20 progress messages a second reach the page. */
const FLUSH_INTERVAL_MS = 50;
/** Held-out evaluations per training run: often enough for a curve, cheap enough not to slow training. */
const EVALUATIONS_PER_RUN = 50;
/** Snapshots (Jacobian spectra, signal propagation) may take at most this fraction of training time. */
const SNAPSHOT_TIME_SHARE = 0.1;
/** Weight spectra pool this many sampled hidden layers (each an O(N³) SVD on the host)… */
const WEIGHT_LAYERS = 4;
const MIN_SNAPSHOT_INTERVAL_MS = 1000;
/** A single snapshot predicted to take longer is skipped: the worker must answer within seconds. */
export const MAX_SPECTRUM_SECONDS = 4;

export type Post = (event: TrainingEvent, transfer?: Transferable[]) => void;
/** Builds the runs; `progress` reports layers drawn so far (new shapes draw O(N³) Haar factors). */
export type BuildExperiment = (
  config: LabConfig,
  progress: (layersDone: number, layerCount: number) => void,
) => Promise<Experiment>;

/** Steps between held-out evaluations for a run of `steps` steps. */
export function evaluationInterval(steps: number): number {
  return Math.max(1, Math.ceil(steps / EVALUATIONS_PER_RUN));
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
 * Drives one experiment at a time for the worker. Every operation goes through one queue, so a new
 * configuration waits only for the step in flight, then disposes the old runs and builds the new.
 * Events carry the generation of the configuration they belong to; the page drops stale ones.
 */
export class TrainingLoop {
  private experiment: Experiment | null = null;
  private config: LabConfig | null = null;
  private generation = 0;
  private state: TrainingState = 'building';
  private running = false;
  private queue: Promise<void> = Promise.resolve();
  private pendingSteps: number[] = [];
  private pendingLosses: number[] = [];
  private lastFlush = 0;
  /** Seconds spent in training steps and in snapshots, for the snapshots' time budget. */
  private trainingSeconds = 0;
  private snapshotSeconds = 0;
  private lastSnapshotCost = 0;
  private probe: JacobianProbe = 'fixed-point';
  /** Step of the newest snapshot, so that pausing or finishing adds one only where it is new. */
  private lastSnapshotStep = -1;
  private lastSnapshotAt = -Infinity;

  /**
   * @param predictSpectrumSeconds predicted cost of one spectrum snapshot for a configuration; snapshots
   *   predicted to take longer than MAX_SPECTRUM_SECONDS are not taken (the worker would stop
   *   answering), and the page is told why.
   */
  constructor(
    private readonly post: Post,
    private readonly build: BuildExperiment,
    private readonly predictSpectrumSeconds: (config: LabConfig) => number = () => 0,
  ) {}

  configure(generation: number, config: LabConfig, autostart: boolean): Promise<void> {
    this.generation = generation;
    this.running = false;
    return this.enqueue(async () => {
      if (generation !== this.generation) return; // a newer configuration is queued behind us
      this.experiment?.dispose();
      this.experiment = null;
      this.pendingSteps = [];
      this.pendingLosses = [];
      this.trainingSeconds = 0;
      this.snapshotSeconds = 0;
      this.lastSnapshotStep = -1;
      this.setState('building');
      let experiment: Experiment;
      try {
        experiment = await this.build(config, (layersDone, layerCount) =>
          this.post({ type: 'building', generation, layersDone, layerCount }),
        );
      } catch (error) {
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
      await this.evaluate();
      await this.snapshot();
      this.setState('ready');
      if (autostart) this.start();
    });
  }

  start(): void {
    if (!this.experiment || this.running || this.state === 'done') return;
    this.running = true;
    this.setState('running');
    void this.enqueue(() => this.runWhileRunning());
  }

  pause(): void {
    if (!this.running) return;
    this.running = false;
    void this.enqueue(async () => {
      this.flush();
      if (this.state !== 'running') return;
      // A paused network is worth looking at: its spectrum and signal as they are now.
      await this.snapshotIfNew();
      this.setState('paused');
    });
  }

  /** Where later spectra are taken; a stopped run gets a new snapshot at once. */
  setProbe(probe: JacobianProbe): Promise<void> {
    this.probe = probe;
    if (this.running) return Promise.resolve();
    return this.enqueue(async () => {
      if (!this.experiment) return;
      this.lastSnapshotStep = -1;
      await this.snapshotIfNew();
    });
  }

  step(): Promise<void> {
    if (this.running) return Promise.resolve();
    return this.enqueue(async () => {
      if (!this.experiment || this.state === 'done') return;
      await this.trainOneStep();
      this.flush();
      this.setState(this.isFinished() ? 'done' : 'paused');
    });
  }

  /** Resolves when everything queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    this.running = false;
    void this.enqueue(async () => {
      this.experiment?.dispose();
      this.experiment = null;
    });
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(operation).catch((error: unknown) => {
      this.running = false;
      this.post({ type: 'error', generation: this.generation, message: messageOf(error) });
    });
    return this.queue;
  }

  /** Trains in slices of one step, yielding between them, until paused, reconfigured or done. */
  private async runWhileRunning(): Promise<void> {
    const generation = this.generation;
    while (this.running && generation === this.generation && !this.isFinished()) {
      await this.trainOneStep();
      if (performance.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
      await yieldToEvents();
    }
    if (generation !== this.generation) return;
    this.flush();
    if (this.isFinished()) {
      this.running = false;
      await this.snapshotIfNew();
      this.setState('done');
    }
  }

  private async trainOneStep(): Promise<void> {
    const experiment = this.experiment!;
    const started = performance.now();
    const result = await experiment.step();
    this.trainingSeconds += (performance.now() - started) / 1000;
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
    const interval = evaluationInterval(this.config!.steps);
    if (result.step % interval === 0 || result.step === this.config!.steps) {
      this.flush();
      await this.evaluate();
      // Snapshots ride on the evaluation schedule, as often as their share of the time allows, and
      // at most one a second: each redraws three panels, and small networks would send dozens.
      const affordable =
        this.snapshotSeconds + this.lastSnapshotCost <= SNAPSHOT_TIME_SHARE * this.trainingSeconds;
      if (affordable && performance.now() - this.lastSnapshotAt >= MIN_SNAPSHOT_INTERVAL_MS) {
        await this.snapshot();
      }
    }
  }

  private async snapshotIfNew(): Promise<void> {
    if (this.experiment && this.experiment.stepsDone !== this.lastSnapshotStep) await this.snapshot();
  }

  /** Signal propagation and the Jacobian spectrum at this step, timed against the 10% budget. */
  private async snapshot(): Promise<void> {
    const started = performance.now();
    const experiment = this.experiment!;
    this.lastSnapshotStep = experiment.stepsDone;
    this.lastSnapshotAt = performance.now();
    const [forward, gradients] = await Promise.all([experiment.signal(), experiment.gradientNorms()]);
    const backward = gradients.map((g) => g.preActivation);
    this.post(
      { type: 'signal', generation: this.generation, step: experiment.stepsDone, forward, backward },
      [...forward, ...backward].map((a) => a.buffer) as Transferable[],
    );
    if (this.config!.N <= MAX_WEIGHT_SPECTRUM_WIDTH) {
      const layers = sampledLayers(this.config!.L, WEIGHT_LAYERS);
      const spectra = await experiment.weightSpectra({ layers });
      const summaries = spectra.map((run) => summarizeLayers(run.layers));
      this.post({
        type: 'weights',
        generation: this.generation,
        step: experiment.stepsDone,
        summaries,
        layers,
      });
    }
    await this.snapshotSpectrum();
    const seconds = (performance.now() - started) / 1000;
    this.snapshotSeconds += seconds;
    this.lastSnapshotCost = seconds;
  }

  private async snapshotSpectrum(): Promise<void> {
    const predicted = this.predictSpectrumSeconds(this.config!);
    if (predicted > MAX_SPECTRUM_SECONDS) {
      if (this.experiment!.stepsDone === 0) {
        this.post({
          type: 'spectrum-skipped',
          generation: this.generation,
          reason: `one spectrum would take ≈ ${Math.round(predicted)} s here (N = ${this.config!.N}, L = ${this.config!.L}); choose a smaller width or depth, or a faster backend`,
        });
      }
      return;
    }
    const started = performance.now();
    const spectra = await this.experiment!.jacobianSpectrum({ probe: this.probe });
    const seconds = (performance.now() - started) / 1000;
    const transfer = spectra.flatMap((s) => [s.singularValues.buffer, s.logSingularValues.buffer]);
    this.post(
      { type: 'spectrum', generation: this.generation, step: this.experiment!.stepsDone, spectra, seconds },
      transfer as Transferable[],
    );
  }

  private async evaluate(): Promise<void> {
    const evaluation = await this.experiment!.evaluate();
    const event: TrainingEvent = {
      type: 'evaluation',
      generation: this.generation,
      step: evaluation.step,
      loss: evaluation.loss,
      accuracy: evaluation.accuracy,
    };
    const transfer = [evaluation.loss.buffer, evaluation.accuracy?.buffer].filter((b) => b !== undefined);
    this.post(event, transfer as Transferable[]);
  }

  private flush(): void {
    this.lastFlush = performance.now();
    if (this.pendingSteps.length === 0) return;
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
