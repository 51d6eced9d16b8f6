import { describe, expect, it } from 'vitest';
import { UnitDrawCache } from './drawCache.ts';
import { formQ, haarFactor, householderQr } from './haar.ts';
import { initialLayer } from './init.ts';
import { RandomStream } from './random.ts';

/** AᵀA for row-major A [rows, cols]. */
function gram(a: Float32Array, rows: number, cols: number, transpose = false): Float64Array {
  const n = transpose ? rows : cols;
  const g = new Float64Array(n * n);
  const at = (i: number, j: number) => (transpose ? a[j * cols + i]! : a[i * cols + j]!);
  const m = transpose ? cols : rows;
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += at(k, p) * at(k, q);
      g[p * n + q] = s;
    }
  }
  return g;
}

function maxDeviationFromScaledIdentity(g: Float64Array, n: number, scale: number): number {
  let worst = 0;
  for (let p = 0; p < n; p++)
    for (let q = 0; q < n; q++) worst = Math.max(worst, Math.abs(g[p * n + q]! - (p === q ? scale : 0)));
  return worst;
}

const config = { param: 'std' as const, sw2: 1.7, sb2: 0.05 };

describe('orthogonal initialization', () => {
  it('square layers satisfy WᵀW = σ_w² I', () => {
    const w = initialLayer(new UnitDrawCache(), 'orthogonal', config, 1, 2, 96, 96).weights;
    expect(maxDeviationFromScaledIdentity(gram(w, 96, 96), 96, config.sw2)).toBeLessThan(1e-5);
  });

  it('rectangular layers use s² = σ_w² max(1, n_out/n_in) and are orthogonal on the short side', () => {
    const cache = new UnitDrawCache();
    // Fan-in 120 → 40: orthonormal columns, WᵀW = σ_w² I₄₀.
    const tall = initialLayer(cache, 'orthogonal', config, 1, 0, 120, 40).weights;
    expect(maxDeviationFromScaledIdentity(gram(tall, 120, 40), 40, config.sw2)).toBeLessThan(1e-5);
    // Fan-in 40 → 120: orthonormal rows, WWᵀ = σ_w²·(120/40) I₄₀.
    const wide = initialLayer(cache, 'orthogonal', config, 1, 0, 40, 120).weights;
    expect(maxDeviationFromScaledIdentity(gram(wide, 40, 120, true), 40, config.sw2 * 3)).toBeLessThan(1e-5);
  });

  it('is the orthogonal factor of the Gaussian twin’s own G (tight coupling), and biases are shared', () => {
    const cache = new UnitDrawCache();
    const g = initialLayer(cache, 'gaussian', config, 5, 1, 32, 32);
    const q = initialLayer(cache, 'orthogonal', config, 5, 1, 32, 32);
    expect(q.biases).toEqual(g.biases);
    // G = QR with R upper triangular and diag(R) > 0: QᵀG is upper triangular with positive diagonal.
    const n = 32;
    for (let p = 0; p < n; p++) {
      for (let c = 0; c <= p; c++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q.weights[k * n + p]! * g.weights[k * n + c]!;
        if (c < p) expect(Math.abs(dot)).toBeLessThan(1e-4);
        else expect(dot).toBeGreaterThan(0);
      }
    }
  });

  /**
   * For Haar Q ∈ O(N) (Diaconis & Shahshahani 1994, N ≥ 3): E tr Q = 0, E (tr Q)² = 1, E tr Q² = 1,
   * and √N·Q₁₁ is nearly N(0, 1). Householder QR without Mezzadri's sign fix fails: its Q₁₁ is
   * always ≤ 0 and tr Q is far from 0.
   */
  it('is Haar distributed, and the unfixed Householder Q is not', () => {
    const n = 8;
    const draws = 3000;
    const stats = (fixed: boolean) => {
      let tr = 0;
      let trSq = 0;
      let trOfSquare = 0;
      let q11 = 0;
      let q11Sq = 0;
      for (let d = 0; d < draws; d++) {
        const g = new RandomStream(11, 'haar test', d).fillNormal(new Float64Array(n * n));
        const q = fixed ? haarFactor(g, n, n) : formQ(householderQr(g, n, n));
        let t = 0;
        let t2 = 0;
        for (let i = 0; i < n; i++) {
          t += q[i * n + i]!;
          for (let k = 0; k < n; k++) t2 += q[i + k * n]! * q[k + i * n]!;
        }
        tr += t;
        trSq += t * t;
        trOfSquare += t2;
        const z = Math.sqrt(n) * q[0]!;
        q11 += z;
        q11Sq += z * z;
      }
      return {
        tr: tr / draws,
        trSq: trSq / draws,
        trOfSquare: trOfSquare / draws,
        q11: q11 / draws,
        q11Sq: q11Sq / draws,
      };
    };
    const haar = stats(true);
    // Tolerances are about 4 standard errors for 3000 draws.
    expect(Math.abs(haar.tr)).toBeLessThan(0.08);
    expect(Math.abs(haar.trSq - 1)).toBeLessThan(0.11);
    expect(Math.abs(haar.trOfSquare - 1)).toBeLessThan(0.11);
    expect(Math.abs(haar.q11)).toBeLessThan(0.08);
    expect(Math.abs(haar.q11Sq - 1)).toBeLessThan(0.1);

    const unfixed = stats(false);
    expect(unfixed.q11).toBeLessThan(-0.6);
    expect(Math.abs(unfixed.tr)).toBeGreaterThan(0.5);
  });
});

describe('Gaussian initialization', () => {
  it('has W_ij ~ N(0, σ_w²/n_in) and b_i ~ N(0, σ_b²)', () => {
    const cache = new UnitDrawCache();
    let sum = 0;
    let squares = 0;
    let biasSquares = 0;
    const layers = 8;
    for (let l = 0; l < layers; l++) {
      const { weights, biases } = initialLayer(cache, 'gaussian', config, 3, l, 200, 150);
      for (const w of weights) {
        sum += w;
        squares += w * w;
      }
      for (const b of biases) biasSquares += b * b;
    }
    const count = layers * 200 * 150;
    expect(Math.abs(sum / count)).toBeLessThan(0.002);
    expect(Math.abs((squares / count) * 200 - config.sw2) / config.sw2).toBeLessThan(0.01);
    expect(Math.abs(biasSquares / (layers * 150) - config.sb2) / config.sb2).toBeLessThan(0.15);
  });

  it('draws once and rescales: the unit draw is cached by (seed, layer, shape)', () => {
    const cache = new UnitDrawCache();
    const a = initialLayer(cache, 'gaussian', { ...config, sw2: 1 }, 9, 0, 16, 16).weights;
    const b = initialLayer(cache, 'gaussian', { ...config, sw2: 4 }, 9, 0, 16, 16).weights;
    b.forEach((v, i) => expect(v).toBeCloseTo(2 * a[i]!, 6));
    expect(cache.has('G', 9, 0, 16, 16)).toBe(true);
    expect(cache.has('Q', 9, 0, 16, 16)).toBe(false);
  });
});
