import { writeFileSync } from 'node:fs';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import {
  createExperiment,
  datasetShape,
  reportToCsv,
  runHeadless,
  type Experiment,
  type JacobianProbe,
} from '../engine/index.ts';
import { MAX_NTK_INPUTS, relativeChange } from '../engine/ntk.ts';
import { curvatureReport } from '../engine/curvatureReport.ts';
import { toQuery, type LabConfig } from '../config/index.ts';
import { jacobianMoments } from '../theory/index.ts';
import { analyticNtk } from '../theory/ntk.ts';
import { refuse, type Budget } from '../engine/budget.ts';
import { UsageError, integerFlag, runCli, toJson, type CliFlag } from './args.ts';
import { BUDGET_FLAGS, DATA_DIR, budgetOf, checkWritable, oneOf, refusalError } from './common.ts';
import { runsFileOf, runsResultText } from '../runs/runsFile.ts';
import { LAB_VERSION } from '../sweep/labVersion.ts';
import { NODE_BACKENDS, selectNodeBackend, type NodeBackend } from './nodeBackend.ts';

const DEFAULT_NTK_BATCH = 32;

const FLAGS: readonly CliFlag[] = [
  { name: 'config', help: 'a link’s query string, e.g. "?act=tanh&L=20&init=both"; flags override it' },
  { name: 'steps', param: 'steps', help: 'training steps' },
  { name: 'every', help: 'evaluate on held-out data every k steps (default: steps/20, at least 1)' },
  { name: 'eval', help: 'held-out examples per evaluation (default 1000)' },
  { name: 'backend', help: 'tfjs backend: cpu | wasm (default cpu)' },
  { name: 'format', help: 'json | csv (default json)' },
  {
    name: 'out',
    help: 'write the result to this file instead of stdout (checked writable before anything runs)',
  },
  ...BUDGET_FLAGS,
  {
    name: 'probe',
    help: 'instead of a training report, measure at init (or after --steps): jacobian (singular values of the input–output Jacobian) | weights (singular values of each W^l) | gradients (‖∂loss/∂h^l‖, ‖∂loss/∂W^l‖) | ntk (empirical neural tangent kernel of one output unit on held-out inputs, with the infinite-width one) | curvature (λ_max of the Fisher information on held-out inputs, s²_max of the Jacobian, q*)',
  },
  {
    name: 'at',
    help: 'with --probe jacobian: fixed-point (h ~ N(0, q*), default) | data (a held-out example)',
  },
  { name: 'example', help: 'with --at data: index of the held-out example (default 0)' },
  {
    name: 'batch',
    help: `with --probe ntk or curvature: the number D of held-out inputs, sorted by class (1 … ${MAX_NTK_INPUTS}, default ${DEFAULT_NTK_BATCH})`,
  },
  { name: 'unit', help: 'with --probe ntk: the output unit k whose kernel is taken (default 0)' },
];

const FORMATS = ['json', 'csv'] as const;
const PROBES = ['jacobian', 'weights', 'gradients', 'ntk', 'curvature'] as const;
const JACOBIAN_INPUTS = ['fixed-point', 'data'] as const satisfies readonly JacobianProbe[];

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  return integerFlag(flag, raw, fallback, { min: 1 });
}

function nonNegativeInteger(flag: string, raw: string | undefined): number {
  return integerFlag(flag, raw, 0, { min: 0 });
}

/**
 * Refuses, before anything is built, a run over the budget on `backend`: one line with the
 * figures, the nearest configuration within the budget, and the flags that raise it.
 */
function refuseOverBudget(config: LabConfig, backend: NodeBackend, budget: Budget): void {
  const refusal = refuse(config, { backend }, budget);
  if (refusal) throw refusalError(refusal, budget);
}

type Probe = (typeof PROBES)[number];

/** Arrays of a spectrum as plain JSON arrays (typed arrays would print as objects). */
const plain = (values: ArrayLike<number>): number[] => Array.from(values);

/** A row-major matrix as nested JSON arrays, one per row. */
const rowsOf = (values: ArrayLike<number>, columns: number): number[][] =>
  Array.from({ length: values.length / columns }, (_, row) =>
    Array.from({ length: columns }, (_, column) => values[row * columns + column]!),
  );

/** What --probe ntk measures: D held-out inputs and one output unit. */
interface NtkProbe {
  readonly batch: number;
  readonly unit: number;
}

/**
 * `--probe ntk`: each run's empirical kernel on the probe inputs, the infinite-width kernel of the
 * link's parameterization on the same inputs, and their relative Frobenius distance per run.
 */
async function ntkReport(experiment: Experiment, config: LabConfig, probe: NtkProbe) {
  const measurements = experiment.freeze();
  try {
    const ntk = await measurements.ntk(probe.batch, probe.unit);
    const { count, inputSize } = ntk;
    const spec = {
      act: config.act,
      sw2: config.sw2,
      sb2: config.sb2,
      L: config.L,
      N: config.N,
      param: config.param,
    };
    const analytic = analyticNtk(spec, ntk.inputs, count, inputSize);
    return {
      unit: probe.unit,
      param: config.param,
      batch: count,
      kernel:
        'Θ(x_a, x_b) = Σ_θ ∂f_unit(x_a)/∂θ · ∂f_unit(x_b)/∂θ over every weight and bias as stored (the parameters gradient descent moves); analytic: its infinite-width limit in the same parameterization (std: grows with N)' +
        (config.mirror === '1'
          ? '; mirror=1: f = (g_a − g_b)/√2 of two copies of the init, so Θ = (Θ_a + Θ_b)/2 and outputs f_unit(x_a) are exactly 0 at init'
          : ''),
      labels: plain(ntk.labels),
      inputs: rowsOf(ntk.inputs, inputSize),
      analytic: rowsOf(analytic, count),
      runs: experiment.runs.map((run, r) => ({
        runId: run.runId,
        init: run.init,
        seed: run.seed,
        relativeError: relativeChange(analytic, ntk.kernels[r]!),
        ntk: rowsOf(ntk.kernels[r]!, count),
        outputs: plain(ntk.outputs[r]!),
      })),
    };
  } finally {
    measurements.dispose();
  }
}

/**
 * `--probe`: builds the networks, trains them for `steps` steps (0: measure at init), then measures.
 * Everything runs in one stacked program; the result is JSON.
 */
async function runProbe(
  probe: Probe,
  config: LabConfig,
  steps: number,
  at: JacobianProbe,
  example: number,
  ntk: NtkProbe,
): Promise<Record<string, unknown>> {
  const experiment = await createExperiment(config, { dataSource: fileByteSource(DATA_DIR) });
  try {
    for (let i = 0; i < steps; i++) await experiment.step();
    const status = experiment.status();
    const common = { probe, steps, config, notes: experiment.info.notes };
    const tag = (runId: number) => ({ diverged: status[runId]!.diverged });
    if (probe === 'ntk') {
      const report = await ntkReport(experiment, config, ntk);
      return { ...common, ...report, runs: report.runs.map((run) => ({ ...run, ...tag(run.runId) })) };
    }
    if (probe === 'curvature') {
      const report = await curvatureReport(experiment, config, ntk.batch);
      return { ...common, ...report, runs: report.runs.map((run) => ({ ...run, ...tag(run.runId) })) };
    }
    if (probe === 'jacobian') {
      const spectra = await experiment.jacobianSpectrum({ probe: at, example });
      const depth = spectra[0]!.depth;
      const moments = depth >= 1 ? jacobianMoments(config.act, config.sw2, config.sb2, depth) : null;
      return {
        ...common,
        at,
        ...(at === 'data' ? { example } : {}),
        depth,
        firstLayer: spectra[0]!.firstLayer,
        jacobian:
          'J = D^L W^L ··· D^l0 W^l0 over the hidden layers with square N×N weights (l0 = 1 when n0 = N, else 2); depth = number of factors',
        theory: moments && {
          note: moments.holds,
          qStar: moments.qStar,
          chi1: moments.chi1,
          meanSq: moments.gaussian.meanSq,
          variance: { gaussian: moments.gaussian.variance, orthogonal: moments.orthogonal.variance },
        },
        runs: spectra.map((s) => ({
          runId: s.runId,
          init: s.init,
          seed: s.seed,
          ...tag(s.runId),
          probeVariance: s.probeVariance,
          meanSq: s.meanSq,
          variance: s.variance,
          sMax: s.sMax,
          conditionNumber: s.conditionNumber,
          logScale: s.logScale,
          logMeanSq: s.logMeanSq,
          logVariance: s.logVariance,
          singularValues: plain(s.singularValues),
          logSingularValues: plain(s.logSingularValues),
        })),
      };
    }
    if (probe === 'weights') {
      const spectra = await experiment.weightSpectra();
      return { ...common, runs: spectra.map((s) => ({ ...s, ...tag(s.runId) })) };
    }
    const norms = await experiment.gradientNorms();
    return {
      ...common,
      examples: Math.min(256, experiment.info.dataset.testCount),
      runs: norms.map((n) => ({
        ...n,
        ...tag(n.runId),
        preActivation: plain(n.preActivation),
        weight: plain(n.weight),
      })),
    };
  } finally {
    experiment.dispose();
  }
}

/** Whether --steps was given, on its own or inside --config (otherwise a probe measures at init). */
function stepsGiven(values: ReadonlyMap<string, string>): boolean {
  return values.has('steps') || new URLSearchParams(values.get('config') ?? '').has('steps');
}

runCli('experiment', FLAGS, ({ config, values, flags }) => {
  const budget = budgetOf(values, flags);
  const probe = values.has('probe') ? oneOf('probe', values.get('probe'), PROBES) : null;
  if (probe) {
    const at = oneOf('at', values.get('at'), JACOBIAN_INPUTS);
    const example = nonNegativeInteger('example', values.get('example'));
    const backend = oneOf('backend', values.get('backend'), NODE_BACKENDS);
    if (values.get('format') === 'csv') throw new UsageError('--format csv: --probe prints JSON only');
    if (values.has('format')) oneOf('format', values.get('format'), FORMATS);
    if (probe !== 'jacobian' && (values.has('at') || values.has('example')))
      throw new UsageError('--at and --example go with --probe jacobian');
    if (values.has('example') && at !== 'data') throw new UsageError('--example goes with --at data');
    if (probe !== 'ntk' && values.has('unit')) throw new UsageError('--unit goes with --probe ntk');
    if (probe !== 'ntk' && probe !== 'curvature' && values.has('batch'))
      throw new UsageError('--batch goes with --probe ntk or curvature');
    const outputs = datasetShape(config).outputSize;
    const ntk = {
      batch: integerFlag('batch', values.get('batch'), DEFAULT_NTK_BATCH, { min: 1, max: MAX_NTK_INPUTS }),
      unit: integerFlag('unit', values.get('unit'), 0, { min: 0, max: outputs - 1 }),
    };
    const steps = stepsGiven(values) ? config.steps : 0;
    const out = values.get('out');
    refuseOverBudget(config, backend, budget);
    if (out !== undefined) checkWritable(out);
    const main = async (): Promise<void> => {
      await selectNodeBackend(backend);
      const started = performance.now();
      const result = await runProbe(probe, config, steps, at, example, ntk);
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `experiment: --probe ${probe} after ${steps} steps in ${seconds.toFixed(2)} s on ${backend}`,
      );
      const text = `${toJson({ backend, ...result })}\n`;
      if (out) writeFileSync(out, text);
      else process.stdout.write(text);
    };
    main().catch((error: unknown) => {
      console.error(`experiment: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
    return;
  }
  const steps = config.steps;
  const every = positiveInteger('every', values.get('every'), Math.max(1, Math.floor(steps / 20)));
  const evalExamples = positiveInteger('eval', values.get('eval'), 1000);
  const backend = oneOf('backend', values.get('backend'), NODE_BACKENDS);
  const format = oneOf('format', values.get('format'), FORMATS);
  const out = values.get('out');
  refuseOverBudget(config, backend, budget);
  if (out !== undefined) checkWritable(out);

  const main = async (): Promise<void> => {
    await selectNodeBackend(backend);
    const started = performance.now();
    const report = await runHeadless(config, {
      steps,
      every,
      evalExamples,
      dataSource: fileByteSource(DATA_DIR),
    });
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `experiment: ${report.runs.length} runs × ${steps} steps in ${seconds.toFixed(2)} s on ${backend} (${(steps / seconds).toFixed(1)} steps/s)`,
    );
    // JSON: the lab's runs result file (src/runs/runsFile.ts), which the Lab view opens and draws.
    const text =
      format === 'csv'
        ? reportToCsv(report)
        : runsResultText(
            runsFileOf(report, {
              labVersion: LAB_VERSION,
              createdAt: new Date().toISOString(),
              backend,
              query: toQuery(config),
              steps,
              every,
              evalExamples: report.info.evalExamples,
              complete: true,
              seconds,
            }),
          );
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  };
  main().catch((error: unknown) => {
    console.error(`experiment: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
});
