import type { LabConfig } from '../config/index.ts';
import {
  sampledLayers,
  summarizeLayers,
  type JacobianProbe,
  type NetworkMeasurements,
} from '../engine/index.ts';
import type { NtkSlice, NtkSnapshots } from './ntkSnapshots.ts';
import { MAX_WEIGHT_SPECTRUM_WIDTH, type TrainingEvent } from './trainingProtocol.ts';

export type Post = (event: TrainingEvent, transfer?: Transferable[]) => void;

/** Weight spectra pool this many sampled hidden layers (each an O(N³) SVD on the host). */
const WEIGHT_LAYERS = 4;

/** What to measure of the networks at one step. */
export interface JobPlan {
  /** Held-out examples to evaluate on; 0 for no evaluation. */
  readonly evaluationExamples: number;
  /**
   * Examples per evaluation slice (default EVAL_CHUNK): deep or wide networks take fewer, so that
   * a slice stays short (budget.ts: predict().evaluationChunk).
   */
  readonly evaluationChunk?: number;
  /** Signal, gradient norms, weight spectra and (unless skipped) the Jacobian spectrum. */
  readonly snapshot: boolean;
  /** Take no Jacobian spectrum: predicted too slow (the page is told once, at step 0). */
  readonly skipSpectrum: boolean;
  readonly probe: JacobianProbe;
  /** The configuration's NTK snapshots, with a snapshot or alone; null for none (or skipped). */
  readonly ntk?: NtkSnapshots | null;
}

/**
 * The measurements of the networks at one step, taken from a copy of their parameters in short
 * slices, so that training (and the page's Pause, Step and Reset) goes on between them. Each
 * slice posts what it finished; the events carry the step the copy was taken at.
 */
export class MeasurementJob {
  private readonly slices: (() => Promise<void>)[] = [];
  /** Seconds the snapshot part took (the evaluation and the NTK are accounted apart). */
  snapshotSeconds = 0;
  /** Seconds the NTK took, one-off work (the analytic kernel) left out. */
  ntkSeconds = 0;
  readonly includesSnapshot: boolean;
  readonly includesNtk: boolean;

  constructor(
    private readonly frozen: NetworkMeasurements,
    private readonly config: LabConfig,
    private readonly generation: number,
    private readonly post: Post,
    plan: JobPlan,
  ) {
    const step = frozen.step;
    this.includesSnapshot = plan.snapshot;
    if (plan.evaluationExamples > 0) {
      const evaluation = frozen.evaluation(plan.evaluationExamples, plan.evaluationChunk);
      for (let chunk = 1; chunk < evaluation.chunks; chunk++)
        this.slices.push(async () => evaluation.chunk());
      this.slices.push(async () => {
        const result = await evaluation.result();
        evaluation.dispose();
        const transfer = [result.loss.buffer, result.accuracy?.buffer].filter((b) => b !== undefined);
        this.post(
          { type: 'evaluation', generation, step, loss: result.loss, accuracy: result.accuracy },
          transfer as Transferable[],
        );
      });
    }
    // Taken with a snapshot, or on its own between snapshots (the NTK is cheap and its change is
    // the curve to watch); none where this step already has one.
    const ntk = plan.ntk?.slices(frozen) ?? [];
    this.includesNtk = ntk.length > 0;
    if (!plan.snapshot) {
      this.timedNtk(ntk);
      return;
    }
    if (config.arch === 'rnn') {
      // The recurrent network's snapshot is its W's spectrum (reported as layer 1) alone.
      this.timedWeights([1]);
      return;
    }
    let forward: Float32Array[] = [];
    this.timed(async () => {
      forward = await frozen.signal();
    });
    this.timed(async () => frozen.prepare());
    // Gradient norms cost about a training step per run: one slice per run where that is free.
    const groups = frozen.gradientNormsByRun ? frozen.runs.map((run) => [run]) : [frozen.runs];
    const backward: Float32Array[] = [];
    groups.forEach((runs, g) =>
      this.timed(async () => {
        for (const norms of await frozen.gradientNormsOf(runs)) backward.push(norms.preActivation);
        if (g < groups.length - 1) return;
        this.post(
          { type: 'signal', generation, step, forward, backward },
          [...forward, ...backward].map((a) => a.buffer) as Transferable[],
        );
      }),
    );
    // The NTK (a forward and backward pass over 32 inputs) before the costly spectra.
    this.timedNtk(ntk);
    this.timedWeights(sampledLayers(config.L, WEIGHT_LAYERS));
    if (!plan.skipSpectrum) {
      this.timed(async () => {
        const started = performance.now();
        const spectra = await frozen.jacobianSpectrum({ probe: plan.probe });
        const seconds = (performance.now() - started) / 1000;
        const transfer = spectra.flatMap((s) => [s.singularValues.buffer, s.logSingularValues.buffer]);
        this.post({ type: 'spectrum', generation, step, spectra, seconds }, transfer as Transferable[]);
      });
    }
  }

  get step(): number {
    return this.frozen.step;
  }

  get done(): boolean {
    return this.slices.length === 0;
  }

  /** Runs the next slice; returns the seconds it took. */
  async runSlice(): Promise<number> {
    const slice = this.slices.shift();
    if (!slice) return 0;
    const started = performance.now();
    try {
      await slice();
    } finally {
      if (this.slices.length === 0) this.frozen.dispose();
    }
    return (performance.now() - started) / 1000;
  }

  dispose(): void {
    this.slices.length = 0;
    this.frozen.dispose();
  }

  /** The weight spectra of `layers`, pooled, where the width allows (MAX_WEIGHT_SPECTRUM_WIDTH). */
  private timedWeights(layers: number[]): void {
    if (this.config.N > MAX_WEIGHT_SPECTRUM_WIDTH) return;
    const { frozen, generation } = this;
    const step = frozen.step;
    this.timed(async () => {
      const spectra = await frozen.weightSpectra({ layers });
      const summaries = spectra.map((run) => summarizeLayers(run.layers));
      this.post({ type: 'weights', generation, step, summaries, layers });
    });
  }

  private timedNtk(slices: readonly NtkSlice[]): void {
    for (const { run, oneOff } of slices) {
      this.slices.push(async () => {
        const started = performance.now();
        await run();
        if (!oneOff) this.ntkSeconds += (performance.now() - started) / 1000;
      });
    }
  }

  private timed(slice: () => Promise<void>): void {
    this.slices.push(async () => {
      const started = performance.now();
      await slice();
      this.snapshotSeconds += (performance.now() - started) / 1000;
    });
  }
}
