import type { LabConfig } from '../config/schema.ts';
import { DEFAULT_TEACHER } from './data/teacher.ts';
// No tfjs here: the page imports this module for its cost readout.
import { SLOT_COUNT } from './optimizerSlots.ts';
import { orthogonalityFlops } from './orthogonalityFlops.ts';
import { planRuns } from './runs.ts';
import { rnnOrthogonalityFlops, rnnShape } from './rnn/rnnCost.ts';

/** MNIST's 28 × 28 pixels and 10 classes; the teacher's input dimension d and single output. */
export function datasetShape(config: Pick<LabConfig, 'data'> & Partial<Pick<LabConfig, 'dim'>>): {
  inputSize: number;
  outputSize: number;
} {
  return config.data === 'mnist'
    ? { inputSize: 784, outputSize: 10 }
    : { inputSize: config.dim ?? DEFAULT_TEACHER.inputSize, outputSize: 1 };
}

/**
 * The hidden layers the Jacobian spectrum multiplies: the square ones (jacobian.ts,
 * jacobianLayers), so L when n0 = N and L − 1 otherwise (none for one layer on another width).
 */
export function squareHiddenLayers(
  config: Pick<LabConfig, 'L' | 'N' | 'data'> & Partial<Pick<LabConfig, 'dim'>>,
): number {
  return datasetShape(config).inputSize === config.N ? config.L : config.L - 1;
}

export interface RunCost {
  readonly runCount: number;
  /** Weights and biases of one run (both copies of a mirrored one). */
  readonly parameterCount: number;
  /**
   * 2 × multiply–adds of the matMuls of one step, all runs (backward ≈ 2 × forward), with those of
   * the `orth` option (orthogonalityFlops: Stiefel's retraction costs more than the step at B < N).
   */
  readonly flopsPerStep: number;
  /** Parameters, gradients, optimizer state and the activations kept for back-propagation. */
  readonly memoryBytes: number;
}

/** What the runs of `config` cost, known before a single weight is drawn. */
export function estimateCost(
  config: Pick<LabConfig, 'L' | 'N' | 'bs' | 'opt' | 'init' | 'seeds' | 'seed' | 'data'> &
    Partial<Pick<LabConfig, 'orth' | 'dim' | 'arch' | 'mirror'>>,
  shape = datasetShape(config),
): RunCost {
  const runCount = planRuns(config).length;
  // A mirrored run is two networks, copies a and b (mirror.ts): twice everything per run.
  const copies = config.mirror === '1' && config.arch !== 'rnn' ? 2 : 1;
  if (config.arch === 'rnn') {
    // Row-sequential MNIST through one recurrent layer; L is not used.
    const rnn = rnnShape(config.N, shape.outputSize);
    return {
      runCount,
      parameterCount: rnn.parameterCount,
      flopsPerStep:
        (6 * config.bs * rnn.forwardMultiplyAdds + rnnOrthogonalityFlops(config.orth ?? 'none', config.N)) *
        runCount,
      memoryBytes:
        4 *
        runCount *
        (rnn.parameterCount * (2 + SLOT_COUNT[config.opt]) + config.bs * rnn.stepFloatsPerExample),
    };
  }
  const widths = [shape.inputSize, ...Array.from({ length: config.L }, () => config.N), shape.outputSize];
  let weightCount = 0;
  let unitCount = 0;
  let orthogonality = 0;
  for (let l = 1; l < widths.length; l++) {
    weightCount += widths[l - 1]! * widths[l]!;
    unitCount += widths[l]!;
    // The hidden layers only: the readout (the last) is not constrained.
    if (l < widths.length - 1)
      orthogonality += orthogonalityFlops(config.orth ?? 'none', widths[l - 1]!, widths[l]!);
  }
  const parameterCount = weightCount + unitCount;
  const activationFloats = config.bs * (shape.inputSize + 2 * unitCount);
  return {
    runCount,
    parameterCount: parameterCount * copies,
    flopsPerStep: (6 * config.bs * weightCount + orthogonality) * runCount * copies,
    memoryBytes: 4 * runCount * copies * (parameterCount * (2 + SLOT_COUNT[config.opt]) + activationFloats),
  };
}

/**
 * The widest network at this depth whose tensors (this estimate) fit in `budgetBytes` (1 if none
 * does). Refusals use budget.ts, whose memory model adds the host draws and measurement buffers.
 */
export function widestFeasibleWidth(config: Parameters<typeof estimateCost>[0], budgetBytes: number): number {
  let lo = 1;
  let hi = config.N;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateCost({ ...config, N: mid }).memoryBytes <= budgetBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
