import { DEFAULT_CONFIG, PARAM_KEYS, PARAMS, URL_VERSION, paramKeyOf, type LabConfig } from './schema.ts';
import { checkParam, denotesExactly, formatValue, settleCrossField, type Fix } from './validate.ts';

export interface ParsedUrl {
  readonly config: LabConfig;
  /** Every value that was not taken as written, and every key that was ignored, in query order. */
  readonly fixes: readonly Fix[];
}

/** The key of the link format's version. */
export const VERSION_KEY = 'v';

/**
 * Keys of a sweep link (src/sweep/definition.ts reads them): `over` (an axis, once or twice),
 * `measure` and `exp`. They describe the sweep, not the configuration, so parseQuery passes over
 * them without a notice.
 */
export const SWEEP_URL_KEYS: readonly string[] = ['over', 'measure', 'exp'];

/** The view a link opens (src/ui/views.ts reads it): not part of the configuration either. */
export const VIEW_URL_KEY = 'view';

/**
 * How the lab is presented (src/config/presentation.ts reads them): the preset shown, lecture mode,
 * the controls lecture mode shows, the panels enlarged. Not part of the configuration either.
 */
export const PRESENTATION_URL_KEYS: readonly string[] = ['preset', 'lecture', 'show', 'focus'];

/** Keys that parseQuery leaves to others without a notice. */
const NOT_CONFIGURATION: readonly string[] = [...SWEEP_URL_KEYS, VIEW_URL_KEY, ...PRESENTATION_URL_KEYS];

/**
 * A query decodes '+' as a space (application/x-www-form-urlencoded), so `lr=1e+0` arrives as
 * "1e 0". In a number a space can only have been a '+' where a sign goes: first, or right after
 * the 'e'. Anything else is left as it came, to be refused by the number reader.
 */
export function restorePlus(raw: string): string {
  return raw.replace(/^ (?=[\d.])/, '+').replace(/^([+-]?(?:\d+(?:\.\d*)?|\.\d+)e) (?=\d+$)/i, '$1+');
}

/**
 * Reads a query string (with or without '?'); never throws, whatever the input, and takes time in
 * proportion to its length. Rules: unknown keys are ignored (sweep keys silently); a key given more than once keeps its
 * first value (the CLI does the same); every change to what was written is a Fix.
 */
export function parseQuery(search: string): ParsedUrl {
  const query = new URLSearchParams(search);
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const fixes: Fix[] = [];
  const seen = new Set<string>();

  for (const [urlKey, decoded] of query) {
    if (NOT_CONFIGURATION.includes(urlKey)) continue;
    const key = urlKey === VERSION_KEY ? VERSION_KEY : paramKeyOf(urlKey);
    if (key === undefined) {
      fixes.push({
        key: urlKey,
        kind: 'ignored',
        raw: decoded,
        applied: '',
        reason: 'unknown parameter; ignored',
      });
      continue;
    }
    const numeric = key === VERSION_KEY || PARAMS[key].kind === 'number';
    const raw = numeric ? restorePlus(decoded) : decoded;
    if (seen.has(key)) {
      const kept =
        key === VERSION_KEY ? String(URL_VERSION) : formatValue(PARAMS[key], config[key] as string | number);
      fixes.push({
        key: urlKey,
        kind: 'ignored',
        raw,
        applied: kept,
        reason: 'given more than once; the first value is kept',
      });
      continue;
    }
    seen.add(key);
    if (key === VERSION_KEY) {
      // A version is a number like any other: 1.0, 01 and 1e0 are version 1.
      if (!denotesExactly(raw, URL_VERSION)) {
        fixes.push({
          key: urlKey,
          kind: 'ignored',
          raw,
          applied: String(URL_VERSION),
          reason: `unknown link version; read as version ${URL_VERSION}`,
        });
      }
      continue;
    }
    const checked = checkParam(key, raw);
    config[key] = checked.value;
    if (checked.fix) fixes.push({ key: urlKey, ...checked.fix });
  }
  // Values valid one by one that do not go together (arch=rnn with the teacher task).
  const settled = settleCrossField(config as LabConfig);
  return { config: settled.config, fixes: [...fixes, ...settled.fixes] };
}

/**
 * Writes every parameter, version first, so that a link pins the whole state even if defaults
 * change. The text is canonical: one configuration, one query, which parseQuery reads back exactly.
 */
export function toQuery(config: LabConfig): string {
  const parts = [`${VERSION_KEY}=${URL_VERSION}`];
  for (const key of PARAM_KEYS) {
    const param = PARAMS[key];
    parts.push(`${param.urlKey}=${encodeURIComponent(formatValue(param, config[key]))}`);
  }
  return `?${parts.join('&')}`;
}
