import * as tf from '@tensorflow/tfjs-core';
import type { LabConfig } from '../config/schema.ts';
import { BatchOrder } from './data/batchOrder.ts';
import type { ByteSource, Dataset, Task } from './data/dataset.ts';
import { loadMnist, mnistDataset } from './data/mnist.ts';
import { teacherDataset, type TeacherOptions } from './data/teacher.ts';
import { sharedDrawCache, type LayerKey, type UnitDrawCache } from './drawCache.ts';
import { initialLayer } from './init.ts';
import { inputScaling, type InputScaling } from './inputScaling.ts';
import { lossGradient, perRunCorrect, perRunLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { MaskedOptimizer } from './optimizer.ts';
import { planRuns, type RunInfo } from './runs.ts';
import { estimateCost, widestFeasibleWidth } from './cost.ts';
import { gradientNorms, type GradientNorms } from './gradientNorms.ts';
import {
  accumulateJacobian,
  fixedPointProbe,
  jacobianLayers,
  jacobianSpectra,
  type JacobianOptions,
  type JacobianSpectrum,
} from './jacobian.ts';
import { weightSpectra, type WeightSpectra, type WeightSpectraOptions } from './weightSpectra.ts';

export { planRuns, type RunInfo };

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

export interface EvalResult {
  /** Steps taken when evaluated. */
  readonly step: number;
  /** Per-run mean loss on the held-out examples; NaN for diverged runs. */
  readonly loss: Float32Array;
  /** Per-run fraction classified correctly; null for regression. */
  readonly accuracy: Float32Array | null;
  readonly examples: number;
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
  /** Refuse, before drawing anything, runs whose tensors would need more than this. */
  readonly memoryBudgetBytes?: number;
  /** Called after each layer's unit draws are ready (orthogonal factors of new shapes take O(N³)). */
  readonly onProgress?: (layersDone: number, layerCount: number) => void;
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
  dispose(): void;
}

const EVAL_CHUNK = 250;
const SIGNAL_EXAMPLES = 256;

async function resolveDataset(config: LabConfig, options: ExperimentOptions): Promise<Dataset> {
  if (options.dataset) return options.dataset;
  if (config.data === 'teacher') return teacherDataset(config.seed, options.teacher);
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
  refuseIfTooLarge(config, options.memoryBudgetBytes ?? Infinity);
  const dataset = await resolveDataset(config, options);
  const cache = options.drawCache ?? sharedDrawCache;
  const runs = planRuns(config);
  const notes: string[] = [];
  const scaling = inputScaling(config.act, config.sw2, config.sb2);
  notes.push(scaling.note);
  const batchSize = Math.min(config.bs, dataset.trainCount);
  if (batchSize < config.bs) notes.push(`batch size reduced to the ${dataset.trainCount} training examples`);
  const evalExamples = Math.min(options.evalExamples ?? 1000, dataset.testCount);

  const shapes: { key: LayerKey; fanIn: number; fanOut: number }[] = [
    ...Array.from({ length: config.L }, (_, l) => ({
      key: l,
      fanIn: l === 0 ? dataset.inputSize : config.N,
      fanOut: config.N,
    })),
    { key: 'readout', fanIn: config.N, fanOut: dataset.outputSize },
  ];
  const inits: LayerInit[] = shapes.map((shape, index) => {
    const perRun = runs.map((run) =>
      initialLayer(cache, run.init, config, run.seed, shape.key, shape.fanIn, shape.fanOut),
    );
    options.onProgress?.(index + 1, shapes.length);
    return {
      fanIn: shape.fanIn,
      fanOut: shape.fanOut,
      // The forward gains depend on the parameterization only, not on the init, so one per layer
      // serves all runs; the init's scale is already in each run's stored weights.
      scaling: perRun[0]!.scaling,
      weights: perRun.map((p) => p.weights),
      biases: perRun.map((p) => p.biases),
    };
  });
  return new StackedExperiment(config, runs, dataset, scaling, batchSize, evalExamples, notes, inits);
}

/** Says what does not fit and the nearest size that does, instead of crashing the backend. */
function refuseIfTooLarge(config: LabConfig, budgetBytes: number): void {
  const needed = estimateCost(config).memoryBytes;
  if (needed <= budgetBytes) return;
  const gigabytes = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GB`;
  const width = widestFeasibleWidth(config, budgetBytes);
  throw new Error(
    `These runs need ≈ ${gigabytes(needed)} of tensors, more than the ${gigabytes(budgetBytes)} the lab allows: ` +
      (width >= 2 ? `at depth ${config.L} the widest that fits is N = ${width}` : `reduce the depth`) +
      ', or use fewer seeds.',
  );
}

class StackedExperiment implements Experiment {
  readonly info: ExperimentInfo;
  private readonly model: StackedModel;
  private readonly optimizer: MaskedOptimizer;
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
    inits: readonly LayerInit[],
  ) {
    const runCount = runs.length;
    this.model = new StackedModel(runCount, config.act, inits);
    this.optimizer = new MaskedOptimizer(config.opt, config.lr, this.model.parameters);
    this.order = new BatchOrder(config.seed, dataset.trainCount, batchSize);
    this.divergedAt = runs.map(() => null);
    const rows = Math.max(batchSize, EVAL_CHUNK, SIGNAL_EXAMPLES);
    this.x = new Float32Array(rows * dataset.inputSize);
    this.y = new Float32Array(rows * dataset.outputSize);

    const cost = estimateCost(
      { ...config, bs: batchSize },
      { inputSize: dataset.inputSize, outputSize: dataset.outputSize },
    );
    this.info = {
      parameterCount: cost.parameterCount,
      runCount: cost.runCount,
      flopsPerStep: cost.flopsPerStep,
      memoryBytes: cost.memoryBytes,
      batchSize,
      evalExamples,
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
    const { dataset, batchSize: batch, model } = this;
    dataset.fillTrain(this.order.indices(this.steps), this.scaling.scale, this.x, this.y);
    const lossTensor = tf.tidy(() => {
      const x = tf.tensor2d(this.x.subarray(0, batch * dataset.inputSize), [batch, dataset.inputSize]);
      const y = tf.tensor2d(this.y.subarray(0, batch * dataset.outputSize), [batch, dataset.outputSize]);
      const pass = model.forward(x);
      const losses = perRunLoss(dataset.task, pass.output, y);
      // The gradient of Σ_r loss_r: every op acts within one run's slice, so each run gets the
      // gradient it would get alone, and a run that turns NaN now spoils only its own slice.
      this.optimizer.apply(model.backward(pass, lossGradient(dataset.task, pass.output, y)));
      return losses;
    });
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
    if (newlyDiverged.length > 0) this.optimizer.setLiveRuns(this.divergedAt.map((at) => at === null));
    return { step: this.steps, loss: values, newlyDiverged };
  }

  async evaluate(): Promise<EvalResult> {
    this.assertLive();
    const { dataset, model, evalExamples } = this;
    const runCount = this.runs.length;
    let totals: tf.Tensor2D = tf.zeros([2, runCount]);
    for (let start = 0; start < evalExamples; start += EVAL_CHUNK) {
      const count = Math.min(EVAL_CHUNK, evalExamples - start);
      dataset.fillTest(start, count, this.scaling.scale, this.x, this.y);
      const next = tf.tidy(() => {
        const x = tf.tensor2d(this.x.subarray(0, count * dataset.inputSize), [count, dataset.inputSize]);
        const y = tf.tensor2d(this.y.subarray(0, count * dataset.outputSize), [count, dataset.outputSize]);
        const outputs = model.forward(x).output;
        const lossSum = tf.mul(perRunLoss(dataset.task, outputs, y), count);
        const correct = dataset.task === 'classification' ? perRunCorrect(outputs, y) : tf.zeros([runCount]);
        return tf.add(totals, tf.stack([lossSum, correct])) as tf.Tensor2D;
      });
      totals.dispose();
      totals = next;
    }
    const values = await totals.data();
    totals.dispose();
    const loss = new Float32Array(runCount);
    const accuracy = dataset.task === 'classification' ? new Float32Array(runCount) : null;
    for (let r = 0; r < runCount; r++) {
      const diverged = this.divergedAt[r] !== null;
      loss[r] = diverged ? NaN : values[r]! / evalExamples;
      if (accuracy) accuracy[r] = diverged ? NaN : values[runCount + r]! / evalExamples;
    }
    return { step: this.steps, loss, accuracy, examples: evalExamples };
  }

  async signal(): Promise<Float32Array[]> {
    this.assertLive();
    const { dataset, model } = this;
    const count = Math.min(SIGNAL_EXAMPLES, dataset.testCount);
    dataset.fillTest(0, count, this.scaling.scale, this.x, this.y);
    const stacked = tf.tidy(() => {
      const x = tf.tensor2d(this.x.subarray(0, count * dataset.inputSize), [count, dataset.inputSize]);
      const { preActivations } = model.forward(x);
      return tf.stack(
        preActivations.map((h) => tf.mean(tf.square(h), [1, 2])),
        1,
      );
    });
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const layers = this.config.L;
    return this.runs.map((run) => values.slice(run.runId * layers, (run.runId + 1) * layers));
  }

  async jacobianSpectrum(options: JacobianOptions = {}): Promise<JacobianSpectrum[]> {
    this.assertLive();
    const { dataset, model } = this;
    const probe = options.probe ?? 'fixed-point';
    const { first } = jacobianLayers(model);
    let h: tf.Tensor3D;
    if (probe === 'fixed-point') {
      h = fixedPointProbe(
        this.runs.map((run) => run.seed),
        this.config.N,
        this.scaling.q1,
      );
    } else {
      const example = options.example ?? 0;
      if (!Number.isInteger(example) || example < 0 || example >= dataset.testCount)
        throw new RangeError(`example ${example} is not in 0 … ${dataset.testCount - 1}`);
      dataset.fillTest(example, 1, this.scaling.scale, this.x, this.y);
      h = tf.tidy(() => {
        const x = tf.tensor2d(this.x.subarray(0, dataset.inputSize), [1, dataset.inputSize]);
        const pass = model.forward(x);
        return tf.clone(pass.preActivations[Math.min(first, pass.preActivations.length - 1)]!);
      });
    }
    try {
      return jacobianSpectra(await accumulateJacobian(model, h), this.runs, probe);
    } finally {
      h.dispose();
    }
  }

  async weightSpectra(options: WeightSpectraOptions = {}): Promise<WeightSpectra[]> {
    this.assertLive();
    return weightSpectra(this.model, this.runs, this.config.sw2, options);
  }

  async gradientNorms(): Promise<GradientNorms[]> {
    this.assertLive();
    const { dataset } = this;
    const count = Math.min(SIGNAL_EXAMPLES, dataset.testCount);
    dataset.fillTest(0, count, this.scaling.scale, this.x, this.y);
    const x = tf.tensor2d(this.x.subarray(0, count * dataset.inputSize), [count, dataset.inputSize]);
    const y = tf.tensor2d(this.y.subarray(0, count * dataset.outputSize), [count, dataset.outputSize]);
    try {
      return await gradientNorms(this.model, dataset.task, this.runs, x, y);
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
    this.optimizer.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('experiment used after dispose()');
  }
}
