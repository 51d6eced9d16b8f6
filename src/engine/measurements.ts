import * as tf from '@tensorflow/tfjs-core';
import type { LabConfig } from '../config/schema.ts';
import { SIGNAL_EXAMPLES } from './budget.ts';
import type { Dataset } from './data/dataset.ts';
import {
  measureCurvature,
  type CurvatureMeasurement,
  type CurvatureOptions,
} from './curvatureMeasurement.ts';
import { HeldOutEvaluation } from './evaluation.ts';
import { gradientNorms, readGradientNorms, type GradientNorms } from './gradientNorms.ts';
import type { InputScaling } from './inputScaling.ts';
import {
  accumulateJacobian,
  fixedPointProbe,
  jacobianLayers,
  jacobianSpectra,
  type JacobianOptions,
  type JacobianSpectrum,
} from './jacobian.ts';
import type { StackedModel } from './model.ts';
import { empiricalNtk, ntkProbeInputs, weightChange } from './ntk.ts';
import { mirroredNtk } from './mirror.ts';
import type { FrozenNetworks } from './trainer.ts';
import type { RunInfo } from './runs.ts';
import { weightSpectra, type WeightSpectra, type WeightSpectraOptions } from './weightSpectra.ts';

/** Held-out examples for signal propagation and gradient norms (budget.ts counts their memory). */
export { SIGNAL_EXAMPLES } from './budget.ts';

/** What every measurement needs besides the parameters. */
export interface MeasurementContext {
  readonly config: LabConfig;
  readonly runs: readonly RunInfo[];
  readonly dataset: Dataset;
  readonly scaling: InputScaling;
  /** Runs diverged by this step: their held-out results are NaN. */
  readonly diverged: readonly boolean[];
}

/** The empirical NTK of every run on the probe inputs (see ntkProbeInputs and empiricalNtk). */
export interface NtkMeasurement {
  /** [D, n0] row-major, the probe inputs as the first layer sees them. */
  readonly inputs: Float32Array;
  readonly count: number;
  readonly inputSize: number;
  /** The class of each input (sorted by class); −1 for regression. */
  readonly labels: Int32Array;
  /** The output unit the kernel is of. */
  readonly unit: number;
  /** Per run, D×D row-major. */
  readonly kernels: Float32Array[];
  /** Per run, the D values of the unit. */
  readonly outputs: Float32Array[];
}

/**
 * The measurements that look inside the networks (held-out evaluation, signal propagation,
 * gradient norms, weight and Jacobian spectra, the NTK) at one step, on parameters kept aside then
 * (FrozenNetworks), so they can be taken while training goes on.
 */
export class NetworkMeasurements {
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private disposed = false;

  constructor(
    readonly step: number,
    private readonly networks: FrozenNetworks,
    private readonly context: MeasurementContext,
  ) {
    // Buffers of their own: training may fill the experiment's between two measurements.
    const rows = Math.min(SIGNAL_EXAMPLES, context.dataset.testCount);
    this.x = new Float32Array(rows * context.dataset.inputSize);
    this.y = new Float32Array(rows * context.dataset.outputSize);
  }

  /**
   * The held-out loss and accuracy on the first `examples` test examples, to be run in chunks of
   * `chunkSize` (default EVAL_CHUNK; see budget.ts for the size that keeps a chunk short).
   */
  evaluation(examples: number, chunkSize?: number): HeldOutEvaluation {
    const { dataset, scaling, diverged } = this.context;
    return new HeldOutEvaluation(
      this.step,
      dataset,
      scaling.scale,
      Math.min(examples, dataset.testCount),
      diverged,
      (x) => this.networks.outputs(x),
      chunkSize,
    );
  }

  /**
   * Makes the stacked copy the other measurements use, with its per-run weight slices: a slice
   * of work of its own, so that none of the measurements after it is long.
   */
  prepare(): void {
    const model = this.networks.model();
    model.layers.forEach((_, index) => {
      model.weightsOfRuns(index, false);
      model.weightsOfRuns(index, true);
    });
  }

  /** Mean squared pre-activation q^l of every hidden layer, per run, on held-out inputs. */
  async signal(): Promise<Float32Array[]> {
    const [x, y] = this.heldOut();
    y.dispose();
    const stacked = tf.tidy(() => this.networks.signal(x));
    x.dispose();
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const layers = this.context.config.L;
    return this.context.runs.map((run) => values.slice(run.runId * layers, (run.runId + 1) * layers));
  }

  /**
   * Singular values of each run's input–output Jacobian over its square hidden layers (see
   * jacobianLayers), at the fixed-point probe (default) or a held-out example.
   */
  async jacobianSpectrum(options: JacobianOptions = {}): Promise<JacobianSpectrum[]> {
    const { context } = this;
    const model = this.networks.model();
    const { dataset, runs, scaling } = context;
    const probe = options.probe ?? 'fixed-point';
    const { first } = jacobianLayers(model);
    let h: tf.Tensor3D;
    if (probe === 'fixed-point') {
      h = fixedPointProbe(
        runs.map((run) => run.seed),
        context.config.N,
        scaling.q1,
      );
    } else {
      const example = options.example ?? 0;
      if (!Number.isInteger(example) || example < 0 || example >= dataset.testCount)
        throw new RangeError(`example ${example} is not in 0 … ${dataset.testCount - 1}`);
      dataset.fillTest(example, 1, scaling.scale, this.x, this.y);
      h = tf.tidy(() => {
        const x = tf.tensor2d(this.x.subarray(0, dataset.inputSize), [1, dataset.inputSize]);
        const pass = model.forward(x);
        return tf.clone(pass.preActivations[Math.min(first, pass.preActivations.length - 1)]!);
      });
    }
    try {
      return jacobianSpectra(await accumulateJacobian(model, h), runs, probe);
    } finally {
      h.dispose();
    }
  }

  /** Singular values of hidden W^l of every run, summarized, and their distance from orthogonality. */
  weightSpectra(options: WeightSpectraOptions = {}): Promise<WeightSpectra[]> {
    const { config } = this.context;
    return weightSpectra(this.networks.model(), this.context.runs, config.sw2, options, config);
  }

  /**
   * The empirical NTK of output unit `unit` of every run on the first `count` (≤ 64) held-out
   * examples, sorted by class: one forward and one backward pass over them, all runs stacked (both
   * copies of mirrored runs).
   */
  async ntk(count: number, unit: number): Promise<NtkMeasurement> {
    const probe = ntkProbeInputs(this.context.dataset, this.context.scaling, count);
    const x = tf.tensor2d(probe.x, [probe.count, probe.inputSize]);
    try {
      // Mirrored runs: the kernel and outputs of f = (g_a − g_b)/√2 from those of both copies.
      const copies = this.networks.copies?.();
      const measured = await empiricalNtk(copies ?? this.networks.model(), x, unit);
      const { kernels, outputs } = copies ? mirroredNtk(measured) : measured;
      return {
        inputs: probe.x,
        count: probe.count,
        inputSize: probe.inputSize,
        labels: probe.labels,
        unit,
        kernels,
        outputs,
      };
    } finally {
      x.dispose();
    }
  }

  /**
   * λ_max of the Fisher information of every run on the first `count` (≤ 64) held-out examples,
   * the NTK's probe inputs (cross-entropy Fisher for classification, MSE for regression), and with
   * `jacobian` s²_max of the input–output Jacobian jacobianSpectrum() measures. See curvature.ts.
   */
  curvature(options: CurvatureOptions): Promise<CurvatureMeasurement> {
    const { networks, context } = this;
    const source = {
      model: () => networks.model(),
      ...(networks.copies ? { copies: () => networks.copies!() } : {}),
      jacobianSpectrum: () => this.jacobianSpectrum(),
    };
    return measureCurvature(source, context.dataset, context.scaling, options);
  }

  /**
   * The parameters as one StackedModel, owned by these measurements (valid until dispose()): keep
   * the step-0 measurements undisposed to compare later ones with them (weightChangeSince).
   */
  model(): StackedModel {
    return this.networks.model();
  }

  /** Per run, per layer (L hidden, then the readout): ‖W_now − W_then‖_F/‖W_then‖_F. */
  weightChangeSince(initial: NetworkMeasurements): Promise<Float32Array[]> {
    return weightChange(initial.model(), this.model());
  }

  get runs(): readonly RunInfo[] {
    return this.context.runs;
  }

  /** Whether gradient norms can be taken one run at a time (gradientNormsOf) at no extra cost. */
  get gradientNormsByRun(): boolean {
    return this.networks.gradientNorms !== undefined;
  }

  /** ‖∂loss/∂h^l‖ and ‖∂loss/∂W^l‖ per run and hidden layer, on the held-out inputs signal() uses. */
  gradientNorms(): Promise<GradientNorms[]> {
    return this.gradientNormsOf(this.context.runs);
  }

  /** The same for some of the runs: where gradientNormsByRun, a slice of work per run. */
  async gradientNormsOf(runs: readonly RunInfo[]): Promise<GradientNorms[]> {
    const [x, y] = this.heldOut();
    const { dataset, config } = this.context;
    const own = this.networks.gradientNorms?.bind(this.networks);
    try {
      if (own) {
        const ids = runs.map((run) => run.runId);
        return await readGradientNorms(
          tf.tidy(() => own(dataset.task, x, y, ids)),
          runs,
          config.L,
        );
      }
      const all = await gradientNorms(this.networks.model(), dataset.task, this.context.runs, x, y);
      return runs.map((run) => all[run.runId]!);
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.networks.dispose();
  }

  private heldOut(): [tf.Tensor2D, tf.Tensor2D] {
    const { dataset, scaling } = this.context;
    const count = Math.min(SIGNAL_EXAMPLES, dataset.testCount);
    dataset.fillTest(0, count, scaling.scale, this.x, this.y);
    return [
      tf.tensor2d(this.x.subarray(0, count * dataset.inputSize), [count, dataset.inputSize]),
      tf.tensor2d(this.y.subarray(0, count * dataset.outputSize), [count, dataset.outputSize]),
    ];
  }
}
