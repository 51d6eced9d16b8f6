/**
 * What the commands that train share: the MNIST folder, choice flags, the budget flags and the
 * one-line refusal, and the --out check made before any work starts.
 */
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUDGET, formatSeconds, type Budget, type Refusal } from '../engine/budget.ts';
import { UsageError, numberFlag, type CliFlag } from './args.ts';

/** The prepared MNIST files (npm install writes them). */
export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'data');

/** --memory-budget-mb and --allow-slow, read by budgetOf. */
export const BUDGET_FLAGS: readonly CliFlag[] = [
  {
    name: 'memory-budget-mb',
    help: `refuse runs predicted to need more memory than this, in MiB (default ${DEFAULT_BUDGET.memoryBytes / 2 ** 20}, as in the page): tensors, the weights as drawn, measurement buffers`,
  },
  {
    name: 'allow-slow',
    boolean: true,
    help: `lift the time limits (default: refuse runs predicted to take over ${formatSeconds(DEFAULT_BUDGET.stepSeconds)} a training step or ${formatSeconds(DEFAULT_BUDGET.buildSeconds)} to draw the weights on the chosen backend, as in the page)`,
  },
];

/** The value of a choice flag; the first choice when absent. */
export function oneOf<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T {
  if (raw === undefined) return choices[0]!;
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`--${flag} ${raw}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

/** The budget of the page, with --memory-budget-mb and --allow-slow applied. */
export function budgetOf(values: ReadonlyMap<string, string>, flags: ReadonlySet<string>): Budget {
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

/** A refusal as a usage error: the figures, the nearest configuration within the budget, and the flags that raise it. */
export function refusalError(refusal: Refusal, budget: Budget): UsageError {
  const raise = [
    refusal.prediction.memoryBytes > budget.memoryBytes
      ? `--memory-budget-mb ${Math.ceil(refusal.prediction.memoryBytes / 2 ** 20)}`
      : null,
    refusal.prediction.stepSeconds > budget.stepSeconds ||
    refusal.prediction.buildSeconds > budget.buildSeconds
      ? '--allow-slow'
      : null,
  ].filter((flag) => flag !== null);
  return new UsageError(`${refusal.message} To run it anyway: ${raise.join(' ')}`);
}

/**
 * Makes sure `--out` can be written before any work starts: its folder exists, and the file can
 * be opened for writing (an existing file is not truncated; a new one is created and removed).
 */
export function checkWritable(out: string): void {
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
