import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, getActivation, type ActivationId } from './activations.ts';
import { chi1, qMap } from './lengthMap.ts';
import { analyticNtk, type NtkSpec } from './ntk.ts';
import { seededNormal } from './testkit/random.ts';

/** D random inputs of size n0, row-major, with unequal norms and correlated directions. */
function randomInputs(D: number, n0: number, seed: number): Float64Array {
  const normal = seededNormal(seed);
  const shared = Array.from({ length: n0 }, () => normal());
  const x = new Float64Array(D * n0);
  for (let a = 0; a < D; a++) {
    const scale = 0.5 + (a % 3) * 0.4;
    for (let k = 0; k < n0; k++) x[a * n0 + k] = scale * (0.6 * (shared[k] as number) + normal());
  }
  return x;
}

function relativeFrobenius(reference: ArrayLike<number>, value: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    difference += ((value[i] as number) - (reference[i] as number)) ** 2;
    norm += (reference[i] as number) ** 2;
  }
  return Math.sqrt(difference / norm);
}

/** Whether the Cholesky factorization of Θ + jitter·I exists (Θ positive semi-definite up to jitter). */
function choleskySucceeds(theta: Float64Array, D: number, jitter: number): boolean {
  const l = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (theta[i * D + j] as number) + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) sum -= (l[i * D + k] as number) * (l[j * D + k] as number);
      if (i === j) {
        if (!(sum > 0)) return false;
        l[i * D + i] = Math.sqrt(sum);
      } else {
        l[i * D + j] = sum / (l[j * D + j] as number);
      }
    }
  }
  return true;
}

const spec = (act: ActivationId, overrides: Partial<NtkSpec> = {}): NtkSpec => ({
  act,
  sw2: 1.5,
  sb2: 0.1,
  L: 3,
  N: 256,
  param: 'ntk',
  ...overrides,
});

describe('analyticNtk recursion', () => {
  it('for L = 1 with ReLU equals the hand-derived arc-cosine formula (both parameterizations)', () => {
    const n0 = 5;
    const x = randomInputs(4, n0, 1);
    const sw2 = 1.7;
    const sb2 = 0.2;
    const N = 64;
    const c0 = (a: number, b: number): number => {
      let dot = 0;
      for (let k = 0; k < n0; k++) dot += (x[a * n0 + k] as number) * (x[b * n0 + k] as number);
      return dot / n0;
    };
    const ntk = analyticNtk({ act: 'relu', sw2, sb2, L: 1, N, param: 'ntk' }, x, 4, n0);
    const std = analyticNtk({ act: 'relu', sw2, sb2, L: 1, N, param: 'std' }, x, 4, n0);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        // Σ¹ = σ_w² C⁰ + σ_b²; C¹ = √(Σ_aa Σ_bb)(sin θ + (π − θ) cos θ)/(2π); Σ̇¹ = (π − θ)/(2π).
        const saa = sw2 * c0(a, a) + sb2;
        const sbb = sw2 * c0(b, b) + sb2;
        const sab = sw2 * c0(a, b) + sb2;
        const theta = Math.acos(Math.min(1, sab / Math.sqrt(saa * sbb)));
        const c1 =
          (Math.sqrt(saa * sbb) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI);
        const dot1 = (Math.PI - theta) / (2 * Math.PI);
        // Readout (layer 2) own term + first layer's term through the readout's backward factor.
        expect(ntk[a * 4 + b]).toBeCloseTo(sw2 * c1 + sb2 + sw2 * dot1 * sab, 12);
        expect(std[a * 4 + b]).toBeCloseTo(N * c1 + 1 + sw2 * dot1 * (n0 * c0(a, b) + 1), 10);
      }
    }
  });

  it('for a linear network with σ_b² = 0 is (L+1)σ_w^{2(L+1)} C⁰ (ntk) and σ_w^{2L}(n0 + LN) C⁰ + Σ_j σ_w^{2j} (std)', () => {
    const n0 = 7;
    const D = 3;
    const x = randomInputs(D, n0, 2);
    for (const [sw2, L] of [
      [0.9, 4],
      [1.3, 10],
    ] as const) {
      const N = 50;
      const ntk = analyticNtk({ act: 'linear', sw2, sb2: 0, L, N, param: 'ntk' }, x, D, n0);
      const std = analyticNtk({ act: 'linear', sw2, sb2: 0, L, N, param: 'std' }, x, D, n0);
      let geometric = 0;
      for (let j = 0; j <= L; j++) geometric += sw2 ** j;
      for (let a = 0; a < D; a++) {
        for (let b = 0; b < D; b++) {
          let dot = 0;
          for (let k = 0; k < n0; k++) dot += (x[a * n0 + k] as number) * (x[b * n0 + k] as number);
          const c0 = dot / n0;
          expect(ntk[a * D + b]).toBeCloseTo((L + 1) * sw2 ** (L + 1) * c0, 11);
          expect(std[a * D + b]! / (sw2 ** L * (n0 + L * N) * c0 + geometric)).toBeCloseTo(1, 13);
        }
      }
    }
  });

  it.each(ACTIVATION_IDS)(
    '%s: the std kernel decomposes into the ntk one (weights n_{l−1}/σ_w², biases 1/σ_b²)',
    (act) => {
      // Θ_std = Σ_l (n_{l−1} C^{l−1} + 1) ⊙ P_l is affine in N: B = Σ_{l≥2} C^{l−1} ⊙ P_l is its slope.
      // Doubling every input (x ↦ [x, x]) doubles n0 and keeps C⁰, which isolates C⁰ ⊙ P_1; the rest of
      // the constant term is Σ_l P_l. Then Θ_ntk must be σ_w² (C⁰ ⊙ P_1 + B) + σ_b² Σ_l P_l.
      const n0 = 4;
      const D = 4;
      const x = randomInputs(D, n0, 3);
      const doubled = new Float64Array(D * 2 * n0);
      for (let a = 0; a < D; a++) {
        for (let k = 0; k < n0; k++) {
          doubled[a * 2 * n0 + k] = x[a * n0 + k] as number;
          doubled[a * 2 * n0 + n0 + k] = x[a * n0 + k] as number;
        }
      }
      const base = spec(act, { sw2: 1.4, sb2: 0.3, L: 4 });
      const std1 = analyticNtk({ ...base, param: 'std', N: 1 }, x, D, n0);
      const std2 = analyticNtk({ ...base, param: 'std', N: 2 }, x, D, n0);
      const std1Doubled = analyticNtk({ ...base, param: 'std', N: 1 }, doubled, D, 2 * n0);
      const ntk = analyticNtk(base, x, D, n0);
      for (let i = 0; i < D * D; i++) {
        const slope = std2[i]! - std1[i]!;
        const constant = std1[i]! - slope;
        const inputTerm = (std1Doubled[i]! - std1[i]!) / n0;
        const biasSum = constant - n0 * inputTerm;
        expect(ntk[i]).toBeCloseTo(base.sw2 * (inputTerm + slope) + base.sb2 * biasSum, 9);
      }
    },
  );

  it.each(ACTIVATION_IDS)(
    '%s: the diagonal follows the 1-D length map and χ₁ of mean-field theory',
    (act) => {
      const n0 = 6;
      const D = 3;
      const x = randomInputs(D, n0, 4);
      const s = spec(act, { L: 12 });
      const theta = analyticNtk(s, x, D, n0);
      for (let a = 0; a < D; a++) {
        let norm = 0;
        for (let k = 0; k < n0; k++) norm += (x[a * n0 + k] as number) ** 2;
        // T_1 = q¹, T_{l+1} = q^{l+1} + χ₁(q^l) T_l with q^{l+1} = qMap(q^l) (ntk parameterization).
        let q = (s.sw2 * norm) / n0 + s.sb2;
        let t = q;
        for (let l = 1; l <= s.L; l++) {
          const next = qMap(act, s.sw2, s.sb2, q);
          t = next + chi1(act, s.sw2, q) * t;
          q = next;
        }
        expect(theta[a * D + a]! / t).toBeCloseTo(1, 12);
      }
    },
  );

  it.each(ACTIVATION_IDS)('%s: is symmetric and positive semi-definite', (act) => {
    const n0 = 10;
    const D = 8;
    const x = randomInputs(D, n0, 5);
    for (const param of ['ntk', 'std'] as const) {
      const theta = analyticNtk(spec(act, { L: 10, param }), x, D, n0);
      let trace = 0;
      for (let a = 0; a < D; a++) {
        trace += theta[a * D + a]!;
        for (let b = 0; b < D; b++) expect(theta[a * D + b]).toBe(theta[b * D + a]);
      }
      expect(choleskySucceeds(theta, D, 1e-10 * trace)).toBe(true);
    }
  });

  it.each(ACTIVATION_IDS)('%s: a repeated input reproduces the diagonal (c = 1 exactly)', (act) => {
    const n0 = 5;
    const x = randomInputs(2, n0, 6);
    const repeated = Float64Array.from([...x.subarray(0, n0), ...x.subarray(0, n0), ...x.subarray(n0)]);
    for (const [sw2, sb2] of [
      [1.05, 2.01e-5],
      [2.5, 0.3],
    ] as const) {
      const theta = analyticNtk(spec(act, { sw2, sb2, L: 30 }), repeated, 3, n0);
      expect(Math.abs(theta[1]! - theta[0]!)).toBeLessThan(1e-9 * Math.abs(theta[0]!));
    }
  });

  it('stays finite with σ_b² = 0 and a zero input, whose entries are the q → 0 limits', () => {
    const n0 = 4;
    const x = randomInputs(3, n0, 7);
    x.fill(0, 0, n0);
    for (const act of ACTIVATION_IDS) {
      const theta = analyticNtk(spec(act, { sb2: 0, L: 5 }), x, 3, n0);
      for (const value of theta) expect(Number.isFinite(value)).toBe(true);
      // f(0) has no weight gradient and, with σ_b² = 0, no bias gradient either.
      expect(theta[0]).toBe(0);
    }
  });

  it('refuses malformed requests', () => {
    const x = new Float64Array(6);
    expect(() => analyticNtk(spec('tanh'), x, 2, 4)).toThrow(RangeError);
    expect(() => analyticNtk(spec('tanh', { L: 1.5 }), x, 2, 3)).toThrow(RangeError);
    expect(() => analyticNtk(spec('tanh', { sw2: -1 }), x, 2, 3)).toThrow(RangeError);
    expect(() => analyticNtk(spec('tanh', { N: 0 }), x, 2, 3)).toThrow(RangeError);
    expect(() => analyticNtk(spec('tanh'), x, 0, 3)).toThrow(RangeError);
  });
});

/**
 * A random finite network in the NTK parameterization, h^l = (σ_w/√n_{l−1}) W^l x^{l−1} + σ_b b^l with
 * W, b ~ N(0, 1), and its tangent kernel from per-example gradients written out by hand:
 * ∂f/∂W^l_ij = δ^l_i σ_w x^{l−1}_j/√n_{l−1}, ∂f/∂b^l_i = σ_b δ^l_i, δ^{L+1} = 1,
 * δ^l = φ′(h^l) ⊙ (σ_w/√N) W^{l+1}ᵀ δ^{l+1}.
 */
function finiteNetworkNtk(s: NtkSpec, x: Float64Array, D: number, n0: number, seed: number): Float64Array {
  const act = getActivation(s.act);
  const normal = seededNormal(seed);
  const sw = Math.sqrt(s.sw2);
  const sb = Math.sqrt(s.sb2);
  const widths = [n0, ...Array.from({ length: s.L }, () => s.N), 1];
  const weights = widths.slice(1).map((out, l) => Float64Array.from({ length: out * widths[l]! }, normal));
  const biases = widths.slice(1).map((out) => Float64Array.from({ length: out }, normal));
  // Per example: the layer inputs x^{l−1} and the backward signals δ^l, l = 1 … L+1.
  const passes = Array.from({ length: D }, (_, a) => {
    const inputs: Float64Array[] = [x.slice(a * n0, (a + 1) * n0)];
    const slopes: Float64Array[] = [];
    for (let l = 0; l <= s.L; l++) {
      const fanIn = widths[l]!;
      const out = widths[l + 1]!;
      const h = new Float64Array(out);
      for (let i = 0; i < out; i++) {
        let sum = 0;
        for (let j = 0; j < fanIn; j++) sum += weights[l]![i * fanIn + j]! * inputs[l]![j]!;
        h[i] = (sw / Math.sqrt(fanIn)) * sum + sb * biases[l]![i]!;
      }
      if (l < s.L) {
        inputs.push(h.map((v) => act.phi(v)));
        slopes.push(h.map((v) => act.dphi(v)));
      }
    }
    const deltas: Float64Array[] = new Array<Float64Array>(s.L + 1);
    deltas[s.L] = Float64Array.of(1);
    for (let l = s.L - 1; l >= 0; l--) {
      const out = widths[l + 2]!;
      const width = widths[l + 1]!;
      const delta = new Float64Array(width);
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let i = 0; i < out; i++) sum += weights[l + 1]![i * width + j]! * deltas[l + 1]![i]!;
        delta[j] = slopes[l]![j]! * (sw / Math.sqrt(width)) * sum;
      }
      deltas[l] = delta;
    }
    return { inputs, deltas };
  });
  const dot = (u: Float64Array, v: Float64Array): number =>
    u.reduce((sum, value, i) => sum + value * v[i]!, 0);
  const theta = new Float64Array(D * D);
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) {
      let sum = 0;
      for (let l = 0; l <= s.L; l++) {
        const pa = passes[a]!;
        const pb = passes[b]!;
        const inputTerm = (s.sw2 / widths[l]!) * dot(pa.inputs[l]!, pb.inputs[l]!) + s.sb2;
        sum += inputTerm * dot(pa.deltas[l]!, pb.deltas[l]!);
      }
      theta[a * D + b] = sum;
    }
  }
  return theta;
}

describe('analyticNtk against wide random networks (Monte Carlo, independent of the kernel maps)', () => {
  it.each(['erf', 'relu', 'tanh', 'hardtanh'] as const)(
    '%s: the kernel of width-1024 networks, averaged over 8 seeds, is within 4% (relative Frobenius)',
    (act) => {
      const n0 = 6;
      const D = 3;
      const x = randomInputs(D, n0, 8);
      const s = spec(act, { sw2: act === 'relu' ? 2 : 1.6, sb2: 0.1, L: 2, N: 1024 });
      const analytic = analyticNtk(s, x, D, n0);
      const seeds = 8;
      const mean = new Float64Array(D * D);
      for (let seed = 0; seed < seeds; seed++) {
        const theta = finiteNetworkNtk(s, x, D, n0, 100 + seed);
        for (let i = 0; i < D * D; i++) mean[i] = mean[i]! + theta[i]! / seeds;
      }
      // Single networks are off by 2–20% (fluctuations ∝ 1/√N); 16 seeds at N = 1024 came within 0.9%.
      expect(relativeFrobenius(analytic, mean)).toBeLessThan(0.04);
    },
  );
});
