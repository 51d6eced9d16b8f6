import * as tf from '@tensorflow/tfjs-core';
import type { LabConfig } from '../config/schema.ts';
import { BatchOrder } from './data/batchOrder.ts';
import type { ByteSource, Dataset, Task } from './data/dataset.ts';
import { loadMnist, mnistDataset } from './data/mnist.ts';
import { teacherDataset, type TeacherOptions } from './data/teacher.ts';
import { trainingSubset } from './data/subset.ts';
import { sharedDrawCache, type UnitDrawCache } from './drawCache.ts';
import { initialLayerSteps, mlpLayerShapes, type InitialLayer } from './init.ts';
import { constrainInits } from './constrainedInit.ts';
import { inputScaling, type InputScaling } from './inputScaling.ts';
import type { EvalResult } from './evaluation.ts';
import type { LayerInit } from './model.ts';
import { PerRunTrainer } from './perRunTrainer.ts';
import { StackedTrainer } from './stackedTrainer.ts';
import { preferredFormulation, type Formulation, type Trainer } from './trainer.ts';
import { costConfigOf, planRuns, resolveRuns, type RunInfo, type RunSpec } from './runs.ts';
import { estimateCost } from './cost.ts';
import { createRnnExperiment } from './rnn/rnnExperiment.ts';
import {
  BudgetRefusal,
  backendKind,
  memoryBoundChunk,
  refuse,
  type BackendFacts,
  type Budget,
} from './budget.ts';
import type { GradientNorms } from './gradientNorms.ts';
import type { JacobianOptions, JacobianSpectrum } from './jacobian.ts';
import { NetworkMeasurements, type MeasurementContext } from './measurements.ts';
import type { WeightSpectra, WeightSpectraOptions } from './weightSpectra.ts';

export { planRuns, type RunInfo, type RunSpec };
export type { EvalResult } from './evaluation.ts';
export { FORMULATIONS, preferredFormulation, type Formulation } from './trainer.ts';

export interface RunStatus extends RunInfo {
  readonly diverged: boolean;
  /** The step whose training loss was first NaN or ±Inf; the run takes no update after it. */
  readonly divergedAtStep: number | null;
  /** The last step with a finite training loss (0: none was finite). */
  readonly lastFiniteStep: number | null;
}

export interface StepResult {
  /** Steps taken so far, this one included (1 after the first call). */
  readonly step: number;
  /** Per-run minibatch loss of this step, computed before its update; NaN for runs diverged earlier. */
  readonly loss: Float32Array;
  /** Runs whose loss became non-finite in this step. */
  readonly newlyDiverged: readonly number[];
}

export interface ExperimentInfo {
  /** Parameters of one run (weights and biases). */
  readonly parameterCount: number;
  readonly runCount: number;
  /** Multiply–adds ×2 of the matMuls of one training step, all runs (forward + backward ≈ 3× forward). */
  readonly flopsPerStep: number;
  /** Estimate of tensor memory: parameters, gradients, optimizer state, activations kept for backprop. */
  readonly memoryBytes: number;
  readonly batchSize: number;
  readonly evalExamples: number;
  /** How the training step is written as tensor programs (see Formulation). */
  readonly formulation: Formulation;
  readonly inputScaling: InputScaling;
  readonly dataset: {
    readonly name: string;
    readonly task: Task;
    readonly inputSize: number;
    readonly outputSize: number;
    readonly trainCount: number;
    readonly testCount: number;
  };
  /** Everything the engine changed or assumed that a person should be told. */
  readonly notes: readonly string[];
}

export interface ExperimentOptions {
  /** Where the prepared MNIST files are read from (needed for data=mnist). */
  readonly dataSource?: ByteSource;
  /** Use this dataset instead of the one config.data names. */
  readonly dataset?: Dataset;
  readonly teacher?: Partial<TeacherOptions>;
  /** Held-out examples used by evaluate() (the first ones of the test split); default 1000. */
  readonly evalExamples?: number;
  readonly drawCache?: UnitDrawCache;
  /**
   * Refuse, before drawing anything, runs over this budget (memory, seconds per step, seconds to
   * build) with a BudgetRefusal that carries the nearest configuration within it.
   */
  readonly budget?: Budget;
  /** The backend the budget predicts for; default: the active tfjs backend's table. */
  readonly backendFacts?: BackendFacts;
  /** Default: the faster one on the active tfjs backend (preferredFormulation). */
  readonly formulation?: Formulation;
  /**
   * Called after each layer's draws, and between slices of a layer's orthogonal factor (every
   * eight columns of its QR: an N = 2048 factor takes seconds), with the layers done so far. When
   * it returns a promise the build waits for it: the caller can let other work run there, and
   * abandon the build by rejecting it.
   */
  readonly onProgress?: (layersDone: number, layerCount: number) => void | Promise<void>;
  /**
   * The runs to train, each with its own init, seed and learning rate, stacked in one program (a
   * sweep's η grid costs FLOPs, not dispatches); default: planRuns(config), all at config.lr. The
   * config's init and seeds are then not used; its seed still orders the minibatches.
   */
  readonly runs?: readonly RunSpec[];
}

export interface Experiment {
  readonly config: LabConfig;
  readonly runs: readonly RunInfo[];
  readonly info: ExperimentInfo;
  readonly stepsDone: number;
  status(): RunStatus[];
  /** One optimizer step of every run; one device read. */
  step(): Promise<StepResult>;
  /** Held-out loss (and accuracy) of every run; one device read. */
  evaluate(): Promise<EvalResult>;
  /** Mean squared pre-activation q^l of every hidden layer, per run, on held-out inputs. */
  signal(): Promise<Float32Array[]>;
  /**
   * Singular values of each run's input–output Jacobian over its square hidden layers (depth L
   * when n0 = N, else L − 1: see jacobianLayers), at the fixed-point probe (default) or a held-out
   * example. One stacked tfjs program, then a Float64 SVD per run on the host (O(N³) each).
   */
  jacobianSpectrum(options?: JacobianOptions): Promise<JacobianSpectrum[]>;
  /** Singular values of every hidden W^l of every run, summarized, and its distance from orthogonality. */
  weightSpectra(options?: WeightSpectraOptions): Promise<WeightSpectra[]>;
  /** ‖∂loss/∂h^l‖ and ‖∂loss/∂W^l‖ per run and hidden layer, on the held-out inputs signal() uses. */
  gradientNorms(): Promise<GradientNorms[]>;
  /**
   * The parameters as they are now, copied aside, to be measured (signal, spectra, gradient
   * norms) while training goes on; dispose() it when done.
   */
  freeze(): NetworkMeasurements;
  dispose(): void;
}

async function resolveDataset(config: LabConfig, options: ExperimentOptions): Promise<Dataset> {
  const whole = await wholeDataset(config, options);
  return config.ntrain > 0 ? trainingSubset(whole, config.ntrain) : whole;
}

async function wholeDataset(config: LabConfig, options: ExperimentOptions): Promise<Dataset> {
  if (options.dataset) return options.dataset;
  if (config.data === 'teacher')
    return teacherDataset(config.seed, { inputSize: config.dim, ...options.teacher });
  if (!options.dataSource)
    throw new Error('data=mnist needs options.dataSource to read the prepared MNIST files');
  return mnistDataset(await loadMnist(options.dataSource));
}

/**
 * Builds the stacked networks of `config` (all inits × seeds) and their optimizer on the current
 * tfjs backend (the caller chooses it with tf.setBackend).
 */
export async function createExperiment(
  config: LabConfig,
  options: ExperimentOptions = {},
): Promise<Experiment> {
  const runs = resolveRuns(config, options.runs);
  refuseOverBudget(config, runs, options);
  const dataset = await resolveDataset(config, options);
  const cache = options.drawCache ?? sharedDrawCache;
  const notes: string[] = [];
  const scaling = inputScaling(config.act, config.sw2, config.sb2);
  notes.push(scaling.note);
  const batchSize = Math.min(config.bs, dataset.trainCount);
  if (batchSize < config.bs) notes.push(`batch size reduced to the ${dataset.trainCount} training examples`);
  const evalExamples = Math.min(options.evalExamples ?? 1000, dataset.testCount);
  if (config.arch === 'rnn')
    return createRnnExperiment(
      { config, runs, dataset, scaling, cache, notes, onProgress: options.onProgress },
      (trainer) =>
        new StackedExperiment(config, runs, dataset, scaling, batchSize, evalExamples, notes, trainer),
    );

  const shapes = mlpLayerShapes(config, dataset.inputSize, dataset.outputSize);
  const progress = options.onProgress;
  const inits: LayerInit[] = [];
  for (const [index, shape] of shapes.entries()) {
    const perRun: InitialLayer[] = [];
    for (const run of runs) {
      const steps = initialLayerSteps(
        cache,
        run.init,
        config,
        run.seed,
        shape.key,
        shape.fanIn,
        shape.fanOut,
      );
      for (;;) {
        const next = steps.next();
        if (next.done) {
          perRun.push(next.value);
          break;
        }
        if (progress) await progress(index, shapes.length);
      }
    }
    if (progress) await progress(index + 1, shapes.length);
    inits.push({
      fanIn: shape.fanIn,
      fanOut: shape.fanOut,
      // The forward gains depend on the parameterization only, not on the init, so one per layer
      // serves all runs; the init's scale is already in each run's stored weights.
      scaling: perRun[0]!.scaling,
      weights: perRun.map((p) => p.weights),
      biases: perRun.map((p) => p.biases),
    });
  }
  const formulation = options.formulation ?? preferredFormulation(tf.getBackend());
  const rates = runs.map((run) => run.lr);
  // Under stiefel and oblique the networks start on their constraint set (constrainInits).
  const start = await constrainInits(inits, config);
  // mirror=1: every run is f = (g_a − g_b)/√2 of two copies of this init (mirror.ts).
  const mirrored = config.mirror === '1';
  if (mirrored)
    notes.push(
      'mirrored: each run is (g_a − g_b)/√2 of two copies of its init (output 0 at init, the same tangent kernel; twice the parameters and work); signal, Jacobian, weight spectra and gradient norms are of copy a',
    );
  const trainer: Trainer =
    formulation === 'per-run'
      ? new PerRunTrainer(runs.length, config.act, start, config.opt, rates, config, mirrored)
      : new StackedTrainer(runs.length, config.act, start, config.opt, rates, config, mirrored);
  return new StackedExperiment(config, runs, dataset, scaling, batchSize, evalExamples, notes, trainer);
}

/** Throws a BudgetRefusal (what does not fit, and the nearest configuration that does) before any draw. */
function refuseOverBudget(config: LabConfig, runs: readonly RunInfo[], options: ExperimentOptions): void {
  if (!options.budget) return;
  const facts = options.backendFacts ?? { backend: backendKind(tf.getBackend()) };
  const refusal = refuse(options.runs ? costConfigOf(config, runs) : config, facts, options.budget);
  if (refusal) throw new BudgetRefusal(refusal);
}

class StackedExperiment implements Experiment {
  readonly info: ExperimentInfo;
  private readonly order: BatchOrder;
  private readonly divergedAt: (number | null)[];
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private steps = 0;
  private disposed = false;

  constructor(
    readonly config: LabConfig,
    readonly runs: readonly RunInfo[],
    private readonly dataset: Dataset,
    private readonly scaling: InputScaling,
    private readonly batchSize: number,
    private readonly evalExamples: number,
    notes: readonly string[],
    private readonly trainer: Trainer,
  ) {
    this.order = new BatchOrder(config.seed, dataset.trainCount, batchSize, dataset.trainChunkSize);
    this.divergedAt = runs.map(() => null);
    const rows = batchSize;
    this.x = new Float32Array(rows * dataset.inputSize);
    this.y = new Float32Array(rows * dataset.outputSize);

    // Every cost but the parameter count is the same for each run: one run's (both copies of a
    // mirrored one, estimateCost counts them), times the runs.
    const cost = estimateCost(
      { ...config, bs: batchSize, init: 'gaussian', seeds: 1 },
      { inputSize: dataset.inputSize, outputSize: dataset.outputSize },
    );
    this.info = {
      parameterCount: cost.parameterCount,
      runCount: runs.length,
      flopsPerStep: cost.flopsPerStep * runs.length,
      memoryBytes: cost.memoryBytes * runs.length,
      batchSize,
      evalExamples,
      formulation: trainer.formulation,
      inputScaling: scaling,
      dataset: {
        name: dataset.name,
        task: dataset.task,
        inputSize: dataset.inputSize,
        outputSize: dataset.outputSize,
        trainCount: dataset.trainCount,
        testCount: dataset.testCount,
      },
      notes,
    };
  }

  get stepsDone(): number {
    return this.steps;
  }

  status(): RunStatus[] {
    return this.runs.map((run) => {
      const at = this.divergedAt[run.runId] ?? null;
      return {
        ...run,
        diverged: at !== null,
        divergedAtStep: at,
        lastFiniteStep: at === null ? this.steps : at - 1,
      };
    });
  }

  async step(): Promise<StepResult> {
    this.assertLive();
    const { dataset, batchSize: batch } = this;
    const indices = this.order.indices(this.steps);
    // A dataset that streams in (MNIST's later chunks) may not have this batch yet: rarely, and
    // only early on, since the first chunk is what the first steps draw from.
    if (dataset.ensureTrain) await dataset.ensureTrain(indices);
    dataset.fillTrain(indices, this.scaling.scale, this.x, this.y);
    const x = tf.tensor2d(this.x.subarray(0, batch * dataset.inputSize), [batch, dataset.inputSize]);
    const y = tf.tensor2d(this.y.subarray(0, batch * dataset.outputSize), [batch, dataset.outputSize]);
    const lossTensor = this.trainer.trainStep(dataset.task, x, y);
    x.dispose();
    y.dispose();
    const values = (await lossTensor.data()) as Float32Array;
    lossTensor.dispose();
    this.steps += 1;
    const newlyDiverged: number[] = [];
    values.forEach((value, r) => {
      if (this.divergedAt[r] !== null) values[r] = NaN;
      else if (!Number.isFinite(value)) {
        this.divergedAt[r] = this.steps;
        newlyDiverged.push(r);
      }
    });
    // From the next step on, diverged runs are frozen (their update selected away).
    if (newlyDiverged.length > 0) this.trainer.setLiveRuns(this.divergedAt.map((at) => at === null));
    return { step: this.steps, loss: values, newlyDiverged };
  }

  evaluate(): Promise<EvalResult> {
    return this.measureNow(async (m) => {
      // Chunks whose activations stay within EVAL_CHUNK_BYTES (budget.ts counts them so).
      const evaluation = m.evaluation(this.evalExamples, memoryBoundChunk(this.config));
      try {
        return await evaluation.result();
      } finally {
        evaluation.dispose();
      }
    });
  }

  signal(): Promise<Float32Array[]> {
    return this.measureNow((m) => m.signal());
  }

  jacobianSpectrum(options: JacobianOptions = {}): Promise<JacobianSpectrum[]> {
    return this.measureNow((m) => m.jacobianSpectrum(options));
  }

  weightSpectra(options: WeightSpectraOptions = {}): Promise<WeightSpectra[]> {
    return this.measureNow((m) => m.weightSpectra(options));
  }

  gradientNorms(): Promise<GradientNorms[]> {
    return this.measureNow((m) => m.gradientNorms());
  }

  freeze(): NetworkMeasurements {
    this.assertLive();
    return new NetworkMeasurements(this.steps, this.trainer.freeze(), this.measurementContext());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.trainer.dispose();
  }

  private async measureNow<T>(measure: (measurements: NetworkMeasurements) => Promise<T>): Promise<T> {
    this.assertLive();
    const measurements = this.freeze();
    try {
      return await measure(measurements);
    } finally {
      measurements.dispose();
    }
  }

  private measurementContext(): MeasurementContext {
    return {
      config: this.config,
      runs: this.runs,
      dataset: this.dataset,
      scaling: this.scaling,
      diverged: this.divergedAt.map((at) => at !== null),
    };
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('experiment used after dispose()');
  }
}
