import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../sweep/types.ts';
import { excessError, guideAnchor, guideValue, predictedExponent, sampleSizeLines } from './sampleSize.ts';

/** A finished point of an ntrain × mirror sweep. */
const point = (
  init: 'gaussian' | 'orthogonal',
  seed: number,
  ntrain: number,
  mirror: string,
  loss: number | null,
): SweepPoint => ({
  init,
  seed,
  tau: null,
  diverged: loss === null,
  divergedAtStep: null,
  finalLoss: 0.1,
  stepsTrained: 100,
  finalTestLoss: loss,
  ntrain,
  mirror,
});

const NS = [64, 128, 256, 512, 1024, 2048];
const FLOOR = 0.01;

describe('predictedExponent', () => {
  it('is −3/(d+3) for standard init and −½ for mirrored', () => {
    expect(predictedExponent('0', 8)).toBeCloseTo(-3 / 11, 15);
    expect(predictedExponent('0', 1)).toBeCloseTo(-0.75, 15);
    expect(predictedExponent('1', 8)).toBe(-0.5);
  });
});

describe('sampleSizeLines', () => {
  // Exact power laws above the floor, standard 2·n^−0.3 and mirrored 0.5·n^−0.5, for two seeds
  // at +10 % and −10 %: their mean is the law itself.
  const law = (mirror: string, n: number) => (mirror === '1' ? 0.5 * n ** -0.5 : 2 * n ** -0.3);
  const points = ['0', '1'].flatMap((mirror) =>
    (['gaussian', 'orthogonal'] as const).flatMap((init) =>
      NS.flatMap((n) => [
        point(init, 1, n, mirror, FLOOR + law(mirror, n) * 1.1),
        point(init, 2, n, mirror, FLOOR + law(mirror, n) * 0.9),
      ]),
    ),
  );

  it('draws one line per (mirror, init) of the mean excess over seeds, and fits each slope', () => {
    const lines = sampleSizeLines(points, '0', FLOOR);
    expect(lines.map((l) => [l.mirror, l.init])).toEqual([
      ['0', 'gaussian'],
      ['0', 'orthogonal'],
      ['1', 'gaussian'],
      ['1', 'orthogonal'],
    ]);
    for (const l of lines) {
      expect(l.cells.map((c) => c.x)).toEqual(NS);
      l.cells.forEach((c) => expect(c.value.mean).toBeCloseTo(law(l.mirror, c.x), 12));
      expect(l.cells[0]!.value.count).toBe(2);
      expect(l.fit!.slope).toBeCloseTo(l.mirror === '1' ? -0.5 : -0.3, 10);
    }
  });

  it('takes the base configuration’s mirror when it is not swept, and skips diverged points', () => {
    const unswept = points
      .filter((p) => p['mirror'] === '1')
      .map(({ mirror: _dropped, ...rest }) => rest as SweepPoint);
    const withDiverged = [...unswept, point('gaussian', 3, 64, '1', null)];
    const lines = sampleSizeLines(withDiverged, '1', FLOOR);
    expect(lines.map((l) => l.mirror)).toEqual(['1', '1']);
    expect(lines[0]!.cells[0]!.value.count).toBe(2);
  });

  it('leaves points at or below the floor out of the fit', () => {
    const flat = NS.map((n, i) => point('gaussian', 1, n, '0', i === 5 ? FLOOR : FLOOR + n ** -1));
    const [line] = sampleSizeLines(flat, '0', FLOOR);
    expect(line!.fit!.count).toBe(5);
    expect(line!.fit!.slope).toBeCloseTo(-1, 10);
  });
});

describe('guides', () => {
  it('start at the geometric mean of one mirror’s first points and follow the power law', () => {
    const lines = sampleSizeLines(
      [
        point('gaussian', 1, 64, '0', FLOOR + 0.2),
        point('orthogonal', 1, 64, '0', FLOOR + 0.05),
        point('gaussian', 1, 128, '1', FLOOR + 0.4),
      ],
      '0',
      FLOOR,
    );
    const standard = guideAnchor(lines, '0')!;
    expect(standard.x).toBe(64);
    expect(standard.y).toBeCloseTo(Math.sqrt(0.2 * 0.05), 12);
    expect(guideAnchor(lines, '1')).toEqual({ x: 128, y: expect.closeTo(0.4, 12) as number });
    expect(guideValue(standard, -0.5, 256)).toBeCloseTo(standard.y / 2, 12);
    expect(guideAnchor([], '1')).toBeNull();
  });

  it('reads the excess as the final held-out loss less the floor, none where there is no loss', () => {
    expect(excessError(point('gaussian', 1, 64, '0', 0.25), FLOOR)).toBeCloseTo(0.24, 15);
    expect(excessError(point('gaussian', 1, 64, '0', null), FLOOR)).toBeUndefined();
  });
});
