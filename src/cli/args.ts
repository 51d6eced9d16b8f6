import {
  PARAMS,
  checkParam,
  clip,
  formatValue,
  parseDecimal,
  parseQuery,
  summarizeFixes,
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
  /** A switch: `--name` turns it on, `--name=true|false|1|0|yes|no` sets it. */
  readonly boolean?: boolean;
  /** May be given more than once (`--over a --over b`); every value is kept, in order, in `lists`. */
  readonly repeatable?: boolean;
  readonly help: string;
}

export interface ParsedArgs {
  readonly config: LabConfig;
  /** Values that were clamped or rounded on the way in, and repeated flags (reported on stderr). */
  readonly fixes: readonly Fix[];
  /** The boolean flags that are on. */
  readonly flags: ReadonlySet<string>;
  /** The value of each value flag, as first given. */
  readonly values: ReadonlyMap<string, string>;
  /** Every value of each repeatable flag given, in order. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

const BOOLEAN_WORDS = new Map([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);

/**
 * Parses `--name value`, `--name=value`, `--switch[=true|false]` and `--config "<URL query>"`.
 * Unknown flags, missing values and values the schema cannot read are usage errors; out-of-range
 * numbers are clamped by the schema and reported, exactly as in links. A flag given twice keeps its
 * first value and the repeat is reported, which is also what a link does with a repeated key.
 */
export function parseArgs(argv: readonly string[], known: readonly CliFlag[]): ParsedArgs {
  const byName = new Map(known.map((f) => [f.name, f]));
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const switches = new Map<string, boolean>();
  const repeats: Fix[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      const previous = i > 0 ? byName.get(splitOnce(argv[i - 1]!.slice(2))[0]) : undefined;
      const hint =
        previous?.boolean && !argv[i - 1]!.includes('=')
          ? `; --${previous.name} takes no separate value (write --${previous.name}=${arg})`
          : '; flags start with --';
      throw new UsageError(`unexpected argument "${clip(arg)}"${hint}`);
    }
    const [name, inline] = splitOnce(arg.slice(2));
    const flag = byName.get(name);
    if (!flag)
      throw new UsageError(
        `unknown flag --${clip(name)}; known: ${known.map((f) => `--${f.name}`).join(', ')}`,
      );
    if (flag.boolean) {
      const on = inline === undefined ? true : BOOLEAN_WORDS.get(inline.trim().toLowerCase());
      if (on === undefined)
        throw new UsageError(`--${name}=${clip(inline!)}: expected true or false (or 1/0, yes/no)`);
      const first = switches.get(name);
      if (first === undefined) switches.set(name, on);
      else repeats.push(repeated(name, inline ?? 'true', String(first)));
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (flag.repeatable) lists.set(name, [...(lists.get(name) ?? []), value]);
    const first = values.get(name);
    if (first === undefined) values.set(name, value);
    else if (!flag.repeatable) repeats.push(repeated(name, value, first));
  }

  const base = values.has('config') ? parseQuery(values.get('config')!) : parseQuery('');
  const fixes: Fix[] = [...repeats, ...base.fixes];
  const unreadable = base.fixes.find((f) => f.kind === 'replaced');
  if (unreadable)
    throw new UsageError(
      `--config: ${clip(unreadable.key)}=${clip(unreadable.raw)} is ${firstClause(unreadable.reason)}`,
    );
  const config: Record<string, unknown> = { ...base.config };
  for (const flag of known) {
    const raw = values.get(flag.name);
    if (raw === undefined || !flag.param) continue;
    const checked = checkParam(flag.param, raw);
    if (checked.fix?.kind === 'replaced')
      throw new UsageError(`--${flag.name} ${clip(raw)}: ${firstClause(checked.fix.reason)}`);
    if (checked.fix) fixes.push({ key: `--${flag.name}`, ...checked.fix });
    config[flag.param] = checked.value;
  }
  const flags = new Set([...switches].filter(([, on]) => on).map(([name]) => name));
  return { config: config as LabConfig, fixes, flags, values, lists };
}

function repeated(name: string, raw: string, first: string): Fix {
  return {
    key: `--${name}`,
    kind: 'ignored',
    raw,
    applied: first,
    reason: 'given more than once; the first value is kept',
  };
}

/**
 * Reads a number flag that is not a schema parameter (`--every`, `--eval`, `--example`,
 * `--seconds`) with the one number reader links use: decimal only (no hex, no '_', no Infinity).
 * A value outside the range, or not whole where `integer`, is a usage error: there is no schema
 * range to clamp to. `above` is an exclusive lower bound (a positive number: `above: 0`).
 */
export function numberFlag(
  name: string,
  raw: string,
  rule: { readonly integer?: boolean; readonly min?: number; readonly above?: number; readonly max?: number },
): number {
  const value = parseDecimal(raw);
  const { integer = false, min, above, max } = rule;
  const ok =
    value !== null &&
    Number.isFinite(value) &&
    (!integer || Number.isSafeInteger(value)) &&
    (min === undefined || value >= min) &&
    (above === undefined || value > above) &&
    (max === undefined || value <= max);
  if (ok) return value;
  const bounds = [
    min === undefined ? '' : `≥ ${min}`,
    above === undefined ? '' : `> ${above}`,
    max === undefined ? '' : `≤ ${max}`,
  ].filter(Boolean);
  const what = integer ? 'a whole number' : 'a decimal number';
  throw new UsageError(
    `--${name} ${clip(raw)}: expected ${what}${bounds.length ? ` ${bounds.join(', ')}` : ''}`,
  );
}

/** numberFlag for whole numbers, with a fallback when the flag is absent. */
export function integerFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  range: { readonly min: number; readonly max?: number },
): number {
  return raw === undefined ? fallback : numberFlag(name, raw, { integer: true, ...range });
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
    for (const line of warningLines(args.fixes)) console.error(line);
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

/** One stderr line per fix, the first few only (a --config can carry thousands), values clipped. */
export function warningLines(fixes: readonly Fix[]): string[] {
  const { shown, more } = summarizeFixes(fixes);
  const lines = shown.map(
    (fix) => `warning: ${fix.key} ${fix.raw}: ${fix.reason}${fix.applied === '' ? '' : ` (${fix.applied})`}`,
  );
  if (more > 0) lines.push(`warning: and ${more} more`);
  return lines;
}

function firstClause(reason: string): string {
  return reason.split(';')[0]!;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
