import type { LabConfig } from '../config/index.ts';
import { predict, type BackendFacts } from '../engine/budget.ts';
import type { NetworkMeasurements, NtkMeasurement } from '../engine/measurements.ts';
import { relativeChange } from '../engine/ntk.ts';
import { analyticNtk } from '../theory/ntk.ts';
import type { Post } from './measurementJob.ts';

/** D: the held-out inputs the NTK is taken on (a 32×32 heatmap, about three digits of each class). */
export const NTK_PROBES = 32;
/** The output unit whose kernel is shown: for MNIST the logit of digit 0, for the teacher its first output. */
export const NTK_UNIT = 0;

/**
 * Predicted seconds of one NTK snapshot. Its forward and backward passes are those of a training
 * step on a batch of D (one output unit back-propagated, no update), so the calibrated time model
 * of such a step stands for them; on top come the Gram matrices H Hᵀ and Δ Δᵀ of every layer,
 * 2·2·D²·N FLOPs against the step's 6·D·N² per layer and run: a share 2D/(3N) of it.
 */
export function predictNtkSeconds(config: LabConfig, facts: BackendFacts): number {
  const step = predict({ ...config, bs: NTK_PROBES }, facts).stepSeconds;
  return step * (1 + (2 * NTK_PROBES) / (3 * config.N));
}

/**
 * The NTK snapshots of one configuration. The first, at step 0, keeps every run's kernel (D² floats
 * a run) and sends the analytic kernel with it; each later one is compared with those kernels and,
 * when the step-0 networks are kept (`initial`), its weights with theirs. The kept networks share
 * data with step 0 (freeze() copies nothing), so they cost one set of parameters; the caller
 * decides whether that fits and disposes of this object with the configuration.
 */
/** One slice of work of an NTK snapshot; a one-off is not a cost that recurs with later snapshots. */
export interface NtkSlice {
  readonly run: () => Promise<void>;
  readonly oneOff: boolean;
}

export class NtkSnapshots {
  private initialKernels: Float32Array[] | null = null;
  private analyticDone = false;
  private lastStep = -1;

  constructor(
    private readonly config: LabConfig,
    private readonly generation: number,
    private readonly post: Post,
    private initial: NetworkMeasurements | null,
  ) {}

  /**
   * The slices of the NTK snapshot of `frozen` (none when this step already has one): the kernels
   * and the weight change, then at step 0 the analytic kernel, a slice of its own marked one-off
   * (quadrature over every layer, once per configuration: not a cost that recurs), then the post.
   */
  slices(frozen: NetworkMeasurements): NtkSlice[] {
    const step = frozen.step;
    // A snapshot of a step that already has one (a new Jacobian probe while paused) adds nothing.
    if (step === this.lastStep) return [];
    this.lastStep = step;
    let measured: NtkMeasurement | null = null;
    let weightChange: Float32Array[] = [];
    let analytic: Float64Array | null = null;
    let seconds = 0;
    const measure = async () => {
      const started = performance.now();
      measured = await frozen.ntk(NTK_PROBES, NTK_UNIT);
      if (this.initial) weightChange = await frozen.weightChangeSince(this.initial);
      seconds = (performance.now() - started) / 1000;
    };
    const send = () => {
      const { kernels, labels } = measured!;
      if (this.initialKernels === null && step === 0) this.initialKernels = kernels.map((k) => k.slice());
      const initial = this.initialKernels;
      const ntkChange = Float32Array.from(kernels, (kernel, r) =>
        initial ? relativeChange(initial[r]!, kernel) : NaN,
      );
      const transfer = [...kernels, ...weightChange, ntkChange, labels, ...(analytic ? [analytic] : [])];
      this.post(
        {
          type: 'ntk',
          generation: this.generation,
          step,
          unit: NTK_UNIT,
          labels,
          analytic,
          kernels,
          ntkChange,
          weightChange,
          seconds,
        },
        transfer.map((a) => a.buffer) as Transferable[],
      );
    };
    if (this.analyticDone) return [{ oneOff: false, run: async () => (await measure(), send()) }];
    this.analyticDone = true;
    return [
      { oneOff: false, run: measure },
      {
        oneOff: true,
        run: async () => {
          const { inputs, count, inputSize } = measured!;
          analytic = this.analytic(inputs, count, inputSize);
        },
      },
      { oneOff: false, run: async () => send() },
    ];
  }

  dispose(): void {
    this.initial?.dispose();
    this.initial = null;
  }

  /** The infinite-width kernel on the same inputs, or null with the page told why. */
  private analytic(inputs: Float32Array, count: number, inputSize: number): Float64Array | null {
    const { act, sw2, sb2, L, N, param } = this.config;
    try {
      return analyticNtk({ act, sw2, sb2, L, N, param }, inputs, count, inputSize);
    } catch (error) {
      this.post({
        type: 'ntk-skipped',
        generation: this.generation,
        part: 'analytic',
        reason: `the infinite-width kernel could not be computed: ${error instanceof Error ? error.message : String(error)}`,
      });
      return null;
    }
  }
}
