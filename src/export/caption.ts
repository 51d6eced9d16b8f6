import { PARAMS, formatValue, type LabConfig, type ParamKey } from '../config/index.ts';

/** The parameters a figure's one-line summary names: what sets the picture, in the paper's symbols. */
const SUMMARY_KEYS: readonly ParamKey[] = [
  'act',
  'sw2',
  'sb2',
  'L',
  'N',
  'init',
  'data',
  'lr',
  'opt',
  'seeds',
];

/** Short names for parameters without a symbol, where the control's label reads long. */
const NAMES: Partial<Record<ParamKey, string>> = { init: 'init', seeds: 'seeds per init' };

/** e.g. "φ = tanh, σ_w² = 1.05, σ_b² = 2.01e-5, L = 50, N = 128, …": the link holds the rest. */
export function configSummary(config: LabConfig): string {
  return SUMMARY_KEYS.map((key) => {
    const param = PARAMS[key];
    const name = param.symbol ?? NAMES[key] ?? param.label;
    const value = config[key];
    const text =
      param.kind === 'choice'
        ? (param.choices.find((c) => c.value === value)?.label ?? String(value))
        : formatValue(param, value as number);
    return `${name} = ${text}`;
  }).join(', ');
}

/**
 * Lines of at most `maxWidth` (as `measure` reports widths) for small print: words stay whole; a
 * link, which has no spaces, breaks after '&' or ',' where it can and anywhere where it must.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const tokens = text.match(/[^\s&,]*[&,]|[^\s&,]+|\s+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
  };
  for (const token of tokens) {
    if (/^\s+$/.test(token)) {
      if (line) line += ' ';
      continue;
    }
    if (measure(line + token) <= maxWidth) {
      line += token;
      continue;
    }
    flush();
    // A token wider than a line on its own is cut where it must be.
    let rest = token;
    while (measure(rest) > maxWidth && rest.length > 1) {
      let cut = rest.length - 1;
      while (cut > 1 && measure(rest.slice(0, cut)) > maxWidth) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  flush();
  return lines;
}
