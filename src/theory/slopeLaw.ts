import type { Activation } from './activation.ts';
import { complex, cDiv, cMul, type Complex } from './complex.ts';
import { gaussLegendreRule } from './quadrature.ts';
import { normalPdf } from './specialFunctions.ts';

/**
 * The law of d = φ′(h)², h ~ N(0, q), as the free-probability solver needs it: the moment
 * generating function M(x) = E[d/(x − d)] (THEORY.md §3's M_{D²}) and its derivative, for complex x.
 */
export interface SlopeLaw {
  /** P(d > 0). */
  readonly p: number;
  /** Largest point of the support of d. */
  readonly dMax: number;
  /** d ∈ {0, 1} (ReLU, hard-tanh, linear, or a smooth φ at q* = 0): M(x) = p/(x − 1) exactly. */
  readonly discrete: boolean;
  /** First two moments E d, E d² of the law actually used (exact for discrete laws). */
  readonly mean: number;
  readonly secondMoment: number;
  /**
   * m = M(x), 1 + m = E[x/(x − d)] (computed directly: it tends to 0 as x → 0 when P(d = 0) = 0,
   * where 1 + m would cancel) and dm/dx.
   */
  evaluate(x: Complex): { readonly m: Complex; readonly onePlusM: Complex; readonly dm: Complex };
}

/** d = 1 with probability p, d = 0 otherwise. */
export function discreteSlopeLaw(p: number): SlopeLaw {
  return {
    p,
    dMax: 1,
    discrete: true,
    mean: p,
    secondMoment: p,
    evaluate(x) {
      const inv = cDiv(complex(1), complex(x.re - 1, x.im));
      return {
        m: { re: p * inv.re, im: p * inv.im },
        // 1 + p/(x − 1) = (x − (1 − p))/(x − 1), exact as x → 0 when p = 1
        onePlusM: cMul(complex(x.re - (1 - p), x.im), inv),
        dm: { re: -p * (inv.re * inv.re - inv.im * inv.im), im: -p * 2 * inv.re * inv.im },
      };
    },
  };
}

// P(|z| > 8.3) ≈ 1e-16: the tails beyond carry no visible mass.
const Z_MAX = 8.3;
const SUB_NODES = 6;
// A segment narrower than this fraction of its distance to x is expanded in a series.
const SERIES_RATIO_SQ = 1e-8;

/**
 * A smooth activation's slope law as a mixture of uniform laws. The z-axis (h = √q z) is cut into
 * `segments` equal pieces; on each, d is replaced by a uniform law on [c − w, c + w] with the
 * piece's exact Gaussian mass and the exact conditional mean and variance of d (6-point
 * Gauss–Legendre per piece), so E d and E d² — hence the mean and variance of the Jacobian
 * spectrum — are reproduced exactly. The Stieltjes-type integral of each uniform piece is closed
 * form, −1 + x/(2w)·log((x − c + w)/(x − c − w)), which stays accurate for x arbitrarily close to
 * the real axis (no quadrature over a near-pole); pieces narrow relative to their distance from x
 * use the series c/(x − c) + x w²/(3(x − c)³) instead, to avoid cancellation.
 */
export function continuousSlopeLaw(act: Activation, q: number, segments = 160): SlopeLaw {
  const sigma = Math.sqrt(q);
  const slopeSq = (z: number): number => {
    const s = act.dphi(sigma * z);
    return s * s;
  };
  const even = [0.3, 1, 2.5, 5].every((z) => Math.abs(slopeSq(z) - slopeSq(-z)) <= 1e-14);
  const zStart = even ? 0 : -Z_MAX;
  const count = even ? segments : 2 * segments;
  const width = (Z_MAX - zStart) / count;
  const rule = gaussLegendreRule(SUB_NODES);
  const centers: number[] = [];
  const halfWidths: number[] = [];
  const weights: number[] = [];
  let total = 0;
  let first = 0;
  let second = 0;
  for (let k = 0; k < count; k++) {
    const a = zStart + k * width;
    let mass = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < SUB_NODES; i++) {
      const z = a + (width / 2) * (1 + (rule.nodes[i] as number));
      const w = (rule.weights[i] as number) * (width / 2) * normalPdf(z);
      const d = slopeSq(z);
      mass += w;
      s1 += w * d;
      s2 += w * d * d;
    }
    if (!(mass > 0)) continue;
    const c = s1 / mass;
    const variance = Math.max(0, s2 / mass - c * c);
    // Uniform on [c − w, c + w] has variance w²/3; keep it on d ≥ 0.
    const halfWidth = Math.min(Math.sqrt(3 * variance), c);
    centers.push(c);
    halfWidths.push(halfWidth);
    weights.push(mass);
    total += mass;
    first += mass * c;
    second += mass * (c * c + (halfWidth * halfWidth) / 3);
  }
  const n = centers.length;
  const center = Float64Array.from(centers);
  const half = Float64Array.from(halfWidths);
  const weight = Float64Array.from(weights, (w) => w / total);
  let dMax = 0;
  let p = 0;
  for (let k = 0; k < n; k++) {
    dMax = Math.max(dMax, (center[k] as number) + (half[k] as number));
    if ((center[k] as number) > 0) p += weight[k] as number;
  }
  return {
    p,
    dMax,
    discrete: false,
    mean: first / total,
    secondMoment: second / total,
    evaluate(x) {
      const xr = x.re;
      const xi = x.im;
      let mr = 0;
      let mi = 0;
      let dr = 0;
      let di = 0;
      // E 1/(x − d)
      let gr = 0;
      let gi = 0;
      for (let k = 0; k < n; k++) {
        const c = center[k] as number;
        const h = half[k] as number;
        const w = weight[k] as number;
        const er = xr - c;
        const e2 = er * er + xi * xi;
        let fr: number;
        let fi: number;
        let pr: number;
        let pi: number;
        let kr: number;
        let ki: number;
        if (h * h <= SERIES_RATIO_SQ * e2) {
          // 1/(x − c) and its powers.
          const ir = er / e2;
          const ii = -xi / e2;
          const i2r = ir * ir - ii * ii;
          const i2i = 2 * ir * ii;
          const i3r = i2r * ir - i2i * ii;
          const i3i = i2r * ii + i2i * ir;
          const i4r = i2r * i2r - i2i * i2i;
          const i4i = 2 * i2r * i2i;
          const t = (h * h) / 3;
          // f = c/(x − c) + t x/(x − c)³
          fr = c * ir + t * (xr * i3r - xi * i3i);
          fi = c * ii + t * (xr * i3i + xi * i3r);
          // f′ = −c/(x − c)² − t (2x + c)/(x − c)⁴
          const yr = 2 * xr + c;
          const yi = 2 * xi;
          pr = -c * i2r - t * (yr * i4r - yi * i4i);
          pi = -c * i2i - t * (yr * i4i + yi * i4r);
          // E 1/(x − t) = 1/(x − c) + t/(x − c)³
          kr = ir + t * i3r;
          ki = ii + t * i3i;
        } else {
          const ar = xr - (c - h);
          const br = xr - (c + h);
          const b2 = br * br + xi * xi;
          // Λ = log((x − a)/(x − b)) = log(1 + w), w = 2h/(x − b), by log1p so that it keeps its
          // relative accuracy for narrow pieces; arg ∈ (−π, π) since x − a, x − b share a half plane.
          const wr = (2 * h * br) / b2;
          const wi = (-2 * h * xi) / b2;
          const lr = 0.5 * Math.log1p(2 * wr + wr * wr + wi * wi);
          const li = Math.atan2(wi, 1 + wr);
          const inv2h = 1 / (2 * h);
          // f = −1 + x Λ/(2h)
          fr = -1 + (xr * lr - xi * li) * inv2h;
          fi = (xr * li + xi * lr) * inv2h;
          // f′ = Λ/(2h) − x/((x − a)(x − b))
          const qr = ar * br - xi * xi;
          const qi = (ar + br) * xi;
          const q2 = qr * qr + qi * qi;
          const sr = (xr * qr + xi * qi) / q2;
          const si = (xi * qr - xr * qi) / q2;
          pr = lr * inv2h - sr;
          pi = li * inv2h - si;
          kr = lr * inv2h;
          ki = li * inv2h;
        }
        mr += w * fr;
        mi += w * fi;
        dr += w * pr;
        di += w * pi;
        gr += w * kr;
        gi += w * ki;
      }
      return {
        m: { re: mr, im: mi },
        onePlusM: { re: xr * gr - xi * gi, im: xr * gi + xi * gr },
        dm: { re: dr, im: di },
      };
    },
  };
}

/** M(x) by brute-force quadrature over h, for tests far from the support of d. */
export function referenceSlopeTransform(act: Activation, q: number, x: Complex): Complex {
  const sigma = Math.sqrt(q);
  const steps = 20000;
  const dz = (2 * Z_MAX) / steps;
  let re = 0;
  let im = 0;
  for (let i = 0; i < steps; i++) {
    const z = -Z_MAX + (i + 0.5) * dz;
    const s = act.dphi(sigma * z);
    const d = s * s;
    const f = cMul(complex(d), cDiv(complex(1), complex(x.re - d, x.im)));
    const w = normalPdf(z) * dz;
    re += w * f.re;
    im += w * f.im;
  }
  return { re, im };
}
