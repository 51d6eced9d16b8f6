/**
 * `npm run --silent sweep -- --config "<link query>" --over "lr=1e-3..1:9:log" [--over …]`, or
 * `--config "<sweep link>"` (a link with over=, as the Sweep view shows it), or `--experiment <id>`:
 * runs a sweep on tfjs in Node and prints the result file the page saves (SweepResultFile), progress on
 * stderr. Bad arguments: one line, exit code 2. Ctrl-C stops it and prints what is finished, with
 * complete = false.
 */
import { writeFileSync } from 'node:fs';
import { BudgetRefusal, formatSeconds } from '../engine/budget.ts';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import { planSweep, sweepResultText, type SweepProgress } from '../sweep/index.ts';
import { runSweep } from '../sweep/runner.ts';
import { runCli, type CliFlag } from './args.ts';
import { BUDGET_FLAGS, DATA_DIR, budgetOf, checkWritable, oneOf, refusalError } from './common.ts';
import { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';
import { SWEEP_DEFINITION_FLAGS, sweepDefinitionOf } from './sweepArgs.ts';

const FLAGS: readonly CliFlag[] = [
  ...SWEEP_DEFINITION_FLAGS,
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

function progressLine(progress: SweepProgress): string {
  const share = progress.workTotal > 0 ? Math.round((100 * progress.workDone) / progress.workTotal) : 0;
  const left =
    progress.remainingSeconds === null ? '' : `, about ${formatSeconds(progress.remainingSeconds)} left`;
  return `sweep: program ${progress.groupIndex + 1}/${progress.groupCount} ${progress.phase}, ${progress.runsDone}/${progress.runsTotal} runs done, ${share}%${left}`;
}

runCli('sweep', FLAGS, (args) => {
  const definition = sweepDefinitionOf(args);
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
