import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  STEP_ITERATIONS,
  gramPenalty,
  gramPenaltyGradient,
  rescaleUnits,
  retractToStiefel,
  stiefelDeviation,
} from './orthogonality.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

/** A reproducible matrix with entries uniform in [−scale, scale] (a small LCG: no tfjs involved). */
function matrix(rows: number, cols: number, seed: number, scale = 1): Float64Array {
  let state = seed;
  return Float64Array.from({ length: rows * cols }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return scale * (2 * (state / 2 ** 31) - 1);
  });
}

/** λ‖G(γS)/c − I‖²_F in Float64, G the smaller side's Gram matrix: the independent reference. */
function penalty64(
  s: Float64Array,
  rows: number,
  cols: number,
  gain: number,
  c: number,
  lambda: number,
): number {
  const tall = rows >= cols;
  const k = Math.min(rows, cols);
  const inner = Math.max(rows, cols);
  const at = (i: number, j: number) => (tall ? s[j * cols + i]! : s[i * cols + j]!); // i < k, j < inner
  let total = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let m = 0; m < inner; m++) dot += at(i, m) * at(j, m);
      total += ((gain * gain * dot) / c - (i === j ? 1 : 0)) ** 2;
    }
  return lambda * total;
}

/** Central differences of penalty64 with respect to every entry. */
function numericGradient(
  s: Float64Array,
  rows: number,
  cols: number,
  gain: number,
  c: number,
  lambda: number,
) {
  const h = 1e-6;
  return Array.from(s, (_, i) => {
    const plus = Float64Array.from(s);
    const minus = Float64Array.from(s);
    plus[i] = plus[i]! + h;
    minus[i] = minus[i]! - h;
    return (
      (penalty64(plus, rows, cols, gain, c, lambda) - penalty64(minus, rows, cols, gain, c, lambda)) / (2 * h)
    );
  });
}

describe('the soft and gain-adjusted penalties', () => {
  // Square, tall (a first layer n0 > N), wide (n0 < N); γ = 1 (standard) and γ = σ_w/√n (NTK);
  // c = 1 (soft) and c = g² (gain).
  it.each([
    ['square, soft, standard', 5, 5, 1, 1],
    ['tall, gain, standard', 7, 4, 1, 1.05],
    ['wide, gain, NTK gain', 3, 6, Math.sqrt(2 / 3), 2 * 2],
    ['square, soft, NTK gain', 6, 6, Math.sqrt(1.05 / 6), 1],
  ])(
    '%s: value and gradient match a Float64 reference and finite differences',
    async (_, rows, cols, gain, c) => {
      const lambda = 0.3;
      // Entries scaled so that γS is O(1)-orthogonal-ish, where the penalty is neither 0 nor huge.
      const s = matrix(rows, cols, 17 + rows * cols, 1.2 / (gain * Math.sqrt(Math.max(rows, cols))));
      const stored = tf.tensor2d(Float32Array.from(s), [rows, cols]);
      const value = (await gramPenalty(stored, gain, c, lambda).data())[0]!;
      const gradient = await gramPenaltyGradient(stored, gain, c, lambda).data();
      stored.dispose();
      const reference = penalty64(s, rows, cols, gain, c, lambda);
      expect(reference).toBeGreaterThan(1e-3);
      expect(Math.abs(value - reference)).toBeLessThan(1e-5 * Math.max(1, reference));
      const numeric = numericGradient(s, rows, cols, gain, c, lambda);
      const scale = Math.max(...numeric.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      numeric.forEach((n, i) => expect(Math.abs(gradient[i]! - n)).toBeLessThan(1e-4 * scale));
    },
  );

  it('acts on each run of a stack alone, and on W and Wᵀ alike', async () => {
    const [a, b] = [matrix(4, 3, 5, 0.6), matrix(4, 3, 9, 0.6)];
    const stack = tf.tensor3d(Float32Array.from([...a, ...b]), [2, 4, 3]);
    const batched = (await gramPenaltyGradient(stack, 1, 1.5, 0.2).array()) as number[][][];
    const alone = (await gramPenaltyGradient(
      tf.tensor2d(Float32Array.from(b), [4, 3]),
      1,
      1.5,
      0.2,
    ).array()) as number[][];
    const transposed = gramPenaltyGradient(
      tf.transpose(tf.tensor2d(Float32Array.from(b), [4, 3])),
      1,
      1.5,
      0.2,
    );
    expect(batched[1]).toEqual(alone);
    const back = (await tf.transpose(transposed).array()) as number[][];
    back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(alone[i]![j]!, 6)));
  });
});

/** Cholesky of a symmetric matrix in Float64: throws unless it is positive definite. */
function cholesky(m: number[][]): void {
  const n = m.length;
  const l = m.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = m[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
}

describe('the Stiefel retraction', () => {
  it.each([
    ['square', 6, 6, 1, 1.05],
    ['tall', 8, 5, 1, 1.05],
    ['wide, NTK gain', 4, 7, Math.sqrt(2 / 4), Math.sqrt(2 * (7 / 4))],
  ])(
    '%s: a perturbed scaled orthogonal matrix goes to g·(its polar factor)',
    async (_, rows, cols, gain, g) => {
      // g·Q/γ with Q orthonormal on its smaller side (from a converged retraction), plus a step.
      const random = tf.tensor2d(Float32Array.from(matrix(rows, cols, 3)), [rows, cols]);
      const onManifold = retractToStiefel(random, gain, g, 60);
      const step = tf.tensor2d(
        Float32Array.from(matrix(rows, cols, 11, (0.25 * g) / gain / Math.sqrt(rows))),
        [rows, cols],
      );
      const moved = tf.add(onManifold, step);
      const before = (await stiefelDeviation(moved, gain, g).data())[0]!;
      const retracted = retractToStiefel(moved, gain, g);
      const after = (await stiefelDeviation(retracted, gain, g).data())[0]!;
      expect(before).toBeGreaterThan(0.05);
      expect(after).toBeLessThan(1e-5);
      // The polar factor Q of A is the orthogonal one with QᵀA (tall; A Qᵀ wide) symmetric
      // positive definite: that characterizes the nearest orthogonal matrix.
      const q = tf.mul(retracted, gain / g);
      const a = tf.mul(moved, gain);
      const tall = rows >= cols;
      const product = (await (
        tall ? tf.matMul(q, a, true, false) : tf.matMul(a, q, false, true)
      ).array()) as number[][];
      product.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(product[j]![i]!, 4)));
      expect(() => cholesky(product)).not.toThrow();
      tf.dispose([random, onManifold, step, moved, retracted, q, a]);
    },
  );

  it(`reaches 1e-4 in ${STEP_ITERATIONS} iterations from singular values spread over [0.5, 1.4], per run`, async () => {
    // diag(σ) rotated by a permutation: singular values known exactly.
    const sigmas = [
      [0.5, 0.8, 1, 1.2, 1.4],
      [1, 1, 1, 1, 1],
    ];
    const values = sigmas.flatMap((sv) =>
      Array.from({ length: 25 }, (_, index) => {
        const [i, j] = [Math.floor(index / 5), index % 5];
        return j === (i + 2) % 5 ? sv[i]! : 0;
      }),
    );
    const stack = tf.tensor3d(values, [2, 5, 5]);
    const deviation = await stiefelDeviation(retractToStiefel(stack, 1, 1), 1, 1).data();
    expect(deviation[0]).toBeLessThan(1e-4);
    expect(deviation[1]).toBeLessThan(1e-6);
  });

  it('shrinks a matrix with a singular value beyond √3 into the iteration’s basin instead of diverging', async () => {
    const wild = tf.tensor2d([3, 0, 0, 0, 1, 0, 0, 0, 0.9], [3, 3]);
    expect((await stiefelDeviation(retractToStiefel(wild, 1, 1, 12), 1, 1).data())[0]).toBeLessThan(1e-5);
  });
});

describe('the Oblique constraint', () => {
  it.each([
    ['rows (units are columns)', -2],
    ['columns (units are rows)', -1],
  ])('%s: every unit’s incoming weights end at norm σ_w/γ·γ', async (_, axis) => {
    const gain = 0.4;
    const norm = Math.sqrt(1.05);
    const stored = tf.tensor3d(Float32Array.from(matrix(2 * 5, 4, 23)), [2, 5, 4]);
    const rescaled = rescaleUnits(stored, gain, norm, axis);
    const lengths = await tf.mul(tf.sqrt(tf.sum(tf.square(rescaled), axis)), gain).data();
    for (const length of lengths) expect(Math.abs(length / norm - 1)).toBeLessThan(1e-6);
    // A direction is kept: the rescaled vector is a positive multiple of the stored one.
    const cosine = tf.div(
      tf.sum(tf.mul(rescaled, stored), axis),
      tf.mul(tf.norm(rescaled, 'euclidean', axis), tf.norm(stored, 'euclidean', axis)),
    );
    for (const c of await cosine.data()) expect(c).toBeCloseTo(1, 6);
  });
});
