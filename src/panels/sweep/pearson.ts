/** Pearson's correlation coefficient. Pure. */

/**
 * ρ = cov(x, y)/(σ_x σ_y) over the pairs where both are finite; null with fewer than three such
 * pairs or where either side is constant (ρ is then undefined).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`${xs.length} x values and ${ys.length} y values`);
  const pairs = xs.flatMap((x, i) => (Number.isFinite(x) && Number.isFinite(ys[i]) ? [[x, ys[i]!]] : []));
  const n = pairs.length;
  if (n < 3) return null;
  const mx = pairs.reduce((s, [x]) => s + x!, 0) / n;
  const my = pairs.reduce((s, [, y]) => s + y!, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x! - mx) * (y! - my);
    sxx += (x! - mx) ** 2;
    syy += (y! - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}
