import { normalPdf } from '../specialFunctions.ts';

/** Composite Simpson rule on [a, b] with `intervals` (even) panels: an independent reference. */
export function simpson(f: (x: number) => number, a: number, b: number, intervals = 4000): number {
  const h = (b - a) / intervals;
  let sum = f(a) + f(b);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

/**
 * E f(z), z ~ N(0, 1), by Simpson's rule on [−12, 12] split at the given breakpoints (kinks of f),
 * so that each panel's integrand is smooth.
 */
export function referenceGaussianExpectation(
  f: (z: number) => number,
  breakpoints: readonly number[] = [],
): number {
  const cuts = [-12, ...breakpoints.filter((b) => Math.abs(b) < 12), 12].sort((x, y) => x - y);
  let total = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    // Stay off the breakpoints themselves, where a one-sided value (φ′ at a kink) would be wrong.
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    const inset = 1e-13 * (b - a);
    total += simpson((z) => normalPdf(z) * f(z), a + inset, b - inset);
  }
  return total;
}
