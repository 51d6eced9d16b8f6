/**
 * Root of a continuous f on [lo, hi] with f(lo), f(hi) of opposite signs, by the Illinois variant of
 * regula falsi: superlinear like the secant method, but it keeps the bracket, so it cannot escape.
 */
export function findRootInBracket(
  f: (x: number) => number,
  lo: number,
  hi: number,
  relativeTolerance = 1e-13,
): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb))
    throw new RangeError(`findRootInBracket: no sign change on [${lo}, ${hi}]`);
  let side = 0;
  let previous = NaN;
  for (let iteration = 0; iteration < 200; iteration++) {
    const x = (a * fb - b * fa) / (fb - fa);
    const fx = f(x);
    const tolerance = relativeTolerance * Math.max(Math.abs(x), Number.MIN_VALUE);
    if (fx === 0 || Math.abs(b - a) <= tolerance || Math.abs(x - previous) <= tolerance) return x;
    previous = x;
    if (Math.sign(fx) === Math.sign(fb)) {
      b = x;
      fb = fx;
      // Two moves in a row on this side: halve the stale end's value so the bracket keeps shrinking.
      if (side === 1) fa /= 2;
      side = 1;
    } else {
      a = x;
      fa = fx;
      if (side === -1) fb /= 2;
      side = -1;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}
