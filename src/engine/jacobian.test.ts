import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { jacobianMoments, type ActivationId } from '../theory/index.ts';
import { createExperiment } from './experiment.ts';
import { layerScaling, type InitKind } from './init.ts';
import { accumulateJacobian, fixedPointProbe, jacobianLayers } from './jacobian.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { RandomStream } from './random.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const teacher = (inputSize: number) => ({ inputSize, trainCount: 16, testCount: 8 });
const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  bs: 8,
  seeds: 1,
  ...overrides,
});

/** A Float64 copy of one network's parameters, with the gains folded in (column convention). */
interface DenseLayer {
  /** [fanOut][fanIn]: h = W x + b. */
  readonly w: number[][];
  readonly b: number[];
}

function randomModel(act: ActivationId, widths: readonly number[], param: 'std' | 'ntk', seed: number) {
  const inits: LayerInit[] = [];
  const dense: DenseLayer[] = [];
  const sw2 = 1.3;
  const sb2 = 0.2;
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l]!;
    const fanOut = widths[l + 1]!;
    const scaling = layerScaling('gaussian', param, sw2, sb2, fanIn, fanOut);
    const stream = new RandomStream(seed, 'jacobian-test', l);
    const weights = stream.fillNormal(new Float32Array(fanIn * fanOut)).map((x) => x * scaling.weightStored);
    const biases = stream.fillNormal(new Float32Array(fanOut)).map((x) => x * scaling.biasStored);
    inits.push({ fanIn, fanOut, scaling, weights: [weights], biases: [biases] });
    dense.push({
      w: Array.from({ length: fanOut }, (_, i) =>
        Array.from({ length: fanIn }, (_, j) => scaling.weightGain * weights[j * fanOut + i]!),
      ),
      b: Array.from(biases, (x) => scaling.biasGain * x),
    });
  }
  return { model: new StackedModel(1, act, inits), dense };
}

const PHI: Record<'tanh' | 'relu', (h: number) => number> = {
  tanh: Math.tanh,
  relu: (h) => Math.max(h, 0),
};

/** x^L of the hidden stack from h^{l₀} (layer index `first`), in Float64. */
function hiddenOutput(dense: DenseLayer[], first: number, h0: readonly number[], phi: (h: number) => number) {
  let x = h0.map(phi);
  for (let l = first + 1; l < dense.length - 1; l++) {
    const { w, b } = dense[l]!;
    x = w.map((row, i) => phi(row.reduce((s, wij, j) => s + wij * x[j]!, b[i]!)));
  }
  return x;
}

describe('accumulateJacobian', () => {
  it.each([
    ['tanh', 8, 'std'],
    ['relu', 8, 'std'],
    ['tanh', 5, 'ntk'],
    ['relu', 5, 'ntk'],
  ] as const)(
    '%s, n0 = %i, %s: equals the central finite differences of the Float64 forward map',
    async (act, n0, param) => {
      const N = 8;
      const { model, dense } = randomModel(act, [n0, N, N, N, 1], param, n0);
      const { first, count } = jacobianLayers(model);
      expect({ first, count }).toEqual(n0 === N ? { first: 0, count: 3 } : { first: 1, count: 2 });
      const before = tf.memory().numTensors;

      // J maps the input of layer `first` (x⁰ when first = 0, else x¹) to x^L; any point will do.
      const { w, b } = dense[first]!;
      const xIn = Array.from(new RandomStream(7, 'x').fillNormal(new Float64Array(w[0]!.length)));
      const affine = (x: readonly number[]) =>
        w.map((row, i) => row.reduce((s, wij, j) => s + wij * x[j]!, b[i]!));
      const probe = tf.tensor3d(Float32Array.from(affine(xIn)), [1, 1, N]);
      const jac = await accumulateJacobian(model, probe);
      probe.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(jac).toMatchObject({ depth: count, firstLayer: first + 1, width: N });

      const output = (x: readonly number[]) => hiddenOutput(dense, first, affine(x), PHI[act]);
      const step = 1e-6;
      const scale = Math.exp(jac.logScale[0]!);
      let worst = 0;
      let largest = 0;
      for (let j = 0; j < xIn.length; j++) {
        const up = output(xIn.map((x, k) => (k === j ? x + step : x)));
        const down = output(xIn.map((x, k) => (k === j ? x - step : x)));
        for (let i = 0; i < N; i++) {
          // ∂x^L_i/∂x_j is stored at [j, i] (the model's row-vector convention).
          const numeric = (up[i]! - down[i]!) / (2 * step);
          worst = Math.max(worst, Math.abs(scale * jac.matrices[j * N + i]! - numeric));
          largest = Math.max(largest, Math.abs(numeric));
        }
      }
      expect(largest).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-5 * largest);
      model.dispose();
    },
  );
});

async function spectra(overrides: Partial<LabConfig>, inputSize: number, probe?: 'fixed-point' | 'data') {
  const experiment = await createExperiment(config(overrides), { teacher: teacher(inputSize) });
  const before = tf.memory().numTensors;
  const result = await experiment.jacobianSpectrum(probe ? { probe } : {});
  expect(tf.memory().numTensors).toBe(before);
  experiment.dispose();
  return result;
}

describe('experiment.jacobianSpectrum', () => {
  it('is exactly isometric for a deep linear orthogonal network at σ_w² = 1 (depth 200)', async () => {
    const [run] = await spectra({ act: 'linear', sw2: 1, sb2: 0, L: 201, N: 32, init: 'orthogonal' }, 8);
    expect(run!.depth).toBe(200);
    expect(run!.firstLayer).toBe(2);
    for (const s of run!.singularValues) expect(Math.abs(s - 1)).toBeLessThan(1e-4);
    expect(run!.variance).toBeLessThan(1e-7);
  });

  it('has eigenvalue variance ≈ L for a linear Gaussian network (N = 512, L = 10)', async () => {
    const runs = await spectra(
      { act: 'linear', sw2: 1, sb2: 0, L: 11, N: 512, init: 'gaussian', seeds: 2 },
      8,
    );
    const mean = (f: (r: (typeof runs)[number]) => number) =>
      runs.reduce((s, r) => s + f(r), 0) / runs.length;
    expect(runs[0]!.depth).toBe(10);
    expect(mean((r) => r.meanSq)).toBeCloseTo(1, 1);
    expect(Math.abs(mean((r) => r.variance) / 10 - 1)).toBeLessThan(0.15);
  }, 30_000);

  it('gives orthogonal weights a narrower spectrum than Gaussian ones on the tanh critical line', async () => {
    const runs = await spectra(
      { act: 'tanh', sw2: 1.05, sb2: 2.01e-5, L: 16, N: 96, init: 'both', seeds: 2 },
      8,
    );
    const theory = jacobianMoments('tanh', 1.05, 2.01e-5, 15);
    const variance = (init: InitKind) =>
      runs.filter((r) => r.init === init).reduce((s, r) => s + r.variance, 0) / 2;
    expect(variance('orthogonal')).toBeLessThan(0.1 * variance('gaussian'));
    // The orthogonal variance is small and self-averaging: theory holds it to a few tens of %.
    expect(Math.abs(variance('orthogonal') / theory.orthogonal.variance - 1)).toBeLessThan(0.3);
    for (const run of runs) expect(run.meanSq).toBeGreaterThan(0.5);
    expect(
      runs.every((r) => r.probe === 'fixed-point' && Math.abs(r.probeVariance / theory.qStar - 1) < 0.3),
    ).toBe(true);
  }, 20_000);

  it('keeps depth 1000 finite in logs: exp overflows and underflows only where float64 must', async () => {
    const ln2 = Math.log(2);
    const [up] = await spectra({ act: 'linear', sw2: 4, sb2: 0, L: 1000, N: 16, init: 'orthogonal' }, 16);
    expect(up!.depth).toBe(1000);
    expect(up!.firstLayer).toBe(1);
    // J = 2^1000 Q: every σ = 2^1000 ≈ 1.07e301, σ² overflows.
    for (const logS of up!.logSingularValues) expect(Math.abs(logS / (1000 * ln2) - 1)).toBeLessThan(1e-6);
    for (const s of up!.singularValues) expect(Math.abs(s / 2 ** 1000 - 1)).toBeLessThan(1e-3);
    expect(up!.meanSq).toBe(Infinity);
    expect(up!.logMeanSq / (2000 * ln2)).toBeCloseTo(1, 6);
    // σ_w² = 0.05: σ = 0.05^500 = e^−1498, below the smallest float64.
    const [down] = await spectra(
      { act: 'linear', sw2: 0.05, sb2: 0, L: 1000, N: 16, init: 'orthogonal' },
      16,
    );
    for (const logS of down!.logSingularValues) expect(logS / (500 * Math.log(0.05))).toBeCloseTo(1, 6);
    expect(down!.sMax).toBe(0);
    // Deep tanh in the chaotic phase stays finite in logs, and its log scale is large.
    const [chaotic] = await spectra({ act: 'tanh', sw2: 4, sb2: 0.05, L: 1000, N: 16, init: 'gaussian' }, 16);
    expect(chaotic!.logSingularValues.every((x) => Number.isFinite(x) || x === -Infinity)).toBe(true);
    expect(chaotic!.logSingularValues[0]!).toBeGreaterThan(20);
    expect(Number.isFinite(chaotic!.logMeanSq)).toBe(true);
  }, 20_000);

  it('probes at a held-out example too; for a linear network J does not depend on the input', async () => {
    const overrides = { act: 'linear', sw2: 1.2, sb2: 0.1, L: 4, N: 12, init: 'both' } as const;
    const fixed = await spectra(overrides, 12, 'fixed-point');
    const data = await spectra(overrides, 12, 'data');
    expect(data.map((r) => [r.probe, r.depth])).toEqual([
      ['data', 4],
      ['data', 4],
    ]);
    data.forEach((run, r) => {
      for (let i = 0; i < 12; i++)
        expect(Math.abs(run.singularValues[i]! / fixed[r]!.singularValues[i]! - 1)).toBeLessThan(1e-5);
    });
    const tanh = await spectra({ ...overrides, act: 'tanh' }, 12, 'data');
    expect(tanh[0]!.sMax).toBeGreaterThan(0);
  });

  it('shares the fixed-point probe between twins and draws it from the seed', async () => {
    const probe = fixedPointProbe([3, 3, 4], 1000, 2);
    const values = (await probe.data()) as Float32Array;
    probe.dispose();
    expect(values.slice(0, 1000)).toEqual(values.slice(1000, 2000));
    expect(values.slice(0, 1000)).not.toEqual(values.slice(2000));
    const meanSquare = values.slice(0, 1000).reduce((s, x) => s + x * x, 0) / 1000;
    expect(meanSquare).toBeGreaterThan(1.8);
    expect(meanSquare).toBeLessThan(2.2);
  });

  it('is the identity when no square hidden layer exists (L = 1, n0 ≠ N)', async () => {
    const [run] = await spectra({ act: 'tanh', L: 1, N: 6 }, 4);
    expect(run!.depth).toBe(0);
    for (const s of run!.singularValues) expect(s).toBeCloseTo(1, 6);
  });
});
