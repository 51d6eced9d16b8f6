import { closeSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import { createExperiment, reportToCsv, runHeadless, type JacobianProbe } from '../engine/index.ts';
import type { LabConfig } from '../config/index.ts';
import { jacobianMoments } from '../theory/index.ts';
import { DEFAULT_BUDGET, formatSeconds, refuse, type Budget } from '../engine/budget.ts';
import { UsageError, integerFlag, numberFlag, runCli, toJson, type CliFlag } from './args.ts';
import { NODE_BACKENDS, selectNodeBackend, type NodeBackend } from './nodeBackend.ts';

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
  {
    name: 'memory-budget-mb',
    help: `refuse runs predicted to need more memory than this, in MiB (default ${DEFAULT_BUDGET.memoryBytes / 2 ** 20}, as in the page): tensors, the weights as drawn, measurement buffers`,
  },
  {
    name: 'allow-slow',
    boolean: true,
    help: `lift the time limits (default: refuse runs predicted to take over ${formatSeconds(DEFAULT_BUDGET.stepSeconds)} a training step or ${formatSeconds(DEFAULT_BUDGET.buildSeconds)} to draw the weights on the chosen backend, as in the page)`,
  },
  {
    name: 'probe',
    help: 'instead of a training report, measure at init (or after --steps): jacobian (singular values of the input–output Jacobian) | weights (singular values of each W^l) | gradients (‖∂loss/∂h^l‖, ‖∂loss/∂W^l‖)',
  },
  {
    name: 'at',
    help: 'with --probe jacobian: fixed-point (h ~ N(0, q*), default) | data (a held-out example)',
  },
  { name: 'example', help: 'with --at data: index of the held-out example (default 0)' },
];

const FORMATS = ['json', 'csv'] as const;
const PROBES = ['jacobian', 'weights', 'gradients'] as const;
const JACOBIAN_INPUTS = ['fixed-point', 'data'] as const satisfies readonly JacobianProbe[];
const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'data');

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  return integerFlag(flag, raw, fallback, { min: 1 });
}

function oneOf<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T {
  if (raw === undefined) return choices[0]!;
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`--${flag} ${raw}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

function nonNegativeInteger(flag: string, raw: string | undefined): number {
  return integerFlag(flag, raw, 0, { min: 0 });
}

/** The budget of the page, with --memory-budget-mb and --allow-slow applied. */
function budgetOf(values: ReadonlyMap<string, string>, flags: ReadonlySet<string>): Budget {
  const raw = values.get('memory-budget-mb');
  let memoryBytes = DEFAULT_BUDGET.memoryBytes;
  if (raw !== undefined) memoryBytes = numberFlag('memory-budget-mb', raw, { above: 0 }) * 2 ** 20;
  const slow = flags.has('allow-slow');
  return {
    memoryBytes,
    stepSeconds: slow ? Infinity : DEFAULT_BUDGET.stepSeconds,
    buildSeconds: slow ? Infinity : DEFAULT_BUDGET.buildSeconds,
  };
}

/**
 * Refuses, before anything is built, a run over the budget on `backend`: one line with the
 * figures, the nearest configuration within the budget, and the flags that raise it.
 */
function refuseOverBudget(config: LabConfig, backend: NodeBackend, budget: Budget): void {
  const refusal = refuse(config, { backend }, budget);
  if (!refusal) return;
  const raise = [
    refusal.prediction.memoryBytes > budget.memoryBytes
      ? `--memory-budget-mb ${Math.ceil(refusal.prediction.memoryBytes / 2 ** 20)}`
      : null,
    refusal.prediction.stepSeconds > budget.stepSeconds ||
    refusal.prediction.buildSeconds > budget.buildSeconds
      ? '--allow-slow'
      : null,
  ].filter((flag) => flag !== null);
  throw new UsageError(`${refusal.message} To run it anyway: ${raise.join(' ')}`);
}

/**
 * Makes sure `--out` can be written before any work starts: its folder exists, and the file can
 * be opened for writing (an existing file is not truncated; a new one is created and removed).
 */
function checkWritable(out: string): void {
  const path = resolve(out);
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new UsageError(`--out ${out}: the folder ${folder} does not exist`);
  }
  if (!folderStat.isDirectory()) throw new UsageError(`--out ${out}: ${folder} is not a folder`);
  let existing;
  try {
    existing = statSync(path);
  } catch {
    existing = null;
  }
  if (existing && !existing.isFile()) throw new UsageError(`--out ${out}: not a regular file`);
  try {
    if (existing) closeSync(openSync(path, 'r+'));
    else {
      closeSync(openSync(path, 'wx'));
      unlinkSync(path);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`--out ${out}: cannot be written (${code})`);
  }
}

type Probe = (typeof PROBES)[number];

/** Arrays of a spectrum as plain JSON arrays (typed arrays would print as objects). */
const plain = (values: ArrayLike<number>): number[] => Array.from(values);

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
): Promise<Record<string, unknown>> {
  const experiment = await createExperiment(config, { dataSource: fileByteSource(DATA_DIR) });
  try {
    for (let i = 0; i < steps; i++) await experiment.step();
    const status = experiment.status();
    const common = { probe, steps, config, notes: experiment.info.notes };
    const tag = (runId: number) => ({ diverged: status[runId]!.diverged });
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
    const steps = stepsGiven(values) ? config.steps : 0;
    const out = values.get('out');
    refuseOverBudget(config, backend, budget);
    if (out !== undefined) checkWritable(out);
    const main = async (): Promise<void> => {
      await selectNodeBackend(backend);
      const started = performance.now();
      const result = await runProbe(probe, config, steps, at, example);
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
    const text = format === 'csv' ? reportToCsv(report) : `${toJson({ backend, ...report })}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  };
  main().catch((error: unknown) => {
    console.error(`experiment: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
});
