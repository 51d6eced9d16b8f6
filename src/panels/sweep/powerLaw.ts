/**
 * Least-squares fit of y = c·x^slope on log-log axes, for the printed slopes of the NTK and weight
 * changes against width (Huang et al. Fig. 1: ≈ −1 for the NTK, ≈ −½ for the weights). Pure.
 */
export interface PowerLawFit {
  readonly slope: number;
  /** c in y = c·x^slope. */
  readonly prefactor: number;
  /** Points that entered the fit (positive and finite in both coordinates). */
  readonly count: number;
}

/** Null with fewer than two usable points or a single distinct x. */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerLawFit | null {
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)) {
      lx.push(Math.log(x));
      ly.push(Math.log(y));
    }
  }
  const n = lx.length;
  if (n < 2) return null;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, prefactor: Math.exp(my - slope * mx), count: n };
}
