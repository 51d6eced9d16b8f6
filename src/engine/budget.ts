/**
 * What a configuration will cost before a single weight is drawn (memory, seconds per training
 * step, seconds to draw and build the networks, the size of a measurement slice), and the budget
 * the page and the CLI keep: a request over it is refused with the nearest configuration within
 * it. No tfjs here: the page's cost readout uses the same module as the worker and the CLI.
 *
 * The time model is a table per backend (conservative figures from this project's benchmark and
 * from a two-core machine under load), optionally scaled by one measured step:
 *   step  = flopsPerStep / throughput + (L + 1) · (runs, on the per-run CPU backends) · perLayer
 *   build = per layer and seed: the Gaussian draw (≈ 50 ns a number) and, for orthogonal runs, its
 *           Householder QR (≈ 3 ns · m·n², measured 1.4–1.6 ns), then the variables (≈ 0.5 ms a
 *           layer and run) and the upload of the weights.
 * Deep narrow networks are dominated by the per-layer term (kernel dispatches: 0.15 ms a layer
 * and run on WASM, whatever the width), wide ones by the FLOPs.
 */
import type { LabConfig } from '../config/schema.ts';
import { datasetShape, estimateCost, squareHiddenLayers } from './cost.ts';
import { SLOT_COUNT } from './optimizerSlots.ts';
import { planRuns } from './runs.ts';
import { rnnShape } from './rnn/rnnCost.ts';

/** The parameters that decide what the runs cost. */
export type CostConfig = Pick<LabConfig, 'L' | 'N' | 'bs' | 'opt' | 'init' | 'seeds' | 'seed' | 'data'> &
  Partial<Pick<LabConfig, 'arch' | 'mirror' | 'dim' | 'orth'>>;

/** The tfjs backends the lab trains on (the worker's BackendName). */
export type BackendKind = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_KINDS: readonly BackendKind[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendSpeed {
  /** Sustained matMul throughput of a training step, FLOP/s (2 per multiply–add). */
  readonly flopsPerSecond: number;
  /** Fixed seconds per layer of a training step (kernel dispatches, small element-wise kernels). */
  readonly layerSeconds: number;
  /**
   * Whether every run is its own chain of kernels (the per-run formulation of the CPU backends),
   * so that the per-layer cost grows with the runs; on GPUs all runs are one stacked program.
   */
  readonly perRun: boolean;
}

/**
 * Conservative speeds when nothing was measured. WASM: 10–20 GFLOP/s in the benchmark on two
 * cores, 5–15 under load, 0.15 ms a layer and run at any width. Plain JavaScript: about 0.5
 * GFLOP/s. GPUs: a modest one; a software GPU (SwiftShader) is far slower (0.2 GFLOP/s, 40 ms a
 * layer) and has a table of its own.
 */
export const BACKEND_SPEED: Readonly<Record<BackendKind, BackendSpeed>> = {
  wasm: { flopsPerSecond: 8e9, layerSeconds: 0.15e-3, perRun: true },
  cpu: { flopsPerSecond: 0.5e9, layerSeconds: 0.4e-3, perRun: true },
  webgl: { flopsPerSecond: 2e9, layerSeconds: 2e-3, perRun: false },
  webgpu: { flopsPerSecond: 2e9, layerSeconds: 2e-3, perRun: false },
};
export const SOFTWARE_GPU_SPEED: BackendSpeed = { flopsPerSecond: 0.2e9, layerSeconds: 40e-3, perRun: false };

/** Fixed seconds of a training step whatever its size (batch upload, loss read-back). */
const STEP_SECONDS = 2e-3;
/** A forward pass costs about this share of a step's per-layer cost (no backward, no update). */
const FORWARD_LAYER_SHARE = 0.6;
/** Host work of the build (JavaScript, one core): see the module comment. */
const NORMAL_DRAW_SECONDS = 50e-9;
const HAAR_SECONDS_PER_MN2 = 3e-9;
const COPY_SECONDS_PER_FLOAT = 5e-9;
const VARIABLE_SECONDS = 0.5e-3;
const UPLOAD_SECONDS_PER_BYTE = 1e-9;
/** The host SVD of a Jacobian: ≈ 2.2·10⁻⁹ s·N³ measured, doubled. */
export const SVD_SECONDS_PER_N3 = 4.4e-9;
/** A measured step scales the table by at most this factor either way… */
const MAX_CALIBRATION = 10;
/**
 * …and only when it is off by more than this factor: within it the table stands (a busier machine
 * should not turn a link accepted at load into one refused at Reset), beyond it (a real GPU, a
 * software one) the measurement wins.
 */
const CALIBRATION_DEAD_BAND = 2;

/** Held-out examples in one evaluation chunk at most (the engine's EVAL_CHUNK). */
export const MAX_EVAL_CHUNK = 250;
/** Held-out examples of signal propagation and gradient norms (the engine's SIGNAL_EXAMPLES). */
export const SIGNAL_EXAMPLES = 64;
/** An evaluation chunk keeps every layer's activations until it ends: at most this much of them. */
export const EVAL_CHUNK_BYTES = 64 * 2 ** 20;
/** A measurement slice (an evaluation chunk) should take about this long at most… */
export const SLICE_SECONDS = 0.1;
/** …unless the fixed per-layer cost alone is near that; then at most this many times that cost. */
const SLICE_OVER_FIXED = 2;
/** Pending measurements keep the weights of their step; weight slices are cached up to this size. */
const WEIGHT_SLICES_MAX_BYTES = 64 * 2 ** 20;
/** Floats a forward pass keeps per hidden unit and example, and a forward and backward pass. */
const FORWARD_FLOATS_PER_UNIT = 4;
const BACKWARD_FLOATS_PER_UNIT = 8;
/** The shared draw cache holds at most this many bytes of unit draws (drawCache.ts). */
const DRAW_CACHE_BYTES = 512 * 2 ** 20;

/** What is known about the backend the runs will train on. */
export interface BackendFacts {
  readonly backend: BackendKind;
  /** A software GPU (SwiftShader, llvmpipe): its own, much slower table. */
  readonly software?: boolean;
  /**
   * One measured training step (auto selection times one of the configuration; the worker times
   * those it trains): where the table is off by more than 2×, it is scaled so that it predicts
   * it, by at most 10× either way.
   */
  readonly measured?: MeasuredStep | null;
}

export interface MeasuredStep {
  readonly config: CostConfig;
  readonly seconds: number;
}

export interface Budget {
  /** Tensors, the weights as drawn on the host, and the draw cache, at their peak. */
  readonly memoryBytes: number;
  /**
   * One training step: it cannot be interrupted, so Pause and Reset are answered within it.
   */
  readonly stepSeconds: number;
  /** Drawing the weights and building the networks (interruptible, with progress). */
  readonly buildSeconds: number;
}

/**
 * The lab's budget. Memory: 1.5 GiB, under what a browser tab (and WASM's 2–4 GiB heap) survives.
 * A step of at most 2 s: training cannot be interrupted within a step, so this is the longest
 * Pause or Reset may wait for the worker; at the largest depth, L = 1000 at the default width
 * N = 128, the Gaussian/orthogonal twins take 1.2–1.4 s a step on WASM on two cores and stay in.
 * A build of at most 60 s: building shows progress and is abandoned at once on Reset, so the limit
 * is patience, not responsiveness (L = 1000 at N = 128 draws in 6–8 s).
 */
export const DEFAULT_BUDGET: Budget = { memoryBytes: 1.5 * 2 ** 30, stepSeconds: 2, buildSeconds: 60 };

export interface Prediction {
  readonly runCount: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  /** Peak bytes: max of building (host weights + tensors) and training with measurements pending. */
  readonly memoryBytes: number;
  readonly stepSeconds: number;
  readonly buildSeconds: number;
  /** Held-out examples per evaluation slice: within SLICE_SECONDS (or twice the fixed cost) and EVAL_CHUNK_BYTES. */
  readonly evaluationChunk: number;
  /** Seconds of one evaluation slice of `evaluationChunk` examples… */
  readonly evaluationSliceSeconds: number;
  /** …of which this much whatever the number of examples (the per-layer cost of a forward pass). */
  readonly forwardFixedSeconds: number;
  /** Seconds of one Jacobian spectrum (the product on the backend, then the host SVD). */
  readonly spectrumSeconds: number;
  /** The factor a measured step put on the table (1: table only). */
  readonly calibration: number;
}

interface Shape {
  readonly runs: number;
  readonly seeds: number;
  readonly orthogonal: boolean;
  readonly inputSize: number;
  readonly outputSize: number;
  /** Weights of one run, and hidden units of one run. */
  readonly weights: number;
  readonly units: number;
  /** (fanIn, fanOut) of every weight matrix. */
  readonly layers: readonly (readonly [number, number])[];
  /**
   * Kernels run one after the other in a step, in layers: L + 1 for an MLP, the T time steps and
   * the input and readout products for the recurrent network (arch=rnn).
   */
  readonly sequentialLayers: number;
  /** Hidden layers whose Jacobian a spectrum multiplies (none for the recurrent network). */
  readonly jacobianLayers: number;
}

function shapeOf(config: CostConfig): Shape {
  const { inputSize, outputSize } = datasetShape(config);
  // A mirrored run trains two networks (copies a and b of mirror.ts), as two runs would.
  const runs = planRuns(config).length * (config.mirror === '1' && config.arch !== 'rnn' ? 2 : 1);
  if (config.arch === 'rnn') {
    // `weights` as multiply–adds per example (6·B·weights FLOPs a step), `units` as the floats of
    // the T hidden states per example: the terms below then count the recurrence and its states.
    const rnn = rnnShape(config.N, outputSize);
    return {
      runs,
      seeds: config.seeds,
      orthogonal: config.init !== 'gaussian',
      inputSize,
      outputSize,
      weights: rnn.forwardMultiplyAdds,
      units: rnn.sequence.steps * config.N + outputSize,
      layers: rnn.matrices,
      sequentialLayers: rnn.sequence.steps + 2,
      jacobianLayers: 0,
    };
  }
  const layers: [number, number][] = [];
  let fanIn = inputSize;
  for (let l = 0; l < config.L; l++) {
    layers.push([fanIn, config.N]);
    fanIn = config.N;
  }
  layers.push([fanIn, outputSize]);
  return {
    runs,
    seeds: config.seeds,
    orthogonal: config.init !== 'gaussian',
    inputSize,
    outputSize,
    weights: layers.reduce((sum, [a, b]) => sum + a * b, 0),
    units: config.L * config.N + outputSize,
    layers,
    sequentialLayers: config.L + 1,
    jacobianLayers: squareHiddenLayers(config),
  };
}

function speedOf(facts: BackendFacts): BackendSpeed {
  const table = BACKEND_SPEED[facts.backend];
  return facts.software && !table.perRun ? SOFTWARE_GPU_SPEED : table;
}

/** The table's seconds per training step. */
function tableStepSeconds(config: CostConfig, speed: BackendSpeed): number {
  const shape = shapeOf(config);
  const flops = 6 * config.bs * shape.weights * shape.runs;
  const dispatches = shape.sequentialLayers * (speed.perRun ? shape.runs : 1);
  return flops / speed.flopsPerSecond + dispatches * speed.layerSeconds + STEP_SECONDS;
}

/**
 * The factor that makes the table predict the measured step, within [1/10, 10]; 1 when the table
 * is within a factor of 2 of it.
 */
export function calibrationOf(facts: BackendFacts): number {
  const measured = facts.measured;
  if (!measured || !(measured.seconds > 0)) return 1;
  const ratio = measured.seconds / tableStepSeconds(measured.config, speedOf(facts));
  if (ratio >= 1 / CALIBRATION_DEAD_BAND && ratio <= CALIBRATION_DEAD_BAND) return 1;
  return Math.min(MAX_CALIBRATION, Math.max(1 / MAX_CALIBRATION, ratio));
}

/** Seconds of one forward pass of every run over `examples` held-out examples. */
function forwardSeconds(shape: Shape, config: CostConfig, speed: BackendSpeed, examples: number): number {
  const dispatches = shape.sequentialLayers * (speed.perRun ? shape.runs : 1);
  const fixed = FORWARD_LAYER_SHARE * dispatches * speed.layerSeconds;
  return fixed + (2 * examples * shape.weights * shape.runs) / speed.flopsPerSecond;
}

/** Bytes of the activations an evaluation of `examples` keeps until it ends, all runs. */
function evaluationBytes(shape: Shape, examples: number): number {
  // The inputs and their transpose, and per run and layer the product, pre-activation and
  // activation (measured: 3.3 floats per unit on the cpu backend; 4 counted).
  return 4 * examples * (2 * shape.inputSize + shape.runs * FORWARD_FLOATS_PER_UNIT * shape.units);
}

/** Examples per evaluation chunk that fit EVAL_CHUNK_BYTES (between 1 and MAX_EVAL_CHUNK). */
export function memoryBoundChunk(config: CostConfig): number {
  const perExample = evaluationBytes(shapeOf(config), 1);
  return Math.max(1, Math.min(MAX_EVAL_CHUNK, Math.floor(EVAL_CHUNK_BYTES / perExample)));
}

/** Everything the budget looks at, for `config` on the backend `facts` describe. */
export function predict(config: CostConfig, facts: BackendFacts): Prediction {
  const shape = shapeOf(config);
  const speed = speedOf(facts);
  const calibration = calibrationOf(facts);
  const cost = estimateCost(config);
  const slots = SLOT_COUNT[config.opt];
  const parameterBytes = 4 * shape.runs * cost.parameterCount;

  // Time.
  const stepSeconds = calibration * tableStepSeconds(config, speed);
  let drawSeconds = 0;
  for (const [fanIn, fanOut] of shape.layers) {
    const m = Math.max(fanIn, fanOut);
    const n = Math.min(fanIn, fanOut);
    drawSeconds += shape.seeds * m * n * NORMAL_DRAW_SECONDS;
    if (shape.orthogonal) drawSeconds += shape.seeds * HAAR_SECONDS_PER_MN2 * m * n * n;
    drawSeconds += shape.runs * m * n * COPY_SECONDS_PER_FLOAT;
  }
  const buildSeconds =
    drawSeconds +
    shape.runs * shape.layers.length * VARIABLE_SECONDS +
    parameterBytes * UPLOAD_SECONDS_PER_BYTE;

  const fixedForward = calibration * forwardSeconds(shape, config, speed, 0);
  const perExample = calibration * forwardSeconds(shape, config, speed, 1) - fixedForward;
  const target = Math.max(SLICE_SECONDS, SLICE_OVER_FIXED * fixedForward);
  const timeBound = Math.floor((target - fixedForward) / perExample);
  const evaluationChunk = Math.max(1, Math.min(memoryBoundChunk(config), timeBound));
  const evaluationSliceSeconds = fixedForward + evaluationChunk * perExample;
  const n3 = config.N ** 3;
  const spectrumSeconds =
    shape.jacobianLayers === 0
      ? 0
      : (calibration * (shape.runs * shape.jacobianLayers * 2 * n3)) / speed.flopsPerSecond +
        shape.runs * SVD_SECONDS_PER_N3 * n3;

  // Memory. Building: every run's weights as drawn on the host, the tensors made from them, and
  // the draw cache. Training: parameters and optimizer state, the draw cache, what pending
  // measurements keep (the weights of their step, the stacked copy snapshots use and, up to
  // 64 MB, its per-run slices), and the largest transient of a step or a measurement slice. The
  // transients are counted for all runs at once (tfjs frees a run's tensors only when its step
  // ends), except gradient norms, which the per-run formulation takes one run per slice.
  const cacheBytes = Math.min(
    DRAW_CACHE_BYTES,
    4 * shape.seeds * shape.layers.reduce((sum, [a, b]) => sum + a * b + b, 0) * (shape.orthogonal ? 2 : 1),
  );
  const persistent = parameterBytes * (1 + slots);
  const building = parameterBytes + persistent + cacheBytes;
  const kept = parameterBytes * (2 + (parameterBytes <= WEIGHT_SLICES_MAX_BYTES ? 2 : 0));
  // Gradients, the new optimizer state and parameters, and the activations of forward and backward.
  const stepTransient =
    parameterBytes * (2 + slots) +
    4 * config.bs * (2 * shape.inputSize + shape.runs * BACKWARD_FLOATS_PER_UNIT * shape.units);
  const normRuns = speed.perRun ? 1 : shape.runs;
  const signalTransient = Math.max(
    4 * SIGNAL_EXAMPLES * (2 * shape.inputSize + shape.runs * FORWARD_FLOATS_PER_UNIT * shape.units),
    4 * SIGNAL_EXAMPLES * (2 * shape.inputSize + normRuns * BACKWARD_FLOATS_PER_UNIT * shape.units) +
      (2 * parameterBytes * normRuns) / shape.runs,
  );
  const jacobianTransient = shape.runs * config.N ** 2 * (4 * 4 + 8 * 3);
  const evaluationTransient =
    evaluationBytes(shape, memoryBoundChunk(config)) +
    4 * MAX_EVAL_CHUNK * (shape.inputSize + shape.outputSize);
  const training =
    persistent +
    cacheBytes +
    kept +
    Math.max(stepTransient, signalTransient, jacobianTransient, evaluationTransient);

  return {
    runCount: shape.runs,
    parameterCount: cost.parameterCount,
    flopsPerStep: cost.flopsPerStep,
    memoryBytes: Math.max(building, training),
    stepSeconds,
    buildSeconds,
    evaluationChunk,
    evaluationSliceSeconds,
    forwardFixedSeconds: fixedForward,
    spectrumSeconds,
    calibration,
  };
}

/** The parameters a refusal may lower, in the order it lowers them. */
export type SuggestedChange = Partial<Pick<LabConfig, 'seeds' | 'bs' | 'N' | 'L'>>;

export interface Refusal {
  /** What is over the budget, with the figures: "≈ 3.8 s per training step on wasm (budget 2 s)". */
  readonly reason: string;
  /** The nearest configuration within the budget: only the parameters that change. */
  readonly suggestion: SuggestedChange;
  /** False only when even the smallest configuration exceeds a (custom) budget. */
  readonly suggestionFits: boolean;
  /** One line for a person: the reason, the suggestion as link parameters, and why those. */
  readonly message: string;
  readonly prediction: Prediction;
}

/** The limits `prediction` exceeds, in words; empty when it is within the budget. */
export function overBudget(prediction: Prediction, budget: Budget, backend: string): string[] {
  const over: string[] = [];
  if (prediction.memoryBytes > budget.memoryBytes)
    over.push(
      `≈ ${formatBytes(prediction.memoryBytes)} of memory (budget ${formatBytes(budget.memoryBytes)})`,
    );
  if (prediction.stepSeconds > budget.stepSeconds)
    over.push(
      `≈ ${formatSeconds(prediction.stepSeconds)} per training step on ${backend} (budget ${formatSeconds(budget.stepSeconds)})`,
    );
  if (prediction.buildSeconds > budget.buildSeconds)
    over.push(
      `≈ ${formatSeconds(prediction.buildSeconds)} to draw the weights (budget ${formatSeconds(budget.buildSeconds)})`,
    );
  return over;
}

function fits(config: CostConfig, facts: BackendFacts, budget: Budget): boolean {
  return overBudget(predict(config, facts), budget, facts.backend).length === 0;
}

/** The largest value in [low, high] for which `ok` holds (ok is monotone: true up to some value), or null. */
function largest(low: number, high: number, ok: (value: number) => boolean): number | null {
  if (!ok(low)) return null;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Batch sizes above this are lowered to it before the network itself is touched. */
const USUAL_BATCH = 64;
/** Widths above this are lowered before the depth; below it (too few singular values to show a spectrum), after. */
const USUAL_MIN_WIDTH = 16;

type Stage = { readonly key: keyof SuggestedChange; readonly low: number; readonly high: number };

/**
 * The stages a suggestion lowers, least important first, each a range of one parameter:
 * 1. seeds (down to 1): more seeds only narrow the band around the mean; the comparison of
 *    Gaussian and orthogonal twins stands with one;
 * 2. the batch size, down to the default 64: larger batches only smooth the curves;
 * 3. the width N, down to 16: the networks keep their depth, which is what the lab is about (how
 *    signals and spectra behave over hundreds of layers);
 * 4. the depth L;
 * 5. the width below 16, then 6. the batch size below 64, as a last resort.
 */
function stagesOf(config: CostConfig): Stage[] {
  const bs = Math.min(config.bs, USUAL_BATCH);
  const width = Math.min(config.N, USUAL_MIN_WIDTH);
  return [
    { key: 'seeds', low: 1, high: config.seeds },
    { key: 'bs', low: bs, high: config.bs },
    { key: 'N', low: width, high: config.N },
    { key: 'L', low: 1, high: config.L },
    { key: 'N', low: 2, high: width },
    { key: 'bs', low: 1, high: bs },
  ];
}

/**
 * Null when `config` is within `budget` on this backend; otherwise why not, and the nearest
 * configuration that is: the stages of stagesOf are settled from the most important down, each
 * at the largest value that fits with every less important stage at its lowest, so that a less
 * important parameter is lowered first, and each only as far as needed. The suggestion is itself
 * within the budget (refuse() returns null for it) whenever the smallest networks are.
 */
export function refuse(
  config: CostConfig,
  facts: BackendFacts,
  budget: Budget = DEFAULT_BUDGET,
): Refusal | null {
  const prediction = predict(config, facts);
  const over = overBudget(prediction, budget, facts.backend);
  if (over.length === 0) return null;

  const stages = stagesOf(config);
  // Every stage at its lowest: the smallest configuration the suggestion may come to.
  const values = new Map<keyof SuggestedChange, number>();
  for (const { key, low } of stages) values.set(key, Math.min(low, values.get(key) ?? Infinity));
  const configWith = (changes: Map<keyof SuggestedChange, number>): CostConfig => ({
    ...config,
    ...Object.fromEntries(changes),
  });
  const suggestionFits = fits(configWith(values), facts, budget);
  if (suggestionFits) {
    for (let i = stages.length - 1; i >= 0; i--) {
      const { key, low, high } = stages[i]!;
      // The stage below (less important) of the same parameter starts where this one ends.
      if (values.get(key)! < low) continue;
      const trial = new Map(values);
      const best = largest(low, high, (v) => fits(configWith(trial.set(key, v)), facts, budget));
      values.set(key, best ?? low);
    }
  }
  const suggested = configWith(values);
  const suggestion: { -readonly [K in keyof SuggestedChange]: SuggestedChange[K] } = {};
  for (const key of ['seeds', 'bs', 'N', 'L'] as const)
    if (suggested[key] !== config[key]) suggestion[key] = suggested[key];
  const link = Object.entries(suggestion)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const message = suggestionFits
    ? `Refused before drawing anything: these runs would take ${over.join(' and ')}. ` +
      `Nearest within the budget: ${link} (lowered in this order: seeds, batch size, width, depth).`
    : `Refused before drawing anything: these runs would take ${over.join(' and ')}, ` +
      `and even the smallest networks (${link}) exceed this budget.`;
  return { reason: over.join('; '), suggestion, suggestionFits, message, prediction };
}

/** A configuration refused by the budget, as an error (createExperiment throws it). */
export class BudgetRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'BudgetRefusal';
  }
}

/** The budget with only its memory limit: auto selection's timed builds and the memory tests use it. */
export function memoryOnly(memoryBytes: number): Budget {
  return { memoryBytes, stepSeconds: Infinity, buildSeconds: Infinity };
}

/** The backend kind of a tfjs backend name, cpu for anything unknown (the slowest table). */
export function backendKind(name: string): BackendKind {
  return (BACKEND_KINDS as readonly string[]).includes(name) ? (name as BackendKind) : 'cpu';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 2 : 1)} GB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MB`;
  return `${Math.max(1, Math.round(bytes / 2 ** 10))} kB`;
}

export function formatSeconds(seconds: number): string {
  if (seconds >= 10) return `${Math.round(seconds)} s`;
  if (seconds >= 1) return `${seconds.toFixed(1)} s`;
  return `${Math.max(1, Math.round(seconds * 1000))} ms`;
}
