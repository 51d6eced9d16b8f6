import { DEFAULT_CONFIG, PARAM_KEYS, PARAMS, URL_VERSION, type LabConfig, type ParamKey } from './schema.ts';
import { checkParam, formatValue, type Fix } from './validate.ts';

export interface ParsedUrl {
  readonly config: LabConfig;
  /** Every value that was not taken as written, and every key that was ignored. */
  readonly fixes: readonly Fix[];
}

const KEY_BY_URL_KEY = new Map<string, ParamKey>(PARAM_KEYS.map((key) => [PARAMS[key].urlKey, key]));

/** Reads a query string (with or without '?'); never throws, whatever the input. */
export function parseQuery(search: string): ParsedUrl {
  const query = new URLSearchParams(search);
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const fixes: Fix[] = [];
  const seen = new Set<string>();

  for (const [urlKey, raw] of query) {
    if (urlKey === 'v') {
      if (raw.trim() !== String(URL_VERSION)) {
        fixes.push({
          key: 'v',
          kind: 'ignored',
          raw,
          applied: String(URL_VERSION),
          reason: `unknown link version; read as version ${URL_VERSION}`,
        });
      }
      continue;
    }
    const key = KEY_BY_URL_KEY.get(urlKey);
    if (key === undefined) {
      fixes.push({ key: urlKey, kind: 'ignored', raw, applied: '', reason: 'unknown parameter; ignored' });
      continue;
    }
    if (seen.has(key)) {
      fixes.push({
        key: urlKey,
        kind: 'ignored',
        raw,
        applied: formatValue(PARAMS[key], config[key] as string | number),
        reason: 'given twice; the first value is kept',
      });
      continue;
    }
    seen.add(key);
    const checked = checkParam(key, raw);
    config[key] = checked.value;
    if (checked.fix) fixes.push({ key: urlKey, ...checked.fix });
  }
  return { config: config as LabConfig, fixes };
}

/** Writes every parameter, version first, so that a link pins the whole state even if defaults change. */
export function toQuery(config: LabConfig): string {
  const parts = [`v=${URL_VERSION}`];
  for (const key of PARAM_KEYS) {
    const param = PARAMS[key];
    parts.push(`${param.urlKey}=${encodeURIComponent(formatValue(param, config[key]))}`);
  }
  return `?${parts.join('&')}`;
}
