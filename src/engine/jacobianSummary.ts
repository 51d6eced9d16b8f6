// No tfjs here: the theory worker draws extra networks at initialization with these (jacobianDraws.ts).
import type { InitKind } from './init.ts';
import { RandomStream } from './random.ts';
import type { RunInfo } from './runs.ts';

/**
 * Where the Jacobian is evaluated. 'fixed-point': the first pre-activation of the product is drawn
 * h ~ N(0, q I_N) with q = q* (Pennington et al. 2017), so every layer of J sits at the fixed point
 * the theory assumes. 'data': a held-out example of the dataset, scaled as in training.
 */
export type JacobianProbe = 'fixed-point' | 'data';

/** The moments of the eigenvalues σ² of JJᵀ that the spectrum panel compares with theory. */
export interface SpectrumSummary {
  /** Mean eigenvalue of JJᵀ, (1/N) Σ σ_i² (theory: χ₁^L). */
  readonly meanSq: number;
  readonly logMeanSq: number;
  /** Variance of the eigenvalues of JJᵀ, (1/N) Σ (σ_i² − meanSq)². */
  readonly variance: number;
  readonly logVariance: number;
  readonly sMax: number;
  /** σ_max/σ_min (Infinity when J is singular to working precision). */
  readonly conditionNumber: number;
}

/**
 * The spectrum of one run's input–output Jacobian J = D^L W^L ··· D^{l₀} W^{l₀} (see
 * `jacobianLayers` for l₀). Singular values beyond the Float64 range come out as Infinity or 0 in
 * `singularValues`; `logSingularValues` holds them all.
 */
export interface JacobianSpectrum extends SpectrumSummary {
  readonly runId: number;
  readonly init: InitKind;
  readonly seed: number;
  readonly probe: JacobianProbe;
  /** Number of factors D^l W^l in J: the depth to compare with theory. */
  readonly depth: number;
  /** Hidden layer (1-based, as in h^l) of the first factor D^{l₀} W^{l₀}. */
  readonly firstLayer: number;
  /** Mean of (h^{l₀})² over the units at the probe (q* for the fixed-point probe). */
  readonly probeVariance: number;
  /** J = exp(logScale)·J̃ with ‖J̃‖_F = 1 (natural log). */
  readonly logScale: number;
  /** N values, descending. */
  readonly singularValues: Float64Array;
  /** Natural logs of the singular values, descending (−Infinity for exact zeros). */
  readonly logSingularValues: Float64Array;
}

/**
 * The unit-variance draw z of the fixed-point probe h = √q·z of the network with this seed: twins
 * (same seed, other init) share it, and an extra network drawn with a seed gets that seed's probe.
 */
export function fixedPointProbeDraw(seed: number, width: number): Float64Array {
  return new RandomStream(seed, 'jacobian-probe', width).fillNormal(new Float64Array(width));
}

/**
 * Summaries of σ = exp(logScale)·σ̃ from the singular values σ̃ of J̃ (descending), computed from
 * σ̃ and logs so that nothing overflows on the way.
 */
export function summarizeScaled(logScale: number, scaledValues: Float64Array): SpectrumSummary {
  const n = scaledValues.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scaledValues[i]! ** 2;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (scaledValues[i]! ** 2 - mean) ** 2;
  const logMeanSq = 2 * logScale + Math.log(mean);
  const logVariance = 4 * logScale + Math.log(squares / n);
  return {
    meanSq: Math.exp(logMeanSq),
    logMeanSq,
    variance: Math.exp(logVariance),
    logVariance,
    sMax: n > 0 ? Math.exp(logScale + Math.log(scaledValues[0]!)) : NaN,
    conditionNumber: n > 0 ? scaledValues[0]! / scaledValues[n - 1]! : NaN,
  };
}

/** A run's spectrum from the singular values σ̃ of J̃ and its log scale. */
export function spectrumFromScaled(
  run: RunInfo,
  probe: JacobianProbe,
  depth: number,
  firstLayer: number,
  probeVariance: number,
  logScale: number,
  scaledValues: Float64Array,
): JacobianSpectrum {
  const n = scaledValues.length;
  const logSingularValues = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    logSingularValues[i] = logScale + Math.log(scaledValues[i]!);
    values[i] = Math.exp(logSingularValues[i]!);
  }
  return {
    runId: run.runId,
    init: run.init,
    seed: run.seed,
    probe,
    depth,
    firstLayer,
    probeVariance,
    logScale,
    singularValues: values,
    logSingularValues,
    ...summarizeScaled(logScale, scaledValues),
  };
}
