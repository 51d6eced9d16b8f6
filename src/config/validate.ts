import {
  PARAMS,
  type ChoiceParam,
  type LabConfig,
  type NumberParam,
  type Param,
  type ParamKey,
} from './schema.ts';

/** What was changed on the way in, and why: shown to the user, never silent. */
export interface Fix {
  readonly key: string;
  /** 'replaced': unreadable, the default was used; 'ignored': an unknown key or a repeat. */
  readonly kind: 'replaced' | 'clamped' | 'rounded' | 'ignored';
  readonly raw: string;
  readonly applied: string;
  readonly reason: string;
}

export type Checked<V> = { readonly value: V; readonly fix?: Omit<Fix, 'key'> };

/**
 * Makes a finite number valid for its parameter and changes nothing else: clamped to [min, max],
 * rounded where a whole number is required, and for a log slider with an exact 0 (σ_b²) moved out
 * of the gap (0, logMin) that the slider cannot show, to whichever end is nearer on a linear scale.
 * Every digit of a value that is already valid is kept.
 */
export function settleNumber(param: NumberParam, value: number): number {
  let settled = Math.min(param.max, Math.max(param.min, value));
  if (param.integer) settled = Math.round(settled);
  const low = param.zeroAllowed ? param.logMin : undefined;
  if (low !== undefined && settled > 0 && settled < low) settled = settled < low / 2 ? 0 : low;
  // -0 and 0 are the same value; the configuration only ever holds +0.
  return settled === 0 ? 0 : settled;
}

/** Whether a value is one the parameter can hold: what settleNumber leaves unchanged. */
export function isValidNumber(param: NumberParam, value: number): boolean {
  return Number.isFinite(value) && Object.is(settleNumber(param, value), value);
}

/**
 * A value computed by the interface (an arrow key adds 0.01): binary residue beyond 15 significant
 * digits is dropped, so that 1.05 + 8 × 0.01 is 1.13 and not 1.1300000000000001, then settled.
 */
export function cleanNumber(param: NumberParam, value: number): number {
  return settleNumber(param, Number(value.toPrecision(15)));
}

/**
 * A value made by pointing (a slider position, a click on the diagram): rounded to the parameter's
 * `digits` so that links stay short, then settled. Never applied to typed or linked values.
 */
export function tidyNumber(param: NumberParam, value: number): number {
  return settleNumber(param, Number(value.toPrecision(param.digits)));
}

/** The former name of tidyNumber, kept for pointer code (the phase diagram) that imports it. */
export const normalizeNumber = tidyNumber;

/**
 * Canonical text of a value, as written in URLs and shown in numeric entries: the shortest text
 * that reads back as the same 64-bit float (so parse → write → parse is exact), in exponent form
 * when that is shorter, and never with a '+' (which a URL query would read as a space).
 */
export function formatValue(param: Param, value: number | string): string {
  if (param.kind === 'choice') return String(value);
  const n = value as number;
  if (param.integer) return String(n);
  const fixed = String(n).replace('e+', 'e');
  const exp = n.toExponential().replace('e+', 'e');
  return exp.length < fixed.length ? exp : fixed;
}

/** A decimal number as written: sign, significant digits (no leading or trailing zeros), exponent. */
interface Decimal {
  readonly negative: boolean;
  /** '' for zero. */
  readonly digits: string;
  /** The value is ±digits × 10^exponent, digits read as a whole number. */
  readonly exponent: number;
}

/**
 * The one number syntax the lab reads, in links, entries and CLI flags: decimal, with an optional
 * sign, point and exponent. No hex, no '_', no 'Infinity' or 'NaN', no empty text. Written so
 * that a string of digits can be split only one way: no backtracking, linear time on any input.
 */
const NUMBER_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;

function readDecimal(text: string): Decimal | null {
  const match = NUMBER_PATTERN.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = '', onlyFraction = '', exponentText = '0'] = match;
  const frac = fraction + onlyFraction;
  const all = whole + frac;
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  let end = all.length;
  while (end > start && all.charCodeAt(end - 1) === 48) end--;
  const digits = all.slice(start, end);
  // A huge written exponent only matters when the value is neither 0 nor ±Infinity, which needs
  // about as many digits as the exponent is large: a float's precision is enough here.
  const exponent = digits === '' ? 0 : Number(exponentText) - frac.length + (all.length - end);
  return { negative: sign === '-', digits, exponent };
}

/** Reads a number the strict way; null for anything that is not a decimal number. ±Infinity on overflow. */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER_PATTERN.test(trimmed) ? Number(trimmed) : null;
}

/** Whether a text is a decimal number that denotes exactly this value (1.0, 01 and 1e0 are 1). */
export function denotesExactly(text: string, value: number): boolean {
  const written = readDecimal(text.trim());
  return written !== null && denotes(written, value);
}

/** Whether a written decimal denotes exactly this float (ignoring the sign of zero). */
function denotes(written: Decimal, value: number): boolean {
  const exact = readDecimal(String(value));
  if (exact === null) return false;
  if (written.digits === '') return exact.digits === '';
  return (
    written.negative === exact.negative &&
    written.digits === exact.digits &&
    written.exponent === exact.exponent
  );
}

// A nonzero text that reads as ±0 (1e-400, an underflow) is a tiny number of its sign, not 0.
function isBelow(parsed: number, sign: number, bound: number): boolean {
  return parsed === 0 && sign !== 0 ? (sign < 0 ? bound >= 0 : bound > 0) : parsed < bound;
}

function isAbove(parsed: number, sign: number, bound: number): boolean {
  return parsed === 0 && sign !== 0 ? (sign > 0 ? bound <= 0 : bound < 0) : parsed > bound;
}

/** Why an in-range value is not exactly what was written. */
function roundingReason(param: NumberParam, parsed: number, value: number): string {
  if (value !== parsed && param.integer) return 'must be a whole number; rounded';
  // settleNumber moved it out of the slider gap, or it underflowed to 0 from inside the gap.
  if (value !== parsed || (parsed === 0 && param.zeroAllowed)) {
    const low = formatValue(param, param.logMin ?? 0);
    return `between 0 and ${low}, which the slider cannot show; set to the nearer one`;
  }
  if (parsed === 0) return 'too small for a 64-bit float; read as 0';
  return 'more significant digits than a 64-bit float holds; rounded';
}

/**
 * Reads a number for a parameter. A valid value is kept exactly as written, every digit a 64-bit
 * float holds; anything else comes back with a fix that says what was done and why.
 */
export function checkNumber(param: NumberParam, raw: string): Checked<number> {
  const text = raw.trim();
  const written = readDecimal(text);
  if (written === null) {
    return {
      value: param.default,
      fix: {
        kind: 'replaced',
        raw,
        applied: formatValue(param, param.default),
        reason: 'not a number; default used',
      },
    };
  }
  // Overflow gives ±Infinity and underflow ±0: both are out-of-range or tiny numbers, not errors.
  const parsed = Number(text);
  const sign = written.digits === '' ? 0 : written.negative ? -1 : 1;
  const below = isBelow(parsed, sign, param.min);
  if (below || isAbove(parsed, sign, param.max)) {
    const value = below ? param.min : param.max;
    return {
      value,
      fix: {
        kind: 'clamped',
        raw,
        applied: formatValue(param, value),
        reason: `out of range; clamped to the ${below ? 'minimum' : 'maximum'} ${formatValue(param, value)}`,
      },
    };
  }
  const value = settleNumber(param, parsed);
  if (denotes(written, value)) return { value };
  const reason = roundingReason(param, parsed, value);
  return { value, fix: { kind: 'rounded', raw, applied: formatValue(param, value), reason } };
}

export function checkChoice<V extends string>(param: ChoiceParam<V>, raw: string): Checked<V> {
  const text = raw.trim().toLowerCase();
  const match = param.choices.find((c) => c.value.toLowerCase() === text);
  if (match) return { value: match.value };
  const allowed = param.choices.map((c) => c.value).join(', ');
  return {
    value: param.default,
    fix: { kind: 'replaced', raw, applied: param.default, reason: `not one of ${allowed}; default used` },
  };
}

export function checkParam(key: ParamKey, raw: string): Checked<LabConfig[ParamKey]> {
  const param: Param = PARAMS[key];
  // The schema guarantees that a choice parameter's values are the config's values for that key.
  return (param.kind === 'number' ? checkNumber(param, raw) : checkChoice(param, raw)) as Checked<
    LabConfig[ParamKey]
  >;
}

/** How many fixes a notice lists, and how much of a key or value it shows: a few lines at most. */
export const NOTICE_LIMIT = 8;
export const NOTICE_TEXT_LIMIT = 40;

/** Cuts text to at most `limit` characters, ending in '…' (and never inside a surrogate pair). */
export function clip(text: string, limit = NOTICE_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** The first `limit` fixes with keys and values clipped, and how many more there are. */
export function summarizeFixes(
  fixes: readonly Fix[],
  limit = NOTICE_LIMIT,
): { readonly shown: readonly Fix[]; readonly more: number } {
  const shown = fixes
    .slice(0, limit)
    .map((fix) => ({ ...fix, key: clip(fix.key), raw: clip(fix.raw), applied: clip(fix.applied) }));
  return { shown, more: Math.max(0, fixes.length - limit) };
}

/**
 * Slider positions for a parameter. Log parameters move in equal ratios; with `zeroAllowed`
 * position 0 is exactly 0 and the rest spans [logMin, max].
 */
export const SLIDER_STEPS = 1000;

export function toSliderPosition(param: NumberParam, value: number): number {
  if (param.scale === 'linear') return ((value - param.min) / (param.max - param.min)) * SLIDER_STEPS;
  const lo = logLow(param);
  if (param.zeroAllowed && value < lo) return 0;
  const first = param.zeroAllowed ? 1 : 0;
  const t = Math.log(Math.max(value, lo) / lo) / Math.log(param.max / lo);
  return first + t * (SLIDER_STEPS - first);
}

/** The value at a slider position, tidied to the parameter's digits; positions off the track are clamped. */
export function fromSliderPosition(param: NumberParam, position: number): number {
  const at = Math.min(SLIDER_STEPS, Math.max(0, position));
  if (param.scale === 'linear') {
    return tidyNumber(param, param.min + (at / SLIDER_STEPS) * (param.max - param.min));
  }
  if (param.zeroAllowed && at < 0.5) return 0;
  const lo = logLow(param);
  const first = param.zeroAllowed ? 1 : 0;
  // Between 0 and 1 there is no value: that stretch of a zeroAllowed slider is the jump from 0 to logMin.
  const t = Math.max(0, at - first) / (SLIDER_STEPS - first);
  return tidyNumber(param, lo * Math.pow(param.max / lo, t));
}

function logLow(param: NumberParam): number {
  return param.logMin ?? param.min;
}

/**
 * Settings that contradict one another, settled so that the configuration runs, with a fix for
 * each change (shown like any other): the recurrent network (arch=rnn) reads MNIST images row by
 * row, so it takes data=mnist, and it has no mirrored form (mirror=0). Everything else is kept.
 */
export function settleCrossField(config: LabConfig): { config: LabConfig; fixes: Fix[] } {
  const fixes: Fix[] = [];
  if (config.arch !== 'rnn') return { config, fixes };
  let settled = config;
  if (config.data !== 'mnist') {
    settled = { ...settled, data: 'mnist' };
    fixes.push({
      key: PARAMS.data.urlKey,
      kind: 'replaced',
      raw: config.data,
      applied: 'mnist',
      reason: 'arch=rnn reads MNIST images row by row (28 steps of 28 pixels); data=mnist used',
    });
  }
  if (config.mirror === '1') {
    settled = { ...settled, mirror: '0' };
    fixes.push({
      key: PARAMS.mirror.urlKey,
      kind: 'replaced',
      raw: config.mirror,
      applied: '0',
      reason: 'mirrored initialization is for the layered networks (arch=mlp); mirror=0 used with arch=rnn',
    });
  }
  return { config: settled, fixes };
}
