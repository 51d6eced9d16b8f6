/**
 * `npm run --silent sweep -- --config "<link query>" --over "lr=1e-3..1:9:log" [--over …]`, or
 * `--config "<sweep link>"` (a link with over=, as the Sweep view shows it), or `--experiment <id>`:
 * runs a sweep on tfjs in Node and prints the result file the page saves (SweepResultFile), progress on
 * stderr. Bad arguments: one line, exit code 2. Ctrl-C stops it and prints what is finished, with
 * complete = false.
 */
import { writeFileSync } from 'node:fs';
import type { LabConfig, ParamKey } from '../config/index.ts';
import { BudgetRefusal, formatSeconds } from '../engine/budget.ts';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import { experimentById, EXPERIMENTS } from '../experiments/registry.ts';
import {
  SweepDefinitionError,
  isSweepQuery,
  parseSweepQuery,
  planSweep,
  sweepDefinition,
  sweepResultText,
  type SweepDefinition,
  type SweepProgress,
} from '../sweep/index.ts';
import { runSweep } from '../sweep/runner.ts';
import { UsageError, runCli, type CliFlag, type ParsedArgs } from './args.ts';
import { BUDGET_FLAGS, DATA_DIR, budgetOf, checkWritable, oneOf, refusalError } from './common.ts';
import { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';

const FLAGS: readonly CliFlag[] = [
  {
    name: 'config',
    help: 'the base configuration: a link’s query string, e.g. "?act=tanh&L=50", or a whole sweep link (with over=…) as the page shows it; flags override it',
  },
  {
    name: 'over',
    repeatable: true,
    help: 'a swept parameter, once or twice: key=a..b:n:log, key=a..b:n or key=v1,v2,… (URL keys: lr, L, N, act, …)',
  },
  { name: 'steps', param: 'steps', help: 'training steps of every run (τ is "not reached" beyond them)' },
  { name: 'threshold', param: 'thr', help: 'τ is the first step at which the metric reaches this' },
  {
    name: 'metric',
    param: 'lm',
    help: 'what τ reads: train (training loss), test (held-out loss), acc (accuracy)',
  },
  {
    name: 'measure',
    help: 'tau (default) | ntk (the relative change of the NTK and of each layer’s weights from step 0 to the last) | curvature (λ_max of the Fisher and s²_max at init, λ_max along training) | weights (singular values of the hidden or recurrent weights along training) | curves (only the curves and final losses; every run trains to its last step, where tau stops a group once all reached τ)',
  },
  {
    name: 'experiment',
    help: `a named experiment, its link and axes as in the Experiments view: ${EXPERIMENTS.map((named) => named.id).join(' | ')}`,
  },
  { name: 'backend', help: 'tfjs backend: wasm (default) | cpu' },
  {
    name: 'out',
    help: 'write the result file here instead of stdout (checked writable before anything runs)',
  },
  ...BUDGET_FLAGS,
];

const BACKENDS = ['wasm', 'cpu'] as const satisfies readonly (typeof NODE_BACKENDS)[number][];
/** A progress line at most this often on stderr (and one as each group starts). */
const PROGRESS_LINE_MS = 2000;

/** The sweep the flags describe: --experiment's link, or --config and --over; flags override the base. */
function definitionOf({ config, values, lists }: ParsedArgs): SweepDefinition {
  const id = values.get('experiment');
  const measure = values.get('measure');
  try {
    const link = values.get('config');
    if (id === undefined && link !== undefined && isSweepQuery(link)) {
      // A sweep link copied from the page: its axes, measure and experiment, flags overriding.
      const { definition } = parseSweepQuery(link);
      if (lists.has('over'))
        throw new UsageError('--config is a sweep link with its own over=; drop --over or the link’s axes');
      return sweepDefinition(
        config,
        definition.axes.map((axis) => axis.spec),
        measure ?? definition.measure,
        definition.experiment,
      );
    }
    if (id === undefined) {
      if (!lists.has('over') && measure === undefined)
        throw new UsageError('say what to sweep: --over key=a..b:n[:log] (or --experiment <id>)');
      return sweepDefinition(config, lists.get('over') ?? [], measure ?? 'tau', null);
    }
    const named = experimentById(id);
    if (!named)
      throw new UsageError(`--experiment ${id}: expected one of ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
    if (values.has('config') || lists.has('over'))
      throw new UsageError(
        '--experiment carries its own link and axes; change single parameters with --steps, --threshold, --metric',
      );
    const { definition } = parseSweepQuery(named.query);
    // Only the flags given override the experiment's base (parseArgs read them onto the defaults).
    const overrides: Partial<Record<ParamKey, unknown>> = {};
    for (const flag of FLAGS)
      if (flag.param && values.has(flag.name)) overrides[flag.param] = config[flag.param];
    const base = { ...definition.base, ...overrides } as LabConfig;
    return sweepDefinition(
      base,
      definition.axes.map((axis) => axis.spec),
      measure ?? definition.measure,
      named.id,
    );
  } catch (error) {
    if (error instanceof SweepDefinitionError) throw new UsageError(error.message);
    throw error;
  }
}

function progressLine(progress: SweepProgress): string {
  const share = progress.workTotal > 0 ? Math.round((100 * progress.workDone) / progress.workTotal) : 0;
  const left =
    progress.remainingSeconds === null ? '' : `, about ${formatSeconds(progress.remainingSeconds)} left`;
  return `sweep: program ${progress.groupIndex + 1}/${progress.groupCount} ${progress.phase}, ${progress.runsDone}/${progress.runsTotal} runs done, ${share}%${left}`;
}

runCli('sweep', FLAGS, (args) => {
  const definition = definitionOf(args);
  const backend = oneOf('backend', args.values.get('backend'), BACKENDS);
  const budget = budgetOf(args.values, args.flags);
  let groups: number;
  try {
    groups = planSweep(definition, { budget, facts: { backend } }).groups.length;
  } catch (error) {
    if (error instanceof BudgetRefusal) throw refusalError(error.refusal, budget);
    throw error;
  }
  const out = args.values.get('out');
  if (out !== undefined) checkWritable(out);

  const main = async (): Promise<void> => {
    await selectNodeBackend(backend);
    const controller = new AbortController();
    process.once('SIGINT', () => {
      console.error('sweep: stopping; the runs finished so far are printed (complete: false)');
      controller.abort();
    });
    let lastLine = 0;
    let lastGroup = -1;
    const file = await runSweep(definition, {
      dataSource: fileByteSource(DATA_DIR),
      budget,
      backendFacts: { backend },
      signal: controller.signal,
      onProgress: (progress) => {
        const now = Date.now();
        if (progress.groupIndex === lastGroup && now - lastLine < PROGRESS_LINE_MS) return;
        lastGroup = progress.groupIndex;
        lastLine = now;
        console.error(progressLine(progress));
      },
    });
    const reached = file.points.filter((point) => point.tau !== null).length;
    const diverged = file.points.filter((point) => point.diverged).length;
    console.error(
      `sweep: ${file.points.length} runs in ${groups} programs, ${file.seconds.toFixed(1)} s on ${backend}: ${reached} reached the threshold, ${diverged} diverged${file.complete ? '' : ' (cancelled)'}`,
    );
    const text = sweepResultText(file);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  };
  main().catch((error: unknown) => {
    console.error(`sweep: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
});
