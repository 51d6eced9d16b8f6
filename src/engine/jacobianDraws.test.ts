import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { jacobianMoments } from '../theory/index.ts';
import { createExperiment } from './experiment.ts';
import { inputScaling } from './inputScaling.ts';
import { drawInitJacobian, type InitDrawSpec } from './jacobianDraws.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

/**
 * E[variance of the eigenvalues of JJᵀ] for J a product of L independent N × N Gaussian matrices
 * with entries of variance 1/N, exactly at finite N, by Wick's theorem on J_l = W J_{l−1}, A = J_{l−1}J_{l−1}ᵀ:
 *   E tr((WAWᵀ)²) = (1 + 1/N) tr(A²) + (tr A)²/N,   E (tr WAWᵀ)² = (tr A)² + 2 tr(A²)/N.
 * With m₂ = E tr(A²)/N and p = E (tr A/N)²: m₂ ← (1 + 1/N) m₂ + p, p ← p + 2 m₂/N², from
 * m₂ = p = 1 at J = I; the expected variance (1/N)Σλ² − ((1/N)Σλ)² is m₂ − p. It tends to L
 * (THEORY.md §3) as N → ∞.
 */
function linearGaussianVariance(depth: number, n: number): number {
  let m2 = 1;
  let p = 1;
  for (let l = 0; l < depth; l++) [m2, p] = [(1 + 1 / n) * m2 + p, p + (2 * m2) / (n * n)];
  return m2 - p;
}

function meanAndError(values: readonly number[]): { mean: number; error: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, error: Math.sqrt(variance / values.length) };
}

const linear = (init: 'gaussian' | 'orthogonal', width: number, depth: number, seed: number) =>
  drawInitJacobian({ act: 'linear', sw2: 1, sb2: 0, width, depth, firstLayer: 2, q: 1, seed, inits: [init] })[
    init
  ]!;

describe('drawInitJacobian', () => {
  it.each([
    ['tanh', 1.05, 2.01e-5, 8],
    ['relu', 2, 0, 8],
    ['tanh', 1.3, 0.05, 16],
  ] as const)(
    '%s (σ_w² = %f, σ_b² = %f, n0 = %i, N = 16): the network the lab builds with that seed, at step 0',
    async (act, sw2, sb2, inputSize) => {
      const config: LabConfig = {
        ...DEFAULT_CONFIG,
        act,
        sw2,
        sb2,
        L: 5,
        N: 16,
        data: 'teacher',
        bs: 8,
        init: 'both',
        seeds: 2,
        seed: 41,
      };
      const experiment = await createExperiment(config, {
        teacher: { inputSize, trainCount: 16, testCount: 8 },
      });
      const runs = await experiment.jacobianSpectrum();
      experiment.dispose();
      let conditionNumbers = 0;
      for (const run of runs) {
        const spec: InitDrawSpec = {
          act,
          sw2,
          sb2,
          width: 16,
          depth: run.depth,
          firstLayer: run.firstLayer,
          q: inputScaling(act, sw2, sb2).q1,
          seed: run.seed,
          inits: [run.init],
        };
        const drawn = drawInitJacobian(spec)[run.init]!;
        // Float32 on the backend against Float64 here; another seed's network differs by tens of %.
        for (const key of ['meanSq', 'variance', 'sMax'] as const)
          expect(Math.abs(drawn[key] / run[key] - 1), `${run.init} seed ${run.seed} ${key}`).toBeLessThan(
            2e-3,
          );
        // σ_min carries the Float32 error ε·σ_max: the backend resolves only moderate condition numbers.
        if (run.conditionNumber < 1e3) {
          conditionNumbers += 1;
          expect(Math.abs(drawn.conditionNumber / run.conditionNumber - 1)).toBeLessThan(2e-3);
        } else {
          expect(drawn.conditionNumber).toBeGreaterThan(100);
        }
      }
      // ReLU's J is singular at this size (dead units); the orthogonal tanh twins are well conditioned.
      if (act === 'tanh') expect(conditionNumbers).toBeGreaterThan(0);
      expect(runs[0]!.depth).toBe(inputSize === 16 ? 5 : 4);
    },
  );

  it('gives a deep linear orthogonal network at σ_w² = 1 eigenvalue variance 0 in every draw', () => {
    // Exactly 0 up to the Float32 rounding of the lab's weights (ε = 6·10⁻⁸ per layer, 60 layers);
    // a Gaussian network of this size has variance ≈ 60.
    for (let seed = 0; seed < 4; seed++) {
      const drawn = linear('orthogonal', 24, 60, seed);
      expect(Math.abs(drawn.meanSq - 1)).toBeLessThan(1e-6);
      expect(drawn.variance).toBeLessThan(1e-10);
      expect(drawn.conditionNumber).toBeLessThan(1 + 1e-5);
    }
    expect(linear('gaussian', 24, 60, 0).variance).toBeGreaterThan(1);
  });

  it('gives a linear Gaussian network mean eigenvalue 1 and variance → L (the exact finite-N mean)', () => {
    const depth = 6;
    const width = 48;
    const draws = Array.from({ length: 60 }, (_, seed) => linear('gaussian', width, depth, 100 + seed));
    const mean = meanAndError(draws.map((d) => d.meanSq));
    expect(Math.abs(mean.mean - 1)).toBeLessThan(4 * mean.error);
    expect(mean.error).toBeLessThan(0.05);
    const variance = meanAndError(draws.map((d) => d.variance));
    const expected = linearGaussianVariance(depth, width);
    expect(Math.abs(variance.mean - expected)).toBeLessThan(4 * variance.error);
    // A 20% error in the expectation would be caught: the estimate is that tight.
    expect(variance.error).toBeLessThan(0.05 * expected);
    // The finite-N mean is L(1 + O(L/N)) and tends to theory's L (jacobianMoments) as N grows.
    const theory = jacobianMoments('linear', 1, 0, depth).gaussian.variance;
    expect(theory).toBe(depth);
    expect(expected / theory - 1).toBeGreaterThan(0);
    expect(expected / theory - 1).toBeLessThan(0.15);
    expect(Math.abs(linearGaussianVariance(depth, 1e6) / theory - 1)).toBeLessThan(1e-4);
    // The recursion itself, at L = 1: Wishart's E (1/N) tr (WWᵀ)² = 2 + 1/N, minus p = 1 + 2/N².
    expect(linearGaussianVariance(1, 10)).toBeCloseTo(1 + 1 / 10 - 2 / 100, 14);
  });

  it('rejects a depth that is not a positive integer', () => {
    expect(() => linear('gaussian', 4, 0, 1)).toThrow(RangeError);
  });
});
