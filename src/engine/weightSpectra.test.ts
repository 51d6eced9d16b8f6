import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/schema.ts';
import { createExperiment } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

const config = (overrides: Partial<LabConfig>): LabConfig => ({
  ...DEFAULT_CONFIG,
  data: 'teacher',
  bs: 8,
  seeds: 1,
  sw2: 1.5,
  L: 3,
  N: 64,
  init: 'both',
  ...overrides,
});
const teacher = { inputSize: 8, trainCount: 32, testCount: 8 };

describe('experiment.weightSpectra', () => {
  it.each(['std', 'ntk'] as const)(
    'orthogonal layers are σ_w·Q (rectangular input layer at the gain of its init), Gaussian ones are not (%s)',
    async (param) => {
      const experiment = await createExperiment(config({ param }), { teacher });
      const before = tf.memory().numTensors;
      const [gaussian, orthogonal] = await experiment.weightSpectra();
      expect(tf.memory().numTensors).toBe(before);
      const sigmaW = Math.sqrt(1.5);
      expect(orthogonal!.layers.map((l) => [l.layer, l.fanIn, l.fanOut])).toEqual([
        [1, 8, 64],
        [2, 64, 64],
        [3, 64, 64],
      ]);
      // Input layer 8 → 64: s² = σ_w²·64/8, every singular value √8·σ_w.
      expect(orthogonal!.layers[0]!.mean).toBeCloseTo(sigmaW * Math.sqrt(8), 5);
      for (const layer of orthogonal!.layers) {
        expect(layer.std).toBeLessThan(1e-5);
        expect(layer.orthogonalityDeviation).toBeLessThan(1e-5);
      }
      expect(orthogonal!.layers[1]!.mean).toBeCloseTo(sigmaW, 5);
      // Square Gaussian: Marchenko–Pastur with ratio 1, edge at 2σ_w, ‖WᵀW/σ_w² − I‖_F/√N ≈ 1.
      for (const layer of gaussian!.layers.slice(1)) {
        expect(layer.max / (2 * sigmaW)).toBeGreaterThan(0.85);
        expect(layer.max / (2 * sigmaW)).toBeLessThan(1.1);
        expect(layer.min).toBeLessThan(0.1 * sigmaW);
        expect(layer.orthogonalityDeviation).toBeGreaterThan(0.8);
        expect(layer.orthogonalityDeviation).toBeLessThan(1.2);
      }
      experiment.dispose();
    },
  );

  it('measures the layers asked for, refuses others, and sees training move the weights', async () => {
    const experiment = await createExperiment(config({ N: 16, lr: 0.5 }), { teacher });
    const [, orthogonal] = await experiment.weightSpectra({ layers: [2] });
    expect(orthogonal!.layers.map((l) => l.layer)).toEqual([2]);
    await expect(experiment.weightSpectra({ layers: [0] })).rejects.toThrow(RangeError);
    await expect(experiment.weightSpectra({ layers: [4] })).rejects.toThrow(RangeError);
    for (let i = 0; i < 20; i++) await experiment.step();
    const [, trained] = await experiment.weightSpectra({ layers: [2] });
    expect(trained!.layers[0]!.orthogonalityDeviation).toBeGreaterThan(1e-4);
    experiment.dispose();
  });
});

describe('weight summaries', () => {
  it('pools layers: the pooled std includes the spread between layer means', async () => {
    const { summarizeLayers } = await import('./weightSpectra.ts');
    const layer = (mean: number, std: number, min: number, max: number, dev: number) => ({
      layer: 2,
      fanIn: 4,
      fanOut: 4,
      mean,
      std,
      min,
      max,
      orthogonalityDeviation: dev,
      unitNormDeviation: 0,
      penalty: 0,
    });
    // Values {1, 3} and {5, 7}: pooled {1, 3, 5, 7} has mean 4 and population std √5.
    const pooled = summarizeLayers([layer(2, 1, 1, 3, 0.1), layer(6, 1, 5, 7, 0.3)]);
    expect(pooled.mean).toBe(4);
    expect(pooled.std).toBeCloseTo(Math.sqrt(5), 12);
    expect([pooled.min, pooled.max]).toEqual([1, 7]);
    expect(pooled.orthogonalityDeviation).toBeCloseTo(0.2, 12);
  });

  it('samples square layers evenly', async () => {
    const { sampledLayers } = await import('./weightSpectra.ts');
    expect(sampledLayers(1, 4)).toEqual([1]);
    expect(sampledLayers(3, 4)).toEqual([2, 3]);
    expect(sampledLayers(50, 4)).toEqual([2, 18, 34, 50]);
  });
});
