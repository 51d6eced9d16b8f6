// No tfjs here: the theory worker runs this, so that extra draws never hold up training.
import { resolveActivation, type ActivationId } from '../theory/index.ts';
import { UnitDrawCache } from './drawCache.ts';
import { layerScaling, type InitKind } from './init.ts';
import { fixedPointProbeDraw, summarizeScaled, type SpectrumSummary } from './jacobianSummary.ts';
import { singularValues } from './svd.ts';

/**
 * One more network at initialization, drawn exactly as the lab draws the network of `seed`
 * (UnitDrawCache: the same Gaussian G per layer, its Haar factor Q for the orthogonal twin, the
 * same biases and fixed-point probe), of which only the square hidden layers are built.
 */
export interface InitDrawSpec {
  readonly act: ActivationId;
  readonly sw2: number;
  readonly sb2: number;
  readonly width: number;
  /** Square hidden layers in J (JacobianSpectrum.depth). */
  readonly depth: number;
  /** Hidden layer (1-based, h^l) of J's first factor (JacobianSpectrum.firstLayer). */
  readonly firstLayer: number;
  /** Variance q of the fixed-point probe h^{l₀} ~ N(0, q I) (InputScaling.q1). */
  readonly q: number;
  readonly seed: number;
  readonly inits: readonly InitKind[];
}

export type InitDraw = Partial<Record<InitKind, SpectrumSummary>>;

// Below this Frobenius norm a product is not divided further (as in accumulateJacobian).
const TINY_NORM = 1e-30;

/**
 * The Jacobian spectrum summaries of the network of `spec.seed` at initialization, at the
 * fixed-point probe, in Float64: what experiment.jacobianSpectrum() measures at step 0 for a run
 * with that seed (jacobianDraws.test.ts holds them equal), without building the first layer, the
 * readout or anything tfjs. About 2·depth·N³ flops per init, and (8/3)·depth·N³ more for the Haar
 * factors of the orthogonal one.
 */
export function drawInitJacobian(spec: InitDrawSpec): InitDraw {
  const { width: n, depth, seed } = spec;
  if (!(depth >= 1) || !Number.isInteger(depth))
    throw new RangeError(`depth ${depth} is not a positive integer`);
  const activation = resolveActivation(spec.act);
  // Keeps only the newest entry: each layer's G and Q are used once.
  const cache = new UnitDrawCache(0);
  const first = spec.firstLayer - 1;
  const z = fixedPointProbeDraw(seed, n);
  const out: InitDraw = {};
  for (const init of spec.inits) {
    const scaling = layerScaling(init, 'std', spec.sw2, spec.sb2, n, n);
    const weightScale = scaling.weightStored * scaling.weightGain;
    const biasScale = scaling.biasStored * scaling.biasGain;
    let h: Float64Array = z.map((v) => Math.sqrt(spec.q) * v);
    let product: Float64Array | null = null;
    let logScale = 0;
    for (let layer = first; layer < first + depth; layer++) {
      const unit =
        init === 'gaussian' ? cache.gaussian(seed, layer, n, n) : cache.orthogonal(seed, layer, n, n);
      const w = Float64Array.from(unit, (v) => v * weightScale);
      if (layer > first)
        h = affine(
          h.map((v) => activation.phi(v)),
          w,
          cache.bias(seed, layer, n),
          biasScale,
          n,
        );
      const m: Float64Array = product ? multiply(product, w, n) : w;
      // Row-vector convention (h = x·W): D^l scales the columns.
      let frobenius = 0;
      for (let j = 0; j < n; j++) {
        const slope = activation.dphi(h[j]!);
        for (let i = 0; i < n; i++) {
          const v = m[i * n + j]! * slope;
          m[i * n + j] = v;
          frobenius += v * v;
        }
      }
      const norm = Math.max(Math.sqrt(frobenius), TINY_NORM);
      for (let i = 0; i < m.length; i++) m[i] = m[i]! / norm;
      logScale += Math.log(norm);
      product = m;
    }
    out[init] = summarizeScaled(logScale, singularValues(product!, n, n));
  }
  return out;
}

/** x·W + scale·β for the row vector x and row-major n × n W. */
function affine(
  x: Float64Array,
  w: Float64Array,
  beta: Float32Array,
  scale: number,
  n: number,
): Float64Array {
  const out = Float64Array.from(beta, (b) => scale * b);
  for (let k = 0; k < n; k++) {
    const xk = x[k]!;
    const row = k * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + xk * w[row + j]!;
  }
  return out;
}

/**
 * A·B for row-major n × n matrices, two rows of A against two rows of B at a time (each load of
 * B and C serves two multiply–adds: about 2.5× the plain i–k–j loop here), the odd ones alone.
 */
function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  const even = n - (n % 2);
  for (let i = 0; i < n; i += 2) {
    const c0 = i * n;
    const pair = i + 1 < n;
    const c1 = pair ? c0 + n : c0;
    for (let k = 0; k < even; k += 2) {
      const a00 = a[c0 + k]!;
      const a01 = a[c0 + k + 1]!;
      const a10 = pair ? a[c1 + k]! : 0;
      const a11 = pair ? a[c1 + k + 1]! : 0;
      const b0 = k * n;
      const b1 = b0 + n;
      for (let j = 0; j < n; j++) {
        const x = b[b0 + j]!;
        const y = b[b1 + j]!;
        c[c0 + j] = c[c0 + j]! + a00 * x + a01 * y;
        if (pair) c[c1 + j] = c[c1 + j]! + a10 * x + a11 * y;
      }
    }
    if (even < n) {
      const bk = even * n;
      const a0 = a[c0 + even]!;
      const a1 = pair ? a[c1 + even]! : 0;
      for (let j = 0; j < n; j++) {
        c[c0 + j] = c[c0 + j]! + a0 * b[bk + j]!;
        if (pair) c[c1 + j] = c[c1 + j]! + a1 * b[bk + j]!;
      }
    }
  }
  return c;
}
