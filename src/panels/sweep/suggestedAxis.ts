/**
 * What the sweep form offers: the parameters a sweep can go over, and for each a first grid
 * around the Lab's current value that parses as written (the person edits it from there). Pure.
 */
import {
  PARAMS,
  PARAM_KEYS,
  formatValue,
  settleNumber,
  type LabConfig,
  type NumberParam,
  type ParamKey,
} from '../../config/index.ts';
import { parseAxis } from '../../sweep/axis.ts';

/** Parameters that can be an axis: everything parseAxis accepts (not init, seeds, seed, view options). */
export function sweepableKeys(config: LabConfig): ParamKey[] {
  return PARAM_KEYS.filter((key) => {
    try {
      parseAxis(`${PARAMS[key].urlKey}=${formatValue(PARAMS[key], config[key])}`);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The values after `key=` of a first grid around `config`'s value: every choice for a choice
 * parameter; five values from a tenth to ten times the value in equal ratios for a continuous log
 * parameter (η); a few whole numbers around it for an integer one (L, N); ±50 % in equal steps
 * for a linear one. Values are clamped to the parameter's range; a grid that would not parse
 * falls back to the current value alone.
 */
export function suggestedAxisValues(key: ParamKey, config: LabConfig): string {
  const param = PARAMS[key];
  const current = formatValue(param, config[key]);
  const candidate =
    param.kind === 'choice'
      ? param.choices.map((c) => c.value).join(',')
      : numberGrid(param, config[key] as number);
  try {
    parseAxis(`${param.urlKey}=${candidate}`);
    return candidate;
  } catch {
    return current;
  }
}

function numberGrid(param: NumberParam, value: number): string {
  if (param.integer) {
    const values = [value / 4, value / 2, value, value * 2].map((v) => settleNumber(param, Math.round(v)));
    return [...new Set(values)]
      .sort((a, b) => a - b)
      .map((v) => formatValue(param, v))
      .join(',');
  }
  if (param.scale === 'log' && value > 0) {
    const low = settleNumber(param, Number((value / 10).toPrecision(3)));
    const high = settleNumber(param, Number((value * 10).toPrecision(3)));
    return `${formatValue(param, low)}..${formatValue(param, high)}:5:log`;
  }
  const span = Math.max(Math.abs(value) / 2, (param.max - param.min) / 10);
  const low = settleNumber(param, Number((value - span).toPrecision(3)));
  const high = settleNumber(param, Number((value + span).toPrecision(3)));
  return `${formatValue(param, low)}..${formatValue(param, high)}:5`;
}
