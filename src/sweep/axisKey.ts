/**
 * What a sweep axis may vary: a parameter of the schema, or `qstar`, the critical family of
 * Sokół & Park (and Pennington et al. 2017): each value q* sets σ_w² and σ_b² to the pair with
 * χ₁ = 1 whose fixed point is q* (criticalPairAtQ), so the Jacobian's mean squared singular value
 * stays 1 while its spread grows with q*. No tfjs and no theory solver here: the page's form and
 * descriptions read these descriptors.
 */
import { PARAMS, type NumberParam, type Param, type ParamKey } from '../config/index.ts';

export const QSTAR_KEY = 'qstar';
export type AxisKey = ParamKey | typeof QSTAR_KEY;

/** The q* axis described like a number parameter, so ranges, lists and charts treat it as one. */
export const QSTAR_PARAM: NumberParam = {
  kind: 'number',
  urlKey: QSTAR_KEY,
  symbol: 'q*',
  label: 'q* fixed point of a critical initialization',
  help: 'Each value sets σ_w² and σ_b² to the critical pair (χ₁ = 1) whose signal settles at q*.',
  group: 'meanField',
  min: 1e-6,
  max: 10,
  default: 1 / 64,
  integer: false,
  scale: 'log',
  digits: 4,
  unit: '',
};

/** The schema's parameter, or the q* axis's descriptor. */
export function axisParam(key: AxisKey): Param {
  return key === QSTAR_KEY ? QSTAR_PARAM : PARAMS[key];
}

/** The parameters an axis sets: itself, or σ_w² and σ_b² for q*. */
export function keysSetBy(key: AxisKey): readonly ParamKey[] {
  return key === QSTAR_KEY ? ['sw2', 'sb2'] : [key];
}
