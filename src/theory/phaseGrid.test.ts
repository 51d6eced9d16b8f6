import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS } from './activations.ts';
import { criticalSigmaW2, meanFieldPoint, trainableDepth } from './meanField.ts';
import { axisValues, criticalLine, evaluatePhaseGrid, type PhaseGridSpec } from './phaseGrid.ts';

const spec = (act: PhaseGridSpec['act'], scale: 'linear' | 'log'): PhaseGridSpec => ({
  act,
  sw2: { min: 0.05, max: 4, count: 23 },
  sb2: scale === 'log' ? { min: 1e-6, max: 0.5, count: 9, scale } : { min: 0, max: 0.5, count: 9, scale },
});

describe('axisValues', () => {
  it('spaces evenly or geometrically, hitting both ends', () => {
    expect(Array.from(axisValues({ min: 0, max: 1, count: 5 }))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const log = axisValues({ min: 1e-6, max: 1, count: 7 }, 'log');
    log.forEach((value, i) => expect(Math.log10(value)).toBeCloseTo(-6 + i, 12));
    expect(Array.from(axisValues({ min: 2, max: 3, count: 1 }))).toEqual([2]);
  });

  it('rejects bad axes', () => {
    expect(() => axisValues({ min: 0, max: 1, count: 3 }, 'log')).toThrow(RangeError);
    expect(() => evaluatePhaseGrid({ ...spec('tanh', 'linear'), sw2: { min: 1, max: 0, count: 3 } })).toThrow(
      RangeError,
    );
    expect(() => evaluatePhaseGrid({ ...spec('tanh', 'linear'), sw2: { min: 0, max: 1, count: 0 } })).toThrow(
      RangeError,
    );
  });
});

describe('evaluatePhaseGrid', () => {
  it.each(ACTIVATION_IDS.flatMap((act) => [[act, 'linear'] as const, [act, 'log'] as const]))(
    '%s (%s σ_b²): row-major values equal meanFieldPoint at every cell',
    (act, scale) => {
      const grid = evaluatePhaseGrid(spec(act, scale));
      const columns = grid.sw2Values.length;
      expect(grid.chi1.length).toBe(columns * grid.sb2Values.length);
      for (let row = 0; row < grid.sb2Values.length; row++) {
        for (let column = 0; column < columns; column++) {
          const point = meanFieldPoint(act, grid.sw2Values[column] as number, grid.sb2Values[row] as number);
          const index = row * columns + column;
          const same = (a: number, b: number, relative: number): void => {
            if (Number.isFinite(b))
              expect(Math.abs(a - b)).toBeLessThanOrEqual(relative * Math.abs(b) + 1e-12);
            else expect(a).toBe(b);
          };
          same(grid.chi1[index] as number, point.chi1, 1e-11);
          same(grid.qStar[index] as number, point.qStar, 1e-11);
          // The grid accepts c* and χ_c to 1e-9 (GRID_CORRELATION_TOLERANCE); ξ_c = −1/ln χ_c
          // amplifies that by ξ_c near the critical line.
          same(grid.cStar[index] as number, point.cStar, 1e-7);
          const xiTolerance = 1e-8 * Math.max(1, point.xiC);
          same(grid.xiC[index] as number, point.xiC, xiTolerance);
          same(grid.trainableDepth[index] as number, trainableDepth(point), xiTolerance);
        }
      }
    },
  );

  it('puts the critical line where χ₁ crosses 1 along each row', () => {
    const grid = evaluatePhaseGrid({
      act: 'tanh',
      sw2: { min: 0.5, max: 3, count: 101 },
      sb2: { min: 0, max: 0.5, count: 6, scale: 'linear' },
    });
    const line = criticalLine('tanh', grid.sb2Values);
    for (let row = 0; row < grid.sb2Values.length; row++) {
      const critical = line[row] as number;
      expect(critical).toBeCloseTo(criticalSigmaW2('tanh', grid.sb2Values[row] as number), 14);
      grid.sw2Values.forEach((sw2, column) => {
        const chi = grid.chi1[row * grid.sw2Values.length + column] as number;
        if (sw2 < critical * 0.999) expect(chi).toBeLessThan(1);
        if (sw2 > critical * 1.001) expect(chi).toBeGreaterThan(1);
      });
    }
  });
});
