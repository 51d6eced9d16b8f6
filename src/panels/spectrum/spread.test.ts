import { describe, expect, it } from 'vitest';
import { drawInitJacobian } from '../../engine/jacobianDraws.ts';
import { spectrumFromScaled } from '../../engine/jacobianSummary.ts';
import { RandomStream } from '../../engine/random.ts';
import { getActivation, jacobianMoments } from '../../theory/index.ts';
import { sampledJacobianMoments } from '../../theory/testkit/sampledJacobian.ts';
import { bootstrapSpread, initSpread, networkSpread, rangeOf, type Interval } from './spread.ts';

const RUN = { runId: 0, init: 'gaussian' as const, seed: 1, lr: 0.1 };

function spectrumOf(sigmas: readonly number[], logScale = 0) {
  const scaled = Float64Array.from(sigmas, (s) => s / Math.exp(logScale))
    .sort()
    .reverse();
  return spectrumFromScaled(RUN, 'fixed-point', 3, 1, 1, logScale, scaled);
}

/**
 * Networks per interval (the panel's 9: one run and 8 draws), trials, and a moderate size: wide
 * enough for theory to hold to ~10%, small enough for a test.
 */
const NETWORKS = 9;
const TRIALS = 12;
const DEPTH = 5;
const WIDTH = 40;

/** Range of the eigenvalue variance over NETWORKS networks from the lab's draws (spread.ts). */
function labInterval(init: 'gaussian' | 'orthogonal', trial: number): Interval {
  const networks = Array.from(
    { length: NETWORKS },
    (_, k) =>
      drawInitJacobian({
        act: 'linear',
        sw2: 1,
        sb2: 0,
        width: WIDTH,
        depth: DEPTH,
        firstLayer: 2,
        q: 1,
        seed: 1000 * trial + k,
        inits: [init],
      })[init]!,
  );
  return networkSpread('draws', networks).intervals.variance!;
}

/**
 * The same from an independent Float64 reference: the theory testkit's sampler (its own random
 * numbers, Gram–Schmidt for Haar matrices, JJᵀ formed explicitly) and a plain min/max.
 */
function referenceInterval(init: 'gaussian' | 'orthogonal', trial: number): Interval {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < NETWORKS; k++) {
    const { m1, m2 } = sampledJacobianMoments(
      getActivation('linear'),
      init,
      1,
      0,
      1,
      WIDTH,
      DEPTH,
      7919 * trial + k,
    );
    const variance = m2 - m1 * m1;
    if (variance < lo) lo = variance;
    if (variance > hi) hi = variance;
  }
  return { lo, hi };
}

const inside = (value: number, { lo, hi }: Interval) => lo <= value && value <= hi;
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

describe('spread of the moments over networks', () => {
  it('ranges over the values, leaving NaN out', () => {
    expect(rangeOf([3, NaN, -1, 2])).toEqual({ lo: -1, hi: 3 });
    expect(rangeOf([NaN])).toBeNull();
  });

  it('holds theory inside the interval for linear Gaussian networks in most trials, as the reference does', () => {
    const theory = jacobianMoments('linear', 1, 0, DEPTH).gaussian.variance;
    const lab = Array.from({ length: TRIALS }, (_, t) => labInterval('gaussian', t));
    const reference = Array.from({ length: TRIALS }, (_, t) => referenceInterval('gaussian', t));
    expect(lab.filter((i) => inside(theory, i)).length).toBeGreaterThanOrEqual(TRIALS - 2);
    expect(reference.filter((i) => inside(theory, i)).length).toBeGreaterThanOrEqual(TRIALS - 2);
    // Wide where it should be: one Gaussian network's variance scatters by a factor of two or more…
    for (const interval of lab) expect(interval.hi / interval.lo).toBeGreaterThan(1.5);
    // …and the lab's intervals are as wide and sit where the reference's do (one layer fewer moves
    // the centre by a factor 0.72, measured; the same depth by 1.01).
    const width = (i: Interval) => Math.log(i.hi / i.lo);
    expect(median(lab.map(width)) / median(reference.map(width))).toBeGreaterThan(0.6);
    expect(median(lab.map(width)) / median(reference.map(width))).toBeLessThan(1.6);
    const centre = (i: Interval) => Math.sqrt(i.hi * i.lo);
    expect(Math.abs(Math.log(median(lab.map(centre)) / median(reference.map(centre))))).toBeLessThan(0.15);
  });

  it('is a point at 0 for linear orthogonal networks, which theory says exactly', () => {
    expect(jacobianMoments('linear', 1, 0, DEPTH).orthogonal.variance).toBe(0);
    for (let trial = 0; trial < 3; trial++) {
      // Float32 weights in the lab, m₂ − m₁² cancelling in the reference: both ≈ 0 against the Gaussian ≈ 5.
      expect(labInterval('orthogonal', trial).hi).toBeLessThan(1e-10);
      expect(referenceInterval('orthogonal', trial).hi).toBeLessThan(1e-12);
    }
  });
});

describe('bootstrap over one network’s eigenvalues', () => {
  it('gives the 90% interval of the mean of σ² that the normal approximation predicts', () => {
    const stream = new RandomStream('bootstrap-test');
    const sigmas = Array.from({ length: 400 }, () => Math.sqrt(-Math.log(stream.nextUniform())));
    const spectrum = spectrumOf(sigmas, 0.7);
    const spread = bootstrapSpread(spectrum, 3);
    const squares = sigmas.map((s) => s * s);
    const mean = squares.reduce((a, b) => a + b, 0) / squares.length;
    const sd = Math.sqrt(squares.reduce((a, b) => a + (b - mean) ** 2, 0) / squares.length);
    const halfWidth = (1.645 * sd) / Math.sqrt(squares.length);
    const interval = spread.intervals.meanSq!;
    expect(interval.lo).toBeLessThan(mean);
    expect(interval.hi).toBeGreaterThan(mean);
    expect((interval.hi - interval.lo) / (2 * halfWidth)).toBeGreaterThan(0.8);
    expect((interval.hi - interval.lo) / (2 * halfWidth)).toBeLessThan(1.25);
    expect(inside(spectrum.variance, spread.intervals.variance!)).toBe(true);
    // It says nothing about the largest value, and is the same on every redraw.
    expect(spread.intervals.sMax).toBeNull();
    expect(bootstrapSpread(spectrum, 3)).toEqual(spread);
  });

  it('stays finite where σ² overflows, by working in logs', () => {
    const spectrum = spectrumFromScaled(
      RUN,
      'fixed-point',
      3,
      1,
      1,
      400,
      Float64Array.from([0.8, 0.5, 0.3, 0.1]),
    );
    expect(spectrum.meanSq).toBe(Infinity);
    const spread = bootstrapSpread(spectrum, 0);
    // e^{800}·(…) overflows as a number: the interval is then Infinity, not NaN.
    expect(spread.intervals.meanSq!.hi).toBe(Infinity);
    const small = spectrumFromScaled(
      RUN,
      'fixed-point',
      3,
      1,
      1,
      -10,
      Float64Array.from([0.8, 0.5, 0.3, 0.1]),
    );
    const interval = bootstrapSpread(small, 0).intervals.meanSq!;
    expect(interval.lo).toBeLessThanOrEqual(small.meanSq);
    expect(interval.hi).toBeGreaterThanOrEqual(small.meanSq);
    expect(interval.hi).toBeLessThan(1e-8);
  });
});

describe('initSpread', () => {
  const one = spectrumOf([2, 1, 0.5]);
  const other = spectrumOf([3, 1, 0.2]);
  it('pools runs and draws at initialization, else uses the seeds, else the bootstrap', () => {
    const withDraws = initSpread([one], [other, other], 0)!;
    expect(withDraws.source).toBe('draws');
    expect(withDraws.count).toBe(3);
    expect(withDraws.intervals.sMax!.lo).toBeCloseTo(2, 12);
    expect(withDraws.intervals.sMax!.hi).toBeCloseTo(3, 12);
    expect(initSpread([one, other], [], 40)!.source).toBe('seeds');
    expect(initSpread([one], [], 40)!.source).toBe('bootstrap');
    expect(initSpread([], [], 0)).toBeNull();
  });
});
