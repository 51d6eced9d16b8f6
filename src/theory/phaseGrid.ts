import type { ActivationId } from './activations.ts';
import { criticalSigmaW2, meanFieldPoint, trainableDepth } from './meanField.ts';

export interface GridAxis {
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export type PhaseGridSpec = {
  readonly act: ActivationId;
  readonly sw2: GridAxis;
  readonly sb2: GridAxis & { readonly scale: 'linear' | 'log' };
};

/** Mean-field quantities on a σ_w² × σ_b² grid, row-major: index = iSb2 · sw2Count + iSw2. */
export interface PhaseGrid {
  readonly spec: PhaseGridSpec;
  readonly sw2Values: Float64Array;
  readonly sb2Values: Float64Array;
  readonly chi1: Float64Array;
  readonly xiC: Float64Array;
  readonly qStar: Float64Array;
  readonly cStar: Float64Array;
  readonly trainableDepth: Float64Array;
}

function checkAxis(name: string, axis: GridAxis): void {
  if (!Number.isInteger(axis.count) || axis.count < 1)
    throw new RangeError(`${name}.count must be a positive integer, got ${axis.count}`);
  if (!(Number.isFinite(axis.min) && Number.isFinite(axis.max) && axis.min >= 0 && axis.min <= axis.max)) {
    throw new RangeError(`${name} needs 0 ≤ min ≤ max, both finite; got [${axis.min}, ${axis.max}]`);
  }
}

/** count values from min to max inclusive, evenly spaced (or geometrically, for 'log'). */
export function axisValues(axis: GridAxis, scale: 'linear' | 'log' = 'linear'): Float64Array {
  const values = new Float64Array(axis.count);
  if (scale === 'log' && !(axis.min > 0)) throw new RangeError(`a log axis needs min > 0, got ${axis.min}`);
  for (let i = 0; i < axis.count; i++) {
    const t = axis.count === 1 ? 0 : i / (axis.count - 1);
    values[i] =
      scale === 'log' ? axis.min * Math.pow(axis.max / axis.min, t) : axis.min + (axis.max - axis.min) * t;
  }
  values[axis.count - 1] = axis.count === 1 ? axis.min : axis.max;
  return values;
}

/**
 * Accuracy of c* and χ_c on the grid. Invisible on the map (ξ_c's relative error is at most
 * 1e-9/(1 − χ_c)), and it lets tanh use its Mehler series almost everywhere instead of 2-D
 * quadrature, which near c* ≈ 1 (just past the critical line) costs ~50× more.
 */
export const GRID_CORRELATION_TOLERANCE = 1e-9;

/**
 * The phase diagram's data. Each σ_b² row is swept in increasing σ_w², and each length-map solve
 * starts from the previous point's q* (q* moves little between neighbours), which saves most of
 * the Newton steps; tanh's Hermite coefficients are cached per q* for the correlation solve.
 */
export function evaluatePhaseGrid(spec: PhaseGridSpec): PhaseGrid {
  checkAxis('sw2', spec.sw2);
  checkAxis('sb2', spec.sb2);
  const sw2Values = axisValues(spec.sw2);
  const sb2Values = axisValues(spec.sb2, spec.sb2.scale);
  const size = sw2Values.length * sb2Values.length;
  const grid: PhaseGrid = {
    spec,
    sw2Values,
    sb2Values,
    chi1: new Float64Array(size),
    xiC: new Float64Array(size),
    qStar: new Float64Array(size),
    cStar: new Float64Array(size),
    trainableDepth: new Float64Array(size),
  };
  for (let row = 0; row < sb2Values.length; row++) {
    const sb2 = sb2Values[row] as number;
    let warmQ: number | undefined;
    for (let column = 0; column < sw2Values.length; column++) {
      const point = meanFieldPoint(spec.act, sw2Values[column] as number, sb2, {
        warmStartQ: warmQ,
        correlationTolerance: GRID_CORRELATION_TOLERANCE,
      });
      warmQ = Number.isFinite(point.qStar) && point.qStar > 0 ? point.qStar : undefined;
      const index = row * sw2Values.length + column;
      grid.chi1[index] = point.chi1;
      grid.xiC[index] = point.xiC;
      grid.qStar[index] = point.qStar;
      grid.cStar[index] = point.cStar;
      grid.trainableDepth[index] = trainableDepth(point);
    }
  }
  return grid;
}

/** σ_w² on the critical line χ₁ = 1 for each σ_b² (NaN where there is none); see criticalSigmaW2. */
export function criticalLine(act: ActivationId, sb2Values: ArrayLike<number>): Float64Array {
  const line = new Float64Array(sb2Values.length);
  for (let i = 0; i < sb2Values.length; i++) line[i] = criticalSigmaW2(act, sb2Values[i] as number);
  return line;
}
