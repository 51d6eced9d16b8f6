import * as tf from '@tensorflow/tfjs-core';
import { fisherFromKernel, fisherLossOf, type FisherCurvature, type FisherLoss } from './curvature.ts';
import { allOutputNtk } from './curvatureKernel.ts';
import type { Dataset } from './data/dataset.ts';
import type { InputScaling } from './inputScaling.ts';
import type { JacobianSpectrum } from './jacobian.ts';
import { mirroredKernels, mirroredOutputs } from './mirror.ts';
import type { StackedModel } from './model.ts';
import { ntkProbeInputs } from './ntk.ts';

export interface CurvatureOptions {
  /** Probe inputs D: the first D held-out examples, as the NTK takes them (≤ MAX_NTK_INPUTS). */
  readonly count: number;
  /** Also s²_max of each run's input–output Jacobian (at the fixed-point probe). */
  readonly jacobian?: boolean;
}

export interface CurvatureMeasurement {
  /** Per run, λ_max of the Fisher information at these parameters. */
  readonly lambdaMaxFisher: Float64Array;
  /** Per run, the largest squared singular value of the input–output Jacobian, when asked. */
  readonly sMaxSq: Float64Array | null;
  /** Which Fisher: the dataset's task decides (see fisherLossOf). */
  readonly loss: FisherLoss;
  /** Probe inputs actually used (D, at most the held-out set). */
  readonly count: number;
  /** Power-iteration products of the slowest run. */
  readonly iterations: number;
  /** Whether every finite run met the power iteration's tolerance (else its λ_max is a lower bound). */
  readonly converged: boolean;
}

/** What curvature needs from NetworkMeasurements (structural, to keep the import one-way). */
export interface CurvatureSource {
  model(): StackedModel;
  /** Mirrored runs: both copies, 2R networks (see FrozenNetworks.copies). */
  copies?(): StackedModel;
  jacobianSpectrum(): Promise<JacobianSpectrum[]>;
}

/**
 * λ_max(Fisher) of every run on the NTK's probe inputs (curvature.ts), of the mirrored function
 * where runs are mirrored, and s²_max of the
 * Jacobian that NetworkMeasurements.jacobianSpectrum measures (over the square hidden layers, at
 * the fixed-point probe), taken from its log so that depth cannot overflow it before squaring.
 */
export async function measureCurvature(
  source: CurvatureSource,
  dataset: Dataset,
  scaling: InputScaling,
  options: CurvatureOptions,
): Promise<CurvatureMeasurement> {
  const probe = ntkProbeInputs(dataset, scaling, options.count);
  const loss = fisherLossOf(dataset.task);
  const x = tf.tensor2d(probe.x, [probe.count, probe.inputSize]);
  let fisher: FisherCurvature;
  try {
    // Mirrored runs, f = (g_a − g_b)/√2: the kernel (Θ_a + Θ_b)/2 and outputs of f (mirror.ts).
    const copies = source.copies?.();
    const ntk = await allOutputNtk(copies ?? source.model(), x);
    fisher = fisherFromKernel(
      copies ? { ...ntk, kernels: mirroredKernels(ntk.kernels), outputs: mirroredOutputs(ntk.outputs) } : ntk,
      loss,
    );
  } finally {
    x.dispose();
  }
  let sMaxSq: Float64Array | null = null;
  if (options.jacobian) {
    sMaxSq = new Float64Array(fisher.lambdaMax.length).fill(NaN);
    for (const spectrum of await source.jacobianSpectrum())
      sMaxSq[spectrum.runId] = Math.exp(2 * spectrum.logSingularValues[0]!);
  }
  return {
    lambdaMaxFisher: fisher.lambdaMax,
    sMaxSq,
    loss,
    count: probe.count,
    iterations: fisher.iterations,
    converged: fisher.converged,
  };
}
