/**
 * One swept parameter, as written in a link (`over=…`) or on the CLI (`--over …`):
 *   key=a..b:n:log   n values from a to b in equal ratios (a, b > 0)
 *   key=a..b:n       n values from a to b in equal steps
 *   key=v1,v2,…      the values listed (numbers, or a choice's values: act=tanh,relu)
 * Keys are the schema's URL keys, or `qstar` (the critical pair with that fixed point, axisKey.ts); every value must be one the parameter can hold, exactly (a
 * sweep never clamps or rounds silently: a value out of range is an error that says why).
 */
import {
  PARAMS,
  PARAM_KEYS,
  checkChoice,
  clip,
  formatValue,
  isValidNumber,
  paramKeyOf,
  parseDecimal,
  type NumberParam,
  type ParamKey,
} from '../config/index.ts';
import { QSTAR_KEY, axisParam, type AxisKey } from './axisKey.ts';
import type { SweepAxis, SweepValue } from './types.ts';

/** A definition that cannot be run as written: the message says what and why, in one line. */
export class SweepDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepDefinitionError';
  }
}

/** Values of one axis at most: a 64 × 64 grid is already hours of training. */
export const MAX_AXIS_VALUES = 64;

/**
 * Parameters that are not axes: init and seeds are the grid's own dimensions (every point runs
 * the base configuration's inits × seeds), seed numbers those runs, and the view and runtime
 * parameters other than the threshold's (lm, thr) do not change what is trained.
 */
const NOT_SWEPT: ReadonlyMap<ParamKey, string> = new Map([
  ['init', 'every point already runs the inits of init= (both: Gaussian and orthogonal)'],
  ['seeds', 'every point already runs seeds= seeds per init'],
  ['seed', 'the seeds of a point are seed, seed+1, …; set seeds= for more of them'],
  ...PARAM_KEYS.filter(
    (key) =>
      (PARAMS[key].group === 'view' || PARAMS[key].group === 'runtime') && key !== 'lm' && key !== 'thr',
  ).map((key): [ParamKey, string] => [key, 'it does not change what is trained']),
]);

const RANGE = /^([^.][^]*?)\.\.([^:]+):([^:]+)(?::(log))?$/;

/** Reads one axis; throws SweepDefinitionError with the reason. */
export function parseAxis(text: string): SweepAxis {
  const spec = text.trim();
  const at = spec.indexOf('=');
  if (at <= 0) throw new SweepDefinitionError(`"${clip(spec)}": write key=a..b:n[:log] or key=v1,v2,…`);
  const urlKey = spec.slice(0, at).trim();
  const body = spec.slice(at + 1).trim();
  const key: AxisKey | undefined = urlKey === QSTAR_KEY ? QSTAR_KEY : paramKeyOf(urlKey);
  if (key === undefined) throw new SweepDefinitionError(`"${clip(urlKey)}" is not a parameter of the lab`);
  const refusal = key === QSTAR_KEY ? undefined : NOT_SWEPT.get(key);
  if (refusal) throw new SweepDefinitionError(`${urlKey} cannot be swept: ${refusal}`);
  const param = axisParam(key);
  if (!body.includes('..')) return listAxis(key, body);
  if (param.kind !== 'number')
    throw new SweepDefinitionError(`${urlKey} is a choice: list its values (${urlKey}=a,b,…)`);
  const range = RANGE.exec(body);
  if (!range)
    throw new SweepDefinitionError(`${urlKey}=${clip(body)}: write a range as a..b:n or a..b:n:log`);
  const [, from, to, count, log] = range;
  return rangeAxis(key, param, from!, to!, count!, log === 'log');
}

/** The canonical text of an axis (what links and files carry): parseAxis(formatAxis(a)) equals a. */
export function formatAxis(axis: SweepAxis): string {
  return axis.spec;
}

function rangeAxis(
  key: AxisKey,
  param: NumberParam,
  fromText: string,
  toText: string,
  countText: string,
  log: boolean,
): SweepAxis {
  const urlKey = param.urlKey;
  const from = endpoint(param, fromText);
  const to = endpoint(param, toText);
  const count = parseDecimal(countText);
  if (count === null || !Number.isInteger(count) || count < 2 || count > MAX_AXIS_VALUES)
    throw new SweepDefinitionError(
      `${urlKey}: the number of values "${clip(countText)}" must be a whole number from 2 to ${MAX_AXIS_VALUES}`,
    );
  if (from === to) throw new SweepDefinitionError(`${urlKey}: a range needs two different ends`);
  if (log && !(from > 0 && to > 0))
    throw new SweepDefinitionError(`${urlKey}: a log range needs ends above 0`);
  const values = Array.from({ length: count }, (_, i) => {
    const t = i / (count - 1);
    const raw = log ? from * Math.pow(to / from, t) : from + (to - from) * t;
    // Ends exactly as written; inner values without binary residue (1e-3..1:4:log is 0.001, 0.01, …).
    const exact = i === 0 ? from : i === count - 1 ? to : Number(raw.toPrecision(12));
    return param.integer ? Math.round(exact) : exact;
  });
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined)
    throw new SweepDefinitionError(
      `${urlKey}: ${count} whole numbers from ${formatValue(param, from)} to ${formatValue(param, to)} repeat ${repeated}; use fewer values`,
    );
  for (const value of values) checkInRange(param, value);
  const spec = `${urlKey}=${formatValue(param, from)}..${formatValue(param, to)}:${count}${log ? ':log' : ''}`;
  return { key, values, spec, log };
}

function listAxis(key: AxisKey, body: string): SweepAxis {
  const param = axisParam(key);
  const parts = body.split(',').map((part) => part.trim());
  if (parts.some((part) => part === ''))
    throw new SweepDefinitionError(`${param.urlKey}: an empty value in "${clip(body)}"`);
  if (parts.length > MAX_AXIS_VALUES)
    throw new SweepDefinitionError(`${param.urlKey}: ${parts.length} values, at most ${MAX_AXIS_VALUES}`);
  const values: SweepValue[] = parts.map((part) => {
    if (param.kind === 'number') return endpoint(param, part);
    const checked = checkChoice(param, part);
    if (checked.fix)
      throw new SweepDefinitionError(`${param.urlKey}=${clip(part)}: ${checked.fix.reason.split(';')[0]!}`);
    return checked.value;
  });
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined)
    throw new SweepDefinitionError(`${param.urlKey}: ${String(repeated)} is listed twice`);
  const spec = `${param.urlKey}=${values.map((v) => formatValue(param, v)).join(',')}`;
  const log = param.kind === 'number' && param.scale === 'log' && values.every((v) => (v as number) > 0);
  return { key, values, spec, log };
}

/** An end of a range, or a listed number: one the parameter can hold as written. */
function endpoint(param: NumberParam, text: string): number {
  const value = parseDecimal(text);
  if (value === null) throw new SweepDefinitionError(`${param.urlKey}: "${clip(text)}" is not a number`);
  checkInRange(param, value);
  return value;
}

function checkInRange(param: NumberParam, value: number): void {
  if (isValidNumber(param, value)) return;
  const shown = formatValue(param, value);
  if (value < param.min || value > param.max)
    throw new SweepDefinitionError(
      `${param.urlKey}=${shown} is outside ${formatValue(param, param.min)} … ${formatValue(param, param.max)}`,
    );
  if (param.integer && !Number.isInteger(value))
    throw new SweepDefinitionError(`${param.urlKey}=${shown} must be a whole number`);
  throw new SweepDefinitionError(
    `${param.urlKey}=${shown} is between 0 and ${formatValue(param, param.logMin ?? 0)}, which the parameter cannot hold`,
  );
}
