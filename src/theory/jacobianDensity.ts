import { resolveActivation, type Activation } from './activations.ts';
import { cAbs, cConj, cDiv, cExp, cLog, cMul, complex, cIsFinite, type Complex } from './complex.ts';
import { fixedPointQ, type ActivationLike } from './lengthMap.ts';
import { continuousSlopeLaw, discreteSlopeLaw, type SlopeLaw } from './slopeLaw.ts';
import { erf, erfc, normalPdf } from './specialFunctions.ts';

export type WeightInit = 'gaussian' | 'orthogonal';

/** A point mass of the spectrum of JJᵀ away from 0. */
export interface PointMass {
  readonly lambda: number;
  readonly weight: number;
}

export interface JacobianDensityOptions {
  /** Grid size (default 300). */
  readonly points?: number;
  /**
   * 'log' (default): grid adapted in ln λ, covering the heavy lower tail of deep Gaussian networks.
   * 'linear': grid adapted in λ on [max(lower edge, 1e-6·upper edge), upper edge].
   */
  readonly scale?: 'log' | 'linear';
  /** Continuous mass that may be left below the grid (default 1e-6, relative). */
  readonly tailTolerance?: number;
}

/**
 * The spectral law of JJᵀ (squared singular values of the input–output Jacobian) at infinite
 * width: point masses (`atZero`, `atoms`) plus a continuous density tabulated on a grid.
 *
 * Mass bookkeeping: atZero + Σ atoms.weight + ∫ density dλ over the grid + tailMass + topMass = 1, where
 * tailMass is the continuous mass below lambda[0] (nonzero only when the lower tail reaches below
 * the representable range, e.g. deep Gaussian networks, where a fraction of the eigenvalues is
 * smaller than 1e-300, or below the start of a 'linear' grid).
 *
 * A degenerate spectrum (linear network, orthogonal weights: every λ = σ_w^{2L}) is one atom of
 * weight 1 with an empty grid and support [σ_w^{2L}, σ_w^{2L}]: draw it as a spike.
 */
export interface JacobianDensity {
  readonly init: WeightInit;
  readonly depth: number;
  readonly qStar: number;
  /** Grid of eigenvalues λ, increasing, within [1e-300, 1e300]. */
  readonly lambda: Float64Array;
  /** Continuous density ρ(λ) at the grid points (finite, ≥ 0). */
  readonly density: Float64Array;
  /** ln λ at the grid points. */
  readonly logLambda: Float64Array;
  /** λ·ρ(λ): the density of ln λ, for plots on a logarithmic λ axis. */
  readonly logDensity: Float64Array;
  /** Point mass at λ = 0 (1 − p for ReLU/hard-tanh, whose D has a fraction 1 − p of zeros). */
  readonly atZero: number;
  /** Point masses at λ > 0 (orthogonal weights with a slope law d ∈ {0, 1} and L(1 − p) < 1). */
  readonly atoms: readonly PointMass[];
  /** Continuous mass below lambda[0]. */
  readonly tailMass: number;
  /**
   * Continuous mass above lambda[last]: nonzero only where the density diverges (integrably) at the
   * upper edge instead of vanishing like a square root, e.g. one orthogonal tanh layer, where
   * ρ ∝ (λ_max − λ)^{−1/2}, or ReLU with orthogonal weights at L = 2.
   */
  readonly topMass: number;
  /** Support of the continuous part: [lower edge (0 if it reaches 0), upper edge]. */
  readonly support: readonly [number, number];
  /** How the grid was laid out. */
  readonly scale: 'log' | 'linear';
  /** false when the solver failed or the spectrum is out of the double range; see reason. */
  readonly ok: boolean;
  readonly reason?: string;
}

const TWO_PI = 2 * Math.PI;
// Representable window for λ and ρ(λ) = (λρ)/λ.
const LOG_FLOOR = Math.log(1e-300);
const LOG_CEIL = Math.log(1e300);

interface Problem {
  readonly law: SlopeLaw;
  readonly depth: number;
  readonly gaussian: boolean;
  readonly logSw2: number;
  readonly tol: number;
}

interface Evaluation {
  /** ln λ(x) with principal logs (defined mod 2πi). */
  readonly ell: Complex;
  /** dℓ/d(ln x). */
  readonly slope: Complex;
  readonly m: Complex;
}

/**
 * ℓ(x) = ln M⁻¹_{JJᵀ}(m) with m = M_{D²}(x) (THEORY.md §3):
 *   λ = ((1 + m)/m) (m x/(1 + m))^L σ_w^{2L} [(1 + m)^L for Gaussian weights], i.e.
 *   ℓ = a ln(1 + m) + (L − 1) ln m + L ln x + L ln σ_w², a = 1 (Gaussian), 1 − L (orthogonal).
 */
function evaluate(problem: Problem, x: Complex): Evaluation {
  let law = problem.law.evaluate(x);
  if (!cIsFinite(law.m) || !cIsFinite(law.dm) || !cIsFinite(law.onePlusM)) {
    // x on an endpoint of a piece of the law of d (possible for real x inside its support, which
    // only L = 1 with orthogonal weights reaches): step just above the axis.
    law = problem.law.evaluate(complex(x.re, Math.abs(x.im) + 1e-13 * cAbs(x)));
  }
  const { m, onePlusM, dm } = law;
  const L = problem.depth;
  const a = problem.gaussian ? 1 : 1 - L;
  const logX = cLog(x);
  let ellRe = L * logX.re + L * problem.logSw2;
  let ellIm = L * logX.im;
  let dEllDmRe = 0;
  let dEllDmIm = 0;
  if (a !== 0) {
    const logOne = cLog(onePlusM);
    ellRe += a * logOne.re;
    ellIm += a * logOne.im;
    const inv = cDiv(complex(a), onePlusM);
    dEllDmRe += inv.re;
    dEllDmIm += inv.im;
  }
  if (L !== 1) {
    const logM = cLog(m);
    ellRe += (L - 1) * logM.re;
    ellIm += (L - 1) * logM.im;
    const inv = cDiv(complex(L - 1), m);
    dEllDmRe += inv.re;
    dEllDmIm += inv.im;
  }
  // dℓ/d ln x = x (dℓ/dm · dm/dx) + L
  // (L = 1 with orthogonal weights: λ = σ_w² x does not involve m, whose derivative may be infinite.)
  const chain =
    dEllDmRe === 0 && dEllDmIm === 0 ? complex(0) : cMul(x, cMul(complex(dEllDmRe, dEllDmIm), dm));
  return { ell: complex(ellRe, ellIm), slope: complex(chain.re + L, chain.im), m };
}

function wrapAngle(t: number): number {
  return t - TWO_PI * Math.round(t / TWO_PI);
}

function residual(ev: Evaluation, u: number, theta: number): Complex {
  return complex(ev.ell.re - u, wrapAngle(ev.ell.im - theta));
}

interface Solution {
  readonly u: number;
  readonly x: Complex;
  readonly m: Complex;
  readonly slope: Complex;
  /** λρ(λ) = −Im m/π. */
  readonly v: number;
  /** An exact edge (double root): density 0, not a start for continuation. */
  readonly edge?: boolean;
}

/** Newton's method in y = ln x for ℓ(x) = u + iθ (mod 2πi). */
function newton(
  problem: Problem,
  x0: Complex,
  u: number,
  theta: number,
  maxIterations = 30,
): { x: Complex; ev: Evaluation; iterations: number } | null {
  let x = x0;
  for (let it = 0; it <= maxIterations; it++) {
    const ev = evaluate(problem, x);
    if (!cIsFinite(ev.ell) || !cIsFinite(ev.slope)) return null;
    const r = residual(ev, u, theta);
    const size0 = cAbs(r);
    // Converged, or at the rounding floor of ℓ (a sum of L-fold logs) after a few iterations.
    if (size0 <= problem.tol || (it >= 4 && size0 <= 1e-9)) return { x, ev, iterations: it };
    let dy = cDiv(r, ev.slope);
    if (!cIsFinite(dy)) return null;
    const size = cAbs(dy);
    if (size > 0.5) dy = complex((dy.re * 0.5) / size, (dy.im * 0.5) / size);
    x = cMul(x, cExp(complex(-dy.re, -dy.im)));
    if (!cIsFinite(x) || (x.re === 0 && x.im === 0)) return null;
  }
  return null;
}

/**
 * The physical root on the real λ axis: λ(x̄) = conj λ(x), so if x solves λ(x) = λ so does x̄;
 * the Stieltjes transform needs Im G(λ + i0) ≤ 0, i.e. Im m ≤ 0, i.e. Im x ≥ 0.
 */
function physical(problem: Problem, u: number, x: Complex, ev: Evaluation): Solution {
  let xx = x;
  let e = ev;
  // A real x gets Im x = +0, the limit from the upper half plane (the sign of zero picks the branch).
  if (x.im < 0 || Object.is(x.im, -0)) {
    xx = cConj(x);
    e = { ell: cConj(ev.ell), slope: cConj(ev.slope), m: cConj(ev.m) };
  }
  return { u, x: xx, m: e.m, slope: e.slope, v: Math.max(0, -e.m.im / Math.PI) };
}

/**
 * Starting point by homotopy in arg z: at z = −e^u (θ = π) the root is real and negative and is
 * found by bisection (λ(x) is monotone on x < 0); then θ is lowered to 0 along z = e^{u + iθ},
 * where the subordination function x(z) is analytic, so Newton tracks the physical branch.
 */
function homotopyStart(problem: Problem, u: number): Solution | null {
  const g = (t: number): number => evaluate(problem, complex(-Math.exp(t))).ell.re - u;
  let lo = -1;
  let hi = 1;
  for (let i = 0; i < 200 && !(g(lo) < 0); i++) lo = lo * 2 - 1;
  for (let i = 0; i < 200 && !(g(hi) > 0); i++) hi = hi * 2 + 1;
  if (!(g(lo) < 0 && g(hi) > 0)) return null;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) < 0) lo = mid;
    else hi = mid;
  }
  const start = newton(problem, complex(-Math.exp(0.5 * (lo + hi))), u, Math.PI);
  if (!start) return null;
  let x = start.x;
  let slope = start.ev.slope;
  let theta = Math.PI;
  let step = Math.PI / 24;
  while (theta > 0) {
    const next = Math.max(0, theta - step);
    // Predictor: dy = dℓ/slope with dℓ = i(next − θ).
    const guess = cMul(x, cExp(cDiv(complex(0, next - theta), slope)));
    const guessEv = evaluate(problem, guess);
    const r0 = residual(guessEv, u, next);
    const solved = cAbs(r0) < 0.5 ? newton(problem, guess, u, next, 15) : null;
    if (!solved) {
      step /= 2;
      if (step < 1e-9) return null;
      continue;
    }
    x = solved.x;
    slope = solved.ev.slope;
    theta = next;
    step = Math.min(step * 1.5, Math.PI / 8);
    if (theta === 0) return physical(problem, u, solved.x, solved.ev);
  }
  return null;
}

/** One continuation step along the real λ axis (θ = 0), from a solved point to u. */
function stepTo(problem: Problem, from: Solution, u: number): Solution | null {
  let dy = cDiv(complex(u - from.u), from.slope);
  const size = cAbs(dy);
  if (!Number.isFinite(size)) return null;
  if (size > 0.3) dy = complex((dy.re * 0.3) / size, (dy.im * 0.3) / size);
  let guess = cMul(from.x, cExp(dy));
  // A real start cannot reach a complex root: nudge into the upper half plane (Im x ≥ 0 there).
  const scale = cAbs(guess);
  if (Math.abs(guess.im) < 1e-6 * scale) guess = complex(guess.re, guess.im + 1e-4 * scale);
  const r0 = residual(evaluate(problem, guess), u, 0);
  if (!(cAbs(r0) < 0.5)) return null;
  const solved = newton(problem, guess, u, 0, 20);
  if (!solved) return null;
  return physical(problem, u, solved.x, solved.ev);
}

/** Continue from `from` to u, halving the step where a step fails. */
function continueTo(problem: Problem, from: Solution, u: number, maxStep: number): Solution | null {
  let current = from;
  let h = Math.min(Math.abs(u - from.u), maxStep);
  let guard = 0;
  while (current.u !== u) {
    if (++guard > 4000) return null;
    const remaining = u - current.u;
    const target = Math.abs(remaining) <= h ? u : current.u + Math.sign(remaining) * h;
    const next = stepTo(problem, current, target);
    if (!next) {
      h /= 2;
      if (h < 1e-13 * Math.max(1, Math.abs(u))) return null;
      continue;
    }
    current = next;
    h = Math.min(h * 1.5, maxStep);
  }
  return current;
}

interface Edges {
  /** ln of the upper edge of the continuous part. */
  readonly uTop: number;
  /** x at the upper edge when it is a square-root edge (density 0 there). */
  readonly xTop: Complex | null;
  /** ln of the lower edge when the support is bounded away from 0. */
  readonly uBottom: number | null;
  readonly xBottom: Complex | null;
}

function discreteEll(problem: Problem, m: number): number {
  // ln λ for d ∈ {0, 1}: x = 1 + p/m, m x = m + p.
  const { depth: L, law } = problem;
  const p = law.p;
  const base = Math.log(Math.abs((1 + m) / m)) + L * problem.logSw2;
  return problem.gaussian
    ? base + L * Math.log(Math.abs(m + p))
    : base + L * Math.log(Math.abs((m + p) / (1 + m)));
}

/**
 * Edges are critical points of λ(x) on the real axis (where two real roots merge). For d ∈ {0, 1}
 * they are closed form in m: Gaussian L m² + (L − 1) m − p = 0, orthogonal m = p/(L(1 − p) − 1).
 * For smooth φ the upper edge is found by scanning x > max d for a sign change of dℓ/dx.
 */
function findEdges(problem: Problem): Edges | null {
  const { law, depth: L } = problem;
  if (law.discrete) {
    const p = law.p;
    if (problem.gaussian) {
      const disc = Math.sqrt((L - 1) * (L - 1) + 4 * L * p);
      // The positive root, written without cancellation.
      const mPlus = (2 * p) / (L - 1 + disc);
      const top = { uTop: discreteEll(problem, mPlus), xTop: complex(1 + p / mPlus) };
      if (L === 1 && p < 1) {
        // Marchenko–Pastur with ratio p: lower edge (1 − √p)² σ_w².
        const mMinus = -Math.sqrt(p);
        return { ...top, uBottom: discreteEll(problem, mMinus), xBottom: complex(1 + p / mMinus) };
      }
      return { ...top, uBottom: null, xBottom: null };
    }
    const k = L * (1 - p) - 1;
    if (k === 0) return { uTop: L * problem.logSw2, xTop: null, uBottom: null, xBottom: null };
    const mc = p / k;
    return { uTop: discreteEll(problem, mc), xTop: complex(1 + p / mc), uBottom: null, xBottom: null };
  }
  const dMax = law.dMax;
  const dEll = (s: number): number => evaluate(problem, complex(dMax + s)).slope.re;
  let previous = 4;
  if (!(dEll(10 ** previous) > 0)) return null;
  for (let k = 1; k <= 18 * 8; k++) {
    const exponent = 4 - k / 8;
    if (dEll(10 ** exponent) <= 0) {
      let hi = previous;
      let lo = exponent;
      for (let i = 0; i < 80; i++) {
        const mid = 0.5 * (lo + hi);
        if (dEll(10 ** mid) <= 0) lo = mid;
        else hi = mid;
      }
      const x = complex(dMax + 10 ** hi);
      return { uTop: evaluate(problem, x).ell.re, xTop: x, uBottom: null, xBottom: null };
    }
    previous = exponent;
  }
  // No critical point: the edge is at x → max d (e.g. L = 1 with orthogonal weights: λ = σ_w² d).
  return {
    uTop: evaluate(problem, complex(dMax * (1 + 1e-12))).ell.re,
    xTop: null,
    uBottom: null,
    xBottom: null,
  };
}

function edgeSolution(problem: Problem, u: number, x: Complex): Solution {
  const ev = evaluate(problem, x);
  return { u, x, m: ev.m, slope: ev.slope, v: 0, edge: true };
}

/** ∫ v du over consecutive points, exact for v piecewise exponential in u. */
function segmentIntegral(u0: number, v0: number, u1: number, v1: number): number {
  const du = u1 - u0;
  if (v0 <= 0 || v1 <= 0) return 0.5 * (v0 + v1) * du;
  const r = Math.log(v1 / v0);
  if (Math.abs(r) < 1e-8) return 0.5 * (v0 + v1) * du;
  return ((v1 - v0) * du) / r;
}

interface Trace {
  readonly points: Solution[];
  /** Estimated continuous mass below points[0] (power-law/exponential tail extrapolation). */
  readonly tailBelow: number;
}

/**
 * Pass 1: adaptive continuation from the homotopy start up to the upper edge and down to the lower
 * edge or into the lower tail, until the mass left below is under tolerance (or λ < 1e-300).
 */
function tracePass(
  problem: Problem,
  start: Solution,
  edges: Edges,
  contMass: number,
  tailTolerance: number,
): Trace | null {
  const L = problem.depth;
  const maxStep = Math.max(0.5, (L + 1) / 8);
  // Pass 1 may go below the representable λ (it works in ln λ) to account for the mass there.
  const traceFloor = LOG_FLOOR - 60 * (L + 1);
  let vScale = Math.max(start.v, 1e-300);
  const walk = (direction: 1 | -1): Solution[] | null => {
    const out: Solution[] = [];
    let current = start;
    let h = Math.min(maxStep, 0.02 + 0.01 * L);
    const end = direction > 0 ? edges.uTop : (edges.uBottom ?? -Infinity);
    const endGap = Number.isFinite(end) ? 1e-9 * Math.max(1, Math.abs(end)) : 0;
    for (let count = 0; count < 20000; count++) {
      if (direction < 0 && edges.uBottom === null) {
        // Stop in the lower tail once the mass left below is negligible, or below 1e-300.
        const last = out.at(-1);
        const before = out.at(-2) ?? start;
        if (last) {
          const alpha = Math.log(before.v / last.v) / (before.u - last.u);
          const tail = alpha > 0 ? last.v / alpha : Infinity;
          if ((tail < tailTolerance * contMass && last.v < 1e-3 * vScale) || last.u < traceFloor) return out;
          if (last.v === 0) return out;
        }
      }
      const distance = (end - current.u) * direction;
      if (distance <= endGap) return out;
      let target = current.u + direction * Math.min(h, distance);
      // Approach an edge geometrically so that the square-root behaviour is resolved.
      if (Number.isFinite(end) && distance - h < endGap) target = current.u + direction * distance * 0.5;
      // Square-root edges get an exact edge point; an integrable singularity (no critical point)
      // is approached closer, leaving a mass ~ √distance beyond the last point.
      const closest = direction > 0 && !edges.xTop ? 1e-11 : 1e-8;
      if (Number.isFinite(end) && distance < closest * Math.max(1, Math.abs(end))) return out;
      const next = stepTo(problem, current, target);
      const dv = next ? Math.abs(next.v - current.v) : Infinity;
      const ratio = next && next.v > 0 && current.v > 0 ? Math.abs(Math.log(next.v / current.v)) : 0;
      // The endpoints of a step alone can miss a narrow peak in between; the root itself (x, and
      // m = M(x)) must also move little.
      const rootMoved =
        next !== null &&
        (cAbs(cLog(cDiv(next.x, current.x))) > 0.1 ||
          cAbs(complex(next.m.re - current.m.re, next.m.im - current.m.im)) > 0.1 * (1 + cAbs(current.m)));
      const smooth = next !== null && (dv <= 0.04 * vScale || ratio <= 0.3) && ratio <= 1 && !rootMoved;
      const taken = Math.abs(target - current.u);
      if (!next) {
        h = taken / 2;
        if (h < 1e-12 * Math.max(1, Math.abs(current.u))) {
          // Deep in a lower tail (x among the tiniest values of d) give up on resolving it further:
          // what is left below is extrapolated into tailMass.
          if (direction < 0 && edges.uBottom === null && current !== start && current.v < 1e-3 * vScale)
            return out;
          return null;
        }
        continue;
      }
      // Refine where the density changes fast, down to a resolution of 1e-6 in ln λ (below that it
      // is a jump: L = 1 with orthogonal weights shows the piecewise-uniform law of d itself).
      if (!smooth && taken > 1e-6 * Math.max(1, Math.abs(current.u))) {
        h = taken / 2;
        continue;
      }
      out.push(next);
      vScale = Math.max(vScale, next.v);
      h = Math.min(taken * 1.6, maxStep);
      current = next;
    }
    return null;
  };
  const up = walk(1);
  if (!up) return null;
  const down = walk(-1);
  if (!down) return null;
  const points = [...down.reverse(), start, ...up];
  if (edges.xTop) points.push(edgeSolution(problem, edges.uTop, edges.xTop));
  if (edges.uBottom !== null && edges.xBottom)
    points.unshift(edgeSolution(problem, edges.uBottom, edges.xBottom));
  let tailBelow = 0;
  if (edges.uBottom === null && points.length >= 2) {
    const a = points[0]!;
    const b = points[1]!;
    const alpha = Math.log(b.v / a.v) / (b.u - a.u);
    tailBelow = a.v > 0 ? (alpha > 0 ? a.v / alpha : a.v * (b.u - a.u)) : 0;
  }
  return { points, tailBelow };
}

/**
 * n parameter values, from the first to the last, equally spaced in arc length along the polyline
 * through the points (coordinates[0][i], coordinates[1][i], …), interpolated linearly in `param`.
 */
function equidistribute(param: readonly number[], coordinates: readonly number[][], n: number): number[] {
  const cumulative = [0];
  for (let i = 1; i < param.length; i++) {
    let sq = 0;
    for (const c of coordinates) sq += ((c[i] as number) - (c[i - 1] as number)) ** 2;
    cumulative.push((cumulative[i - 1] as number) + Math.sqrt(sq));
  }
  const total = cumulative[cumulative.length - 1] as number;
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < n; k++) {
    const s = (total * k) / (n - 1);
    while (j < param.length - 2 && (cumulative[j + 1] as number) < s) j++;
    const s0 = cumulative[j] as number;
    const s1 = cumulative[j + 1] as number;
    const f = s1 > s0 ? Math.min(1, Math.max(0, (s - s0) / (s1 - s0))) : 0;
    const value = (param[j] as number) + f * ((param[j + 1] as number) - (param[j] as number));
    // Strictly increasing output (repeated values would add nothing).
    if (out.length === 0 || value > (out[out.length - 1] as number)) out.push(value);
  }
  return out;
}

/** A law with no continuous part on the grid: atoms only (a delta spectrum), or a failed solve. */
function withoutGrid(
  init: WeightInit,
  depth: number,
  qStar: number,
  atZero: number,
  atoms: readonly PointMass[],
  support: readonly [number, number],
  scale: 'log' | 'linear',
): JacobianDensity {
  const empty = new Float64Array(0);
  return {
    init,
    depth,
    qStar,
    lambda: empty,
    density: empty,
    logLambda: empty,
    logDensity: empty,
    atZero,
    atoms,
    tailMass: 0,
    topMass: 0,
    support,
    scale,
    ok: true,
  };
}

function failure(
  init: WeightInit,
  depth: number,
  qStar: number,
  atZero: number,
  atoms: readonly PointMass[],
  reason: string,
): JacobianDensity {
  return { ...withoutGrid(init, depth, qStar, atZero, atoms, [0, 0], 'log'), ok: false, reason };
}

/**
 * Density of the eigenvalues λ of JJᵀ for a depth-L network at the fixed point q*, by free
 * probability (Pennington, Schoenholz & Ganguli 2017; THEORY.md §3). For each λ on the grid it
 * solves λ(x) = λ for complex x (Newton in ln x, continued along ln λ from a start found by a
 * homotopy in arg λ), takes the root with Im x ≥ 0 (Im G ≤ 0), and returns
 * ρ(λ) = −Im G(λ + i0)/π = −Im m/(πλ).
 */
export function jacobianDensity(
  act: ActivationLike,
  sw2: number,
  sb2: number,
  depth: number,
  init: WeightInit,
  options: JacobianDensityOptions = {},
): JacobianDensity {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`depth must be a positive integer, got ${depth}`);
  const points = Math.max(16, Math.round(options.points ?? 300));
  const scale = options.scale ?? 'log';
  const tailTolerance = options.tailTolerance ?? 1e-6;
  const activation = resolveActivation(act);
  const qStar = fixedPointQ(activation, sw2, sb2);
  if (!(sw2 > 0 && Number.isFinite(sw2)))
    return failure(init, depth, qStar, 0, [], `σ_w² must be positive, got ${sw2}`);
  let q = qStar;
  if (!Number.isFinite(qStar)) {
    if (!activation.positivelyHomogeneous)
      return failure(init, depth, qStar, 0, [], 'no finite fixed point q*');
    q = 1; // the law of φ′ does not depend on q for ReLU and linear
  }

  let law: SlopeLaw;
  if (activation.linearFraction) law = discreteSlopeLaw(activation.linearFraction(q));
  else if (q <= 0) {
    const s = activation.dphi(0);
    if (Math.abs(s * s - 1) > 1e-12)
      return failure(init, depth, qStar, 0, [], 'φ′(0)² ≠ 1 at q* = 0 is not supported');
    law = discreteSlopeLaw(1);
  } else law = continuousSlopeLaw(activation, q);

  const L = depth;
  const logSw2 = Math.log(sw2);
  const atZero = law.discrete ? 1 - law.p : 0;
  const atoms: PointMass[] = [];
  // Free multiplicative convolution: an atom at 1 of mass p in each of L copies of D² leaves an atom
  // of mass max(0, Lp − (L − 1)) at σ_w^{2L} (orthogonal W = σ_w·Haar has all its mass at σ_w²).
  if (law.discrete && init !== 'gaussian') {
    const weight = 1 - L * (1 - law.p);
    if (weight > 1e-15) atoms.push({ lambda: Math.exp(L * logSw2), weight });
  }
  const atomMass = atoms.reduce((s, a) => s + a.weight, 0);
  const contMass = 1 - atZero - atomMass;
  if (contMass <= 1e-12) {
    const location = atoms[0]?.lambda ?? 0;
    if (atoms.length > 0 && !(location >= 1e-300 && location <= 1e300))
      return failure(
        init,
        depth,
        qStar,
        atZero,
        atoms,
        `the spectrum is a point mass at σ_w^{2L} = e^${(L * logSw2).toPrecision(5)}, beyond the double range`,
      );
    return withoutGrid(init, depth, qStar, atZero, atoms, [location, location], scale);
  }

  if (L === 1 && init === 'orthogonal' && !law.discrete) {
    const direct = singleOrthogonalLayer(activation, q, sw2, points, scale, qStar);
    if (direct) return direct;
  }

  const problem: Problem = {
    law,
    depth: L,
    gaussian: init === 'gaussian',
    logSw2,
    tol: 1e-13 * (L + 20),
  };
  const edges = findEdges(problem);
  if (!edges) return failure(init, depth, qStar, atZero, atoms, 'could not locate the upper edge');
  // Start inside the continuous part, at its mean σ_w^{2L}(μ₁^L − Σ atoms)/(continuous mass), in logs.
  let uStart =
    atomMass === 0
      ? L * (logSw2 + Math.log(law.mean)) - Math.log(contMass)
      : L * logSw2 + Math.log(Math.pow(law.mean, L) - atomMass) - Math.log(contMass);
  if (!Number.isFinite(uStart)) uStart = edges.uTop - 1;
  const lowest = edges.uBottom ?? -Infinity;
  if (uStart >= edges.uTop || uStart <= lowest) {
    uStart = edges.uBottom !== null ? 0.5 * (edges.uTop + edges.uBottom) : edges.uTop - 1;
  }
  const start = homotopyStart(problem, uStart);
  if (!start) return failure(init, depth, qStar, atZero, atoms, 'no starting root found (homotopy failed)');
  const trace = tracePass(problem, start, edges, contMass, tailTolerance);
  if (!trace) return failure(init, depth, qStar, atZero, atoms, 'continuation along λ failed');
  const base = trace.points;
  const first = base[0]!;
  const last = base[base.length - 1]!;
  if (last.u > LOG_CEIL)
    return failure(init, depth, qStar, atZero, atoms, 'the spectrum is beyond the double range (λ > 1e300)');

  // Pass 2: lay the output grid by arc length of the pass-1 curve, then solve at each grid point.
  let uLow = Math.max(first.u, LOG_FLOOR);
  if (scale === 'linear') uLow = Math.max(uLow, last.u + Math.log(1e-6));
  const inRange = base.filter((s) => s.u > uLow);
  if (inRange.length < 2)
    return failure(
      init,
      depth,
      qStar,
      atZero,
      atoms,
      'the spectrum lies below the double range (λ < 1e-300)',
    );
  const monitor = [{ u: uLow, v: interpolateV(base, uLow) }, ...inRange];
  const span = last.u - uLow;
  // Scale for λρ: its peak, or where it diverges (integrably) at the upper edge, three times its
  // mass-weighted mean.
  let vv = 0;
  let vm = 0;
  for (let i = 1; i < monitor.length; i++) {
    const du = monitor[i]!.u - monitor[i - 1]!.u;
    vv += 0.5 * du * (monitor[i]!.v ** 2 + monitor[i - 1]!.v ** 2);
    vm += 0.5 * du * (monitor[i]!.v + monitor[i - 1]!.v);
  }
  const vPeak = Math.max(...monitor.map((s) => s.v));
  const vMax = edges.xTop ? vPeak : Math.min(vPeak, vm > 0 ? (3 * vv) / vm : Infinity);
  let coordinates: number[][];
  if (scale === 'log') {
    coordinates = [monitor.map((s) => (s.u - uLow) / span), monitor.map((s) => Math.min(s.v, vMax) / vMax)];
  } else {
    // λ and ρ (capped: it diverges at λ → 0 for Gaussian weights), with some weight on ln λ and λρ.
    const top = Math.exp(last.u);
    const rho = monitor.map((s) => s.v / Math.exp(s.u));
    const upper = monitor.filter((s) => s.u >= last.u + Math.log(0.05)).map((s) => s.v / Math.exp(s.u));
    const cap = 2 * Math.max(...upper, 1e-300);
    coordinates = [
      monitor.map((s) => Math.exp(s.u) / top),
      rho.map((r) => Math.min(r, cap) / cap),
      monitor.map((s) => (0.25 * (s.u - uLow)) / span),
      monitor.map((s) => (0.5 * s.v) / vMax),
    ];
  }
  if (!edges.xTop) {
    // Integrable divergence at the upper edge: spread points geometrically towards it.
    const floor = Math.max(edges.uTop - last.u, 1e-300);
    const scaleLog = Math.log(span / floor);
    coordinates.push(
      monitor.map((s) => (0.5 * Math.log(span / Math.max(edges.uTop - s.u, floor))) / scaleLog),
    );
  }
  const targets = equidistribute(
    monitor.map((s) => s.u),
    coordinates,
    points,
  );
  const solutions: Solution[] = [];
  for (const u of targets) {
    const solution = solveOnGrid(problem, base, u, edges);
    if (!solution) return failure(init, depth, qStar, atZero, atoms, `no root at ln λ = ${u.toPrecision(6)}`);
    solutions.push(solution);
  }
  // Mass below the grid: pass-1 integral below the first grid point plus the extrapolated tail.
  const uFirst = solutions[0]!.u;
  let tailMass = trace.tailBelow;
  for (let i = 1; i < base.length; i++) {
    const a = base[i - 1]!;
    const b = base[i]!;
    if (a.u >= uFirst) break;
    const bu = Math.min(b.u, uFirst);
    const bv = b.u <= uFirst ? b.v : interpolateV(base, uFirst);
    tailMass += segmentIntegral(a.u, a.v, bu, bv);
  }
  const n = solutions.length;
  const lambda = new Float64Array(n);
  const density = new Float64Array(n);
  const logLambda = new Float64Array(n);
  const logDensity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = solutions[i]!;
    logLambda[i] = s.u;
    logDensity[i] = s.v;
    lambda[i] = Math.exp(s.u);
    density[i] = s.v / lambda[i]!;
  }
  // An integrable divergence at the upper edge, v ≈ C (u_top − u)^β with β > −1: the mass beyond
  // the last point is v δ/(β + 1).
  let topMass = 0;
  if (!edges.xTop && n >= 2) {
    const d1 = edges.uTop - logLambda[n - 2]!;
    const d2 = edges.uTop - logLambda[n - 1]!;
    const v1 = logDensity[n - 2]!;
    const v2 = logDensity[n - 1]!;
    const beta = Math.log(v2 / v1) / Math.log(d2 / d1);
    if (d2 > 0 && v2 > 0) topMass = Number.isFinite(beta) && beta > -1 ? (v2 * d2) / (beta + 1) : v2 * d2;
  }
  const finite = [lambda, density, logLambda, logDensity].every((arr) => arr.every(Number.isFinite));
  if (!finite || !Number.isFinite(tailMass) || !Number.isFinite(topMass))
    return failure(init, depth, qStar, atZero, atoms, 'non-finite values in the solution');
  return {
    init,
    depth,
    qStar,
    lambda,
    density,
    logLambda,
    logDensity,
    atZero,
    atoms,
    tailMass,
    topMass,
    support: [edges.uBottom === null ? 0 : Math.exp(edges.uBottom), Math.exp(edges.uTop)],
    scale,
    ok: true,
  };
}

/**
 * One layer with orthogonal weights: JJᵀ = σ_w² D², so λ = σ_w² d(z), d(z) = φ′(√q z)², exactly.
 * Where d is even and strictly decreasing in |z| (tanh, erf) the density is closed form,
 * ρ(λ) = 2ϕ(z)/(σ_w² |d′(z)|), tabulated along z; it diverges like (λ_max − λ)^{−1/2} at the top,
 * which the piecewise law of d used by the general solver resolves only coarsely. Returns null for
 * other shapes of d.
 */
function singleOrthogonalLayer(
  act: Activation,
  q: number,
  sw2: number,
  points: number,
  scale: 'log' | 'linear',
  qStar: number,
): JacobianDensity | null {
  const sigma = Math.sqrt(q);
  const d = (z: number): number => act.dphi(sigma * z) ** 2;
  const dPrime = (z: number): number => 2 * sigma * act.dphi(sigma * z) * act.d2phi(sigma * z);
  // z beyond which the mass 2Φ(−z) is negligible (< 1e-12).
  const zMax = 7.1;
  const probe = 400;
  for (let i = 1; i <= probe; i++) {
    const z = (zMax * i) / probe;
    if (!(d(z) < d(z - zMax / probe)) || !(dPrime(z) < 0) || Math.abs(d(z) - d(-z)) > 1e-14) return null;
  }
  const top = sw2 * d(0);
  // Up to zMin λ is distinguishable from the top edge (u_top − u ≈ 1e-12 for d ≈ 1 − 2q z²); the
  // mass 2Φ(zMin) − 1 above it is reported as topMass.
  const zMin = Math.min(1e-2, 1e-6 / Math.max(sigma, 1e-300));
  const fine = 4000;
  const zs: number[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  let previousU = -Infinity;
  for (let j = fine; j >= 0; j--) {
    const t = j / fine;
    // Geometric near zMin (the top edge), cubic towards zMax (the lower tail).
    const z = Math.max(zMin * (zMax / zMin) ** t, zMax * t ** 3);
    const value = d(z);
    const v = (2 * normalPdf(z) * value) / Math.abs(dPrime(z));
    const u = Math.log(sw2 * value);
    if (!Number.isFinite(u) || !Number.isFinite(v) || !(u > previousU)) continue;
    if (scale === 'linear' && u < Math.log(top) + Math.log(1e-6)) continue;
    previousU = u;
    zs.push(z);
    us.push(u);
    vs.push(v);
  }
  if (us.length < 2) return null;
  const span = (us[us.length - 1] as number) - (us[0] as number);
  let vv = 0;
  let vm = 0;
  for (let i = 1; i < us.length; i++) {
    const du = (us[i] as number) - (us[i - 1] as number);
    vv += 0.5 * du * ((vs[i] as number) ** 2 + (vs[i - 1] as number) ** 2);
    vm += 0.5 * du * ((vs[i] as number) + (vs[i - 1] as number));
  }
  const vCap = (3 * vv) / vm;
  const zLast = zs[zs.length - 1] as number;
  const logScale = Math.log((zs[0] as number) / zLast);
  const grid = equidistribute(
    zs.map((_, i) => i),
    [
      us.map((u) => (u - (us[0] as number)) / span),
      vs.map((v) => Math.min(v, vCap) / vCap),
      zs.map((z) => (0.5 * Math.log((zs[0] as number) / z)) / logScale),
    ],
    points,
  );
  const n = grid.length;
  const lambda = new Float64Array(n);
  const density = new Float64Array(n);
  const logLambda = new Float64Array(n);
  const logDensity = new Float64Array(n);
  let zFirst = zs[0] as number;
  let zEnd = zLast;
  for (let k = 0; k < n; k++) {
    // Interpolate the fine index, then evaluate exactly at that z.
    const t = grid[k] as number;
    const i = Math.min(Math.floor(t), zs.length - 2);
    const f = t - i;
    const z = (zs[i] as number) * ((zs[i + 1] as number) / (zs[i] as number)) ** f;
    if (k === 0) zFirst = z;
    zEnd = z;
    const value = d(z);
    const v = (2 * normalPdf(z) * value) / Math.abs(dPrime(z));
    logLambda[k] = Math.log(sw2 * value);
    logDensity[k] = v;
    lambda[k] = sw2 * value;
    density[k] = v / lambda[k]!;
  }
  return {
    init: 'orthogonal',
    depth: 1,
    qStar,
    lambda,
    density,
    logLambda,
    logDensity,
    atZero: 0,
    atoms: [],
    // P(|z| > zFirst): the eigenvalues below lambda[0]; P(|z| < zEnd): those above lambda[last].
    tailMass: erfc(zFirst / Math.SQRT2),
    topMass: erf(zEnd / Math.SQRT2),
    support: [0, top],
    scale,
    ok: true,
  };
}

/** v at u by exponential interpolation between pass-1 points. */
function interpolateV(base: readonly Solution[], u: number): number {
  for (let i = 1; i < base.length; i++) {
    const a = base[i - 1]!;
    const b = base[i]!;
    if (b.u >= u) {
      const f = (u - a.u) / (b.u - a.u);
      if (a.v > 0 && b.v > 0) return a.v * Math.pow(b.v / a.v, f);
      return a.v + f * (b.v - a.v);
    }
  }
  return base[base.length - 1]!.v;
}

/** Solve at u, continuing from the nearest pass-1 point that is not an exact edge. */
function solveOnGrid(problem: Problem, base: readonly Solution[], u: number, edges: Edges): Solution | null {
  for (const s of base) if (s.u === u) return s;
  let best: Solution | undefined;
  for (const s of base) {
    if (s.edge) continue;
    if (!best || Math.abs(s.u - u) < Math.abs(best.u - u)) best = s;
  }
  if (!best) return null;
  const solved = continueTo(problem, best, u, Math.max(0.5, (problem.depth + 1) / 8));
  if (!solved) return null;
  if (u > edges.uTop || (edges.uBottom !== null && u < edges.uBottom)) return { ...solved, v: 0 };
  return solved;
}

/**
 * ∫ λ^k ρ(λ) dλ of the continuous part over the grid (exponential interpolation of λρ in ln λ),
 * plus the atoms' λ^k·weight, topMass at the upper edge (and, for k = 0, atZero and tailMass): k = 0 gives the total mass
 * (1 when all is accounted for), k = 1, 2 the first two moments. With `center` c it is the central
 * moment ∫ (λ − c)^k (with atZero, without tailMass, whose location below the grid is unknown),
 * e.g. the variance for k = 2, c = mean, without the cancellation of m₂ − m₁² for narrow spectra.
 */
export function spectralMoment(result: JacobianDensity, k: number, center = 0): number {
  let total = 0;
  const u = result.logLambda;
  const v = result.logDensity;
  const lambda = result.lambda;
  // Central moments: (λ − c)^k changes sign, so integrate the two factors' product linearly in ln λ.
  const weight = (i: number): number => (center === 0 ? Math.exp(k * u[i]!) : (lambda[i]! - center) ** k);
  for (let i = 1; i < u.length; i++) {
    const a = v[i - 1]! * weight(i - 1);
    const b = v[i]! * weight(i);
    total += center === 0 ? segmentIntegral(u[i - 1]!, a, u[i]!, b) : 0.5 * (a + b) * (u[i]! - u[i - 1]!);
  }
  for (const atom of result.atoms) total += atom.weight * (atom.lambda - center) ** k;
  // topMass sits within rounding of the upper edge.
  total += result.topMass * (result.support[1] - center) ** k;
  if (k === 0) total += result.atZero + result.tailMass;
  else if (center !== 0) total += result.atZero * (-center) ** k;
  return total;
}

/** Density of the singular values s = √λ of J: ρ_s(s) = 2s ρ(s²) (atoms carry over at √λ). */
export function singularValueDensity(result: JacobianDensity): {
  readonly s: Float64Array;
  readonly density: Float64Array;
} {
  const s = result.lambda.map((l) => Math.sqrt(l));
  const density = result.density.map((rho, i) => 2 * (s[i] as number) * rho);
  return { s, density };
}

/**
 * Distribution function F(λ) = P(eigenvalue ≤ λ) at the grid points: atZero, the tail below the
 * grid, the continuous mass up to λ (exponential interpolation of λρ in ln λ) and the atoms ≤ λ.
 */
export function cumulativeDistribution(result: JacobianDensity): Float64Array {
  const u = result.logLambda;
  const v = result.logDensity;
  const out = new Float64Array(u.length);
  let continuous = result.atZero + result.tailMass;
  for (let i = 0; i < u.length; i++) {
    if (i > 0) continuous += segmentIntegral(u[i - 1]!, v[i - 1]!, u[i]!, v[i]!);
    let atoms = 0;
    for (const atom of result.atoms) if (atom.lambda <= result.lambda[i]!) atoms += atom.weight;
    out[i] = continuous + atoms;
  }
  return out;
}
