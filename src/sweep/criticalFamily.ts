/**
 * The q* axis's values as (σ_w², σ_b²) pairs the schema can hold, or a SweepDefinitionError that
 * says why not (an activation without a q* family, a σ_b² beyond the slider's range).
 */
import { PARAMS, formatValue, isValidNumber, type LabConfig } from '../config/index.ts';
import { criticalPairAtQ, type CriticalPair } from '../theory/index.ts';
import { SweepDefinitionError } from './axis.ts';

/** σ_w² and σ_b² are kept to 12 significant digits, as range axes keep their inner values. */
const DIGITS = 12;

export function criticalPairOf(act: LabConfig['act'], qStar: number): CriticalPair {
  let pair: CriticalPair;
  try {
    pair = criticalPairAtQ(act, qStar);
  } catch (error) {
    throw new SweepDefinitionError(`qstar=${qStar}: ${(error as Error).message}`);
  }
  const sw2 = Number(pair.sw2.toPrecision(DIGITS));
  const sb2 = Number(pair.sb2.toPrecision(DIGITS));
  for (const [key, value] of [
    ['sw2', sw2],
    ['sb2', sb2],
  ] as const) {
    const param = PARAMS[key];
    if (!isValidNumber(param, value))
      throw new SweepDefinitionError(
        `qstar=${qStar} with φ = ${act} needs ${param.urlKey} = ${value.toPrecision(4)}, outside ${formatValue(param, param.min)} … ${formatValue(param, param.max)}${key === 'sb2' && value < (param.logMin ?? 0) ? ` (or below its smallest non-zero value ${formatValue(param, param.logMin!)})` : ''}`,
      );
  }
  return { sw2, sb2 };
}
