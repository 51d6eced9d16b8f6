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

/** Rounds to the parameter's significant digits and to an integer where it must be one. */
export function normalizeNumber(param: NumberParam, value: number): number {
  const rounded = param.integer ? Math.round(value) : Number(value.toPrecision(param.digits));
  return Math.min(param.max, Math.max(param.min, rounded));
}

/** Canonical text of a value, as written in URLs and shown in numeric entries. */
export function formatValue(param: Param, value: number | string): string {
  if (param.kind === 'choice') return String(value);
  const n = value as number;
  if (param.integer) return String(n);
  // Compact, exact for normalized values: 2.01e-5 rather than 0.0000201.
  const fixed = String(n);
  const exp = n.toExponential().replace('e+', 'e');
  return exp.length < fixed.length ? exp : fixed;
}

/** Numbers as people type them: plain, exponent, or with a trailing unit-less dot. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function checkNumber(param: NumberParam, raw: string): Checked<number> {
  const text = raw.trim();
  const parsed = NUMBER_PATTERN.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(parsed)) {
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
  const value = normalizeNumber(param, parsed);
  if (parsed < param.min || parsed > param.max) {
    const bound =
      parsed < param.min
        ? `minimum ${formatValue(param, param.min)}`
        : `maximum ${formatValue(param, param.max)}`;
    return {
      value,
      fix: {
        kind: 'clamped',
        raw,
        applied: formatValue(param, value),
        reason: `out of range; clamped to the ${bound}`,
      },
    };
  }
  if (param.integer && !Number.isInteger(parsed)) {
    return {
      value,
      fix: {
        kind: 'rounded',
        raw,
        applied: formatValue(param, value),
        reason: 'must be a whole number; rounded',
      },
    };
  }
  return { value };
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

export function fromSliderPosition(param: NumberParam, position: number): number {
  if (param.scale === 'linear') {
    return normalizeNumber(param, param.min + (position / SLIDER_STEPS) * (param.max - param.min));
  }
  if (param.zeroAllowed && position < 0.5) return 0;
  const lo = logLow(param);
  const first = param.zeroAllowed ? 1 : 0;
  const t = (position - first) / (SLIDER_STEPS - first);
  return normalizeNumber(param, lo * Math.pow(param.max / lo, t));
}

function logLow(param: NumberParam): number {
  return param.logMin ?? param.min;
}
