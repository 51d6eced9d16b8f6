/**
 * What measure=curvature and measure=weights take from a group's networks along training, at
 * step 0 and then at MEASUREMENTS evenly spaced steps, each on parameters frozen at that step.
 */
import type { Experiment } from '../engine/experiment.ts';
import type { WeightSpectra } from '../engine/weightSpectra.ts';
import { fixedPointQ } from '../theory/index.ts';
import type { LabConfig } from '../config/index.ts';
import type { SingularValueSeries, SweepMeasure } from './types.ts';

/**
 * Measurements along training after step 0: λ_max at D = 32 costs a few training steps' time at
 * L = 32 (the all-output kernel is (10·D)² per layer), so a dozen keep it a fraction of a run.
 */
export const MEASUREMENTS = 12;
/** Probe inputs of λ_max(Fisher) (Sokół & Park used the training batch; the NTK panel uses 32). */
export const CURVATURE_INPUTS = 32;

/**
 * Seconds per unit of (k·D)²·(n0 + L·N) per run for λ_max(Fisher): building the all-output kernel
 * dominates (curvature.ts), and `npm run bench -- --only curvature` measured 1.36 s for the default
 * link's two networks at D = 32 on WASM (k = 10, n0 = 784, L = 50, N = 128).
 */
const CURVATURE_SECONDS_PER_UNIT = 1.36 / (2 * (10 * 32) ** 2 * (784 + 50 * 128));

/** Predicted seconds of one λ_max(Fisher) of `runs` networks of this shape at D = CURVATURE_INPUTS. */
export function curvatureSeconds(
  shape: { inputSize: number; outputSize: number; L: number; N: number },
  runs: number,
): number {
  const rows = shape.outputSize * CURVATURE_INPUTS;
  return CURVATURE_SECONDS_PER_UNIT * runs * rows * rows * (shape.inputSize + shape.L * shape.N);
}

/** How many times measure=curvature takes λ_max in a run of `steps` steps (step 0 included). */
export function measurementCount(steps: number): number {
  const every = measureEvery(steps);
  // Step 0, every multiple of `every` up to `steps`, and `steps` itself when it is not one.
  return 1 + Math.floor(steps / every) + (steps % every === 0 ? 0 : 1);
}

/** Steps between two measurements along training. */
export function measureEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / MEASUREMENTS));
}

/** Per run: what the point gets, and the series its curve gets. */
export interface AlongTraining {
  readonly point: { lambdaMaxFisher?: number; sMaxSq?: number; qStar?: number | null };
  readonly curve: {
    curvatureSteps?: number[];
    lambdaMax?: number[];
    weightSteps?: number[];
    weightSv?: SingularValueSeries;
  };
}

/** Collects, per run, the measurements of one group. */
export class TrainingMeasurements {
  private readonly steps: number[] = [];
  private readonly lambdaMax: number[][];
  private readonly sMaxSq: number[] = [];
  private readonly weights: { mean: number[]; std: number[]; min: number[]; max: number[] }[];

  constructor(
    readonly measure: SweepMeasure,
    private readonly runCount: number,
  ) {
    this.lambdaMax = Array.from({ length: runCount }, () => []);
    this.weights = Array.from({ length: runCount }, () => ({ mean: [], std: [], min: [], max: [] }));
  }

  get active(): boolean {
    return this.measure === 'curvature' || this.measure === 'weights';
  }

  /** Whether `step` is one to measure at (step 0 and the last always are; see measurementCount). */
  due(step: number, lastStep: number): boolean {
    return this.active && (step === 0 || step === lastStep || step % measureEvery(lastStep) === 0);
  }

  async take(experiment: Experiment, step: number): Promise<void> {
    this.steps.push(step);
    if (this.measure === 'weights') {
      pool(await experiment.weightSpectra()).forEach((summary, r) => {
        const series = this.weights[r]!;
        series.mean.push(summary.mean);
        series.std.push(summary.std);
        series.min.push(summary.min);
        series.max.push(summary.max);
      });
      return;
    }
    const frozen = experiment.freeze();
    try {
      const at = await frozen.curvature({ count: CURVATURE_INPUTS, jacobian: step === 0 });
      at.lambdaMaxFisher.forEach((value, r) => this.lambdaMax[r]!.push(value));
      if (at.sMaxSq) this.sMaxSq.push(...at.sMaxSq);
    } finally {
      frozen.dispose();
    }
  }

  of(run: number, config: LabConfig): AlongTraining {
    if (this.measure === 'weights')
      return { point: {}, curve: { weightSteps: [...this.steps], weightSv: this.weights[run]! } };
    if (this.measure !== 'curvature') return { point: {}, curve: {} };
    const qStar = fixedPointQ(config.act, config.sw2, config.sb2);
    return {
      point: {
        lambdaMaxFisher: this.lambdaMax[run]![0]!,
        sMaxSq: this.sMaxSq[run]!,
        qStar: Number.isFinite(qStar) ? qStar : null,
      },
      curve: { curvatureSteps: [...this.steps], lambdaMax: this.lambdaMax[run]! },
    };
  }
}

/**
 * Per run, the singular values of its square hidden weights pooled (equal counts per layer, so
 * the pooled mean is the mean of means and the pooled variance the mean of second moments less
 * the squared mean); every hidden layer where none is square (L = 1, or an RNN's only W).
 */
export function pool(
  spectra: readonly WeightSpectra[],
): { mean: number; std: number; min: number; max: number }[] {
  return spectra.map(({ layers }) => {
    const square = layers.filter((layer) => layer.fanIn === layer.fanOut);
    const used = square.length > 0 ? square : layers;
    const mean = used.reduce((sum, layer) => sum + layer.mean, 0) / used.length;
    const second = used.reduce((sum, layer) => sum + layer.std ** 2 + layer.mean ** 2, 0) / used.length;
    return {
      mean,
      std: Math.sqrt(Math.max(0, second - mean * mean)),
      min: Math.min(...used.map((layer) => layer.min)),
      max: Math.max(...used.map((layer) => layer.max)),
    };
  });
}
