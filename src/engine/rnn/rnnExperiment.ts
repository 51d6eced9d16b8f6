import type { LabConfig } from '../../config/schema.ts';
import { constrainInits } from '../constrainedInit.ts';
import type { Dataset } from '../data/dataset.ts';
import type { UnitDrawCache } from '../drawCache.ts';
import type { EvalResult } from '../evaluation.ts';
import type { Experiment, ExperimentInfo, RunStatus, StepResult } from '../experiment.ts';
import type { GradientNorms } from '../gradientNorms.ts';
import type { InputScaling } from '../inputScaling.ts';
import type { JacobianSpectrum } from '../jacobian.ts';
import type { LayerInit } from '../model.ts';
import type { RunInfo } from '../runs.ts';
import type { Trainer } from '../trainer.ts';
import type { WeightSpectra, WeightSpectraOptions } from '../weightSpectra.ts';
import { RnnMeasurements } from './rnnMeasurements.ts';
import { rnnInitSteps, type RnnInit } from './rnnInit.ts';
import { RnnTrainer } from './rnnTrainer.ts';
import { sequenceOf } from './sequence.ts';

/** What createExperiment has settled before the networks are built (runs, data, input scale). */
export interface RnnExperimentParts {
  readonly config: LabConfig;
  readonly runs: readonly RunInfo[];
  readonly dataset: Dataset;
  readonly scaling: InputScaling;
  readonly cache: UnitDrawCache;
  /** The experiment's notes: the recurrent network adds what it reads and what it ignores. */
  readonly notes: string[];
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** Said with every recurrent experiment: what it is, and which settings it leaves aside. */
export const RNN_NOTE =
  'arch=rnn: a vanilla RNN reads each image as 28 rows of 28 pixels (h_t = φ(W h_{t−1} + U x_t + b), ' +
  'logits from h_28); depth L is not used; only W follows init (U, V Gaussian in both twins)';

/**
 * The recurrent experiment of `parts`: an RnnTrainer over the runs' initial parameters, trained by
 * the experiment `withTrainer` makes of it (createExperiment's, so stepping, batches, divergence and
 * evaluation are the MLP's), with measurements of its own (RnnMeasurements).
 */
export async function createRnnExperiment(
  parts: RnnExperimentParts,
  withTrainer: (trainer: Trainer) => Experiment,
): Promise<Experiment> {
  const { config, runs, dataset } = parts;
  const sequence = sequenceOf(dataset.inputSize);
  if (config.mirror === '1')
    throw new Error('mirror=1 is for the layered networks (arch=mlp); use mirror=0 with arch=rnn');
  parts.notes.push(RNN_NOTE);
  const init = await drawInit(parts, sequence);
  const constrained = await constrainRecurrent(init, config, dataset.outputSize);
  const trainer = new RnnTrainer(
    config.act,
    sequence,
    init.scalings,
    config.N,
    dataset.outputSize,
    constrained,
    config.opt,
    runs.map((run) => run.lr),
    config,
  );
  return new RnnExperiment(withTrainer(trainer), trainer, parts);
}

async function drawInit(
  parts: RnnExperimentParts,
  sequence: ReturnType<typeof sequenceOf>,
): Promise<RnnInit> {
  const steps = rnnInitSteps(parts.cache, parts.config, parts.runs, sequence, parts.dataset.outputSize);
  for (;;) {
    const next = steps.next();
    if (next.done) {
      if (parts.onProgress) await parts.onProgress(1, 1);
      return next.value;
    }
    if (parts.onProgress) await parts.onProgress(0, 1);
  }
}

/** Under orth=stiefel|oblique, W starts on its constraint set, as the MLP's hidden layers do (constrainInits). */
async function constrainRecurrent(init: RnnInit, config: LabConfig, classes: number) {
  const n = config.N;
  const layers: LayerInit[] = [
    {
      fanIn: n,
      fanOut: n,
      scaling: init.scalings.recurrent,
      weights: init.runs.map((r) => r.recurrent),
      biases: init.runs.map((r) => r.bias),
    },
    {
      fanIn: n,
      fanOut: classes,
      scaling: init.scalings.readout,
      weights: init.runs.map((r) => r.readout),
      biases: init.runs.map((r) => r.readoutBias),
    },
  ];
  const [recurrent] = await constrainInits(layers, config);
  return init.runs.map((run, r) => ({ ...run, recurrent: recurrent!.weights[r]! }));
}

/** The experiment createExperiment builds around the RnnTrainer, with the recurrent measurements. */
class RnnExperiment implements Experiment {
  private disposed = false;

  constructor(
    private readonly inner: Experiment,
    private readonly trainer: RnnTrainer,
    private readonly parts: RnnExperimentParts,
  ) {}

  get config(): LabConfig {
    return this.inner.config;
  }

  get runs(): readonly RunInfo[] {
    return this.inner.runs;
  }

  get info(): ExperimentInfo {
    return this.inner.info;
  }

  get stepsDone(): number {
    return this.inner.stepsDone;
  }

  status(): RunStatus[] {
    return this.inner.status();
  }

  step(): Promise<StepResult> {
    return this.inner.step();
  }

  evaluate(): Promise<EvalResult> {
    return this.inner.evaluate();
  }

  signal(): Promise<Float32Array[]> {
    return this.measureNow((m) => m.signal());
  }

  jacobianSpectrum(): Promise<JacobianSpectrum[]> {
    return this.measureNow((m) => m.jacobianSpectrum());
  }

  weightSpectra(options: WeightSpectraOptions = {}): Promise<WeightSpectra[]> {
    return this.measureNow((m) => m.weightSpectra(options));
  }

  gradientNorms(): Promise<GradientNorms[]> {
    return this.measureNow((m) => m.gradientNorms());
  }

  freeze(): RnnMeasurements {
    if (this.disposed) throw new Error('experiment used after dispose()');
    const diverged = this.inner.status().map((run) => run.diverged);
    const { config, runs, dataset, scaling } = this.parts;
    return new RnnMeasurements(this.inner.stepsDone, this.trainer.freeze(), {
      config,
      runs,
      dataset,
      scaling,
      diverged,
    });
  }

  dispose(): void {
    this.disposed = true;
    this.inner.dispose();
  }

  private async measureNow<T>(measure: (m: RnnMeasurements) => Promise<T>): Promise<T> {
    const measurements = this.freeze();
    try {
      return await measure(measurements);
    } finally {
      measurements.dispose();
    }
  }
}
