import { describe, expect, it } from 'vitest';
import { fitPowerLaw } from './powerLaw.ts';

describe('fitPowerLaw', () => {
  it('recovers an exact power law', () => {
    const xs = [64, 128, 256, 512, 1024, 2048];
    const fit = fitPowerLaw(
      xs,
      xs.map((x) => 3 * x ** -1),
    );
    expect(fit?.slope).toBeCloseTo(-1, 12);
    expect(fit?.prefactor).toBeCloseTo(3, 10);
    expect(fit?.count).toBe(6);
  });

  it('matches the closed-form regression line on noisy points', () => {
    // Two points per x with log-errors ±e cancel in the mean: the slope is the noiseless one.
    const xs = [10, 10, 100, 100, 1000, 1000];
    const e = 0.3;
    const ys = xs.map((x, i) => x ** -0.5 * Math.exp(i % 2 === 0 ? e : -e));
    expect(fitPowerLaw(xs, ys)?.slope).toBeCloseTo(-0.5, 12);
    // An uneven error at one end tilts it by the textbook amount: Σ(dx·dy)/Σdx².
    const tilted = [...ys];
    tilted[5] = tilted[5]! * Math.exp(0.6);
    const lx = xs.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / 6;
    const expected = -0.5 + ((lx[5]! - mx) * 0.6) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(fitPowerLaw(xs, tilted)?.slope).toBeCloseTo(expected, 12);
  });

  it('skips unusable points and refuses too few', () => {
    expect(fitPowerLaw([1, 2, 4], [0, NaN, 5])).toBeNull();
    expect(fitPowerLaw([4, 4], [1, 2])).toBeNull();
    const fit = fitPowerLaw([1, 2, 4, 8], [1, -1, 0.25, Infinity]);
    expect(fit?.count).toBe(2);
    expect(fit?.slope).toBeCloseTo(-1, 12);
  });
});
