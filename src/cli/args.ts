import {
  PARAMS,
  checkParam,
  formatValue,
  parseQuery,
  type Fix,
  type LabConfig,
  type ParamKey,
} from '../config/index.ts';

/** A command-line mistake: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface CliFlag {
  /** Flag name without dashes. */
  readonly name: string;
  /** The schema parameter it sets, so that CLI and URL share ranges, defaults and checks. */
  readonly param?: ParamKey;
  /** A flag without a value. */
  readonly boolean?: boolean;
  readonly help: string;
}

export interface ParsedArgs {
  readonly config: LabConfig;
  /** Values that were clamped or rounded on the way in (reported on stderr). */
  readonly fixes: readonly Fix[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

/**
 * Parses `--name value`, `--name=value` and `--config "<URL query>"`. Unknown flags, missing
 * values and values the schema cannot read are usage errors; out-of-range numbers are clamped
 * by the schema and reported, exactly as in links.
 */
export function parseArgs(argv: readonly string[], known: readonly CliFlag[]): ParsedArgs {
  const byName = new Map(known.map((f) => [f.name, f]));
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"; flags start with --`);
    const [name, inline] = splitOnce(arg.slice(2));
    const flag = byName.get(name);
    if (!flag)
      throw new UsageError(`unknown flag --${name}; known: ${known.map((f) => `--${f.name}`).join(', ')}`);
    if (flag.boolean) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    values.set(name, value);
  }

  const base = values.has('config') ? parseQuery(values.get('config')!) : parseQuery('');
  const fixes: Fix[] = [...base.fixes];
  const unreadable = base.fixes.find((f) => f.kind === 'replaced');
  if (unreadable)
    throw new UsageError(
      `--config: ${unreadable.key}=${unreadable.raw} is ${firstClause(unreadable.reason)}`,
    );
  const config: Record<string, unknown> = { ...base.config };
  for (const flag of known) {
    const raw = values.get(flag.name);
    if (raw === undefined || !flag.param) continue;
    const checked = checkParam(flag.param, raw);
    if (checked.fix?.kind === 'replaced')
      throw new UsageError(`--${flag.name} ${raw}: ${firstClause(checked.fix.reason)}`);
    if (checked.fix) fixes.push({ key: `--${flag.name}`, ...checked.fix });
    config[flag.param] = checked.value;
  }
  return { config: config as LabConfig, fixes, flags, values };
}

export function usage(command: string, known: readonly CliFlag[]): string {
  const lines = known.map((f) => {
    const param = f.param ? PARAMS[f.param] : undefined;
    const range =
      param?.kind === 'number'
        ? ` [${formatValue(param, param.min)} … ${formatValue(param, param.max)}, default ${formatValue(param, param.default)}]`
        : param?.kind === 'choice'
          ? ` [${param.choices.map((c) => c.value).join(' | ')}, default ${param.default}]`
          : '';
    return `  --${f.name}${f.boolean ? '' : ' <value>'}  ${f.help}${range}`;
  });
  return [`usage: npm run --silent ${command} -- [flags]`, ...lines].join('\n');
}

/** JSON has no Infinity or NaN; they are written as the strings "Infinity", "-Infinity", "NaN". */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    2,
  );
}

/** Runs a CLI body: usage errors become one line on stderr and exit code 2. */
export function runCli(command: string, known: readonly CliFlag[], body: (args: ParsedArgs) => void): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage(command, known));
    return;
  }
  try {
    const args = parseArgs(argv, known);
    for (const fix of args.fixes)
      console.error(`warning: ${fix.key} ${fix.raw}: ${fix.reason} (${fix.applied})`);
    body(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${command}: ${error.message} (see --help)`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

function firstClause(reason: string): string {
  return reason.split(';')[0]!;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
