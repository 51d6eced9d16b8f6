import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { estimateCost, squareHiddenLayers } from './cost.ts';
import { jacobianLayers } from './jacobian.ts';
import { createExperiment } from './experiment.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

describe('the dataset keys of a link: ntrain and dim', () => {
  it('dim sets the teacher’s input dimension, and ntrain the training examples used (full batch when B ≥ n)', async () => {
    const config = { ...DEFAULT_CONFIG, data: 'teacher' as const, dim: 5, ntrain: 24, L: 2, N: 8, bs: 64 };
    const experiment = await createExperiment(config, { evalExamples: 16 });
    expect(experiment.info.dataset).toMatchObject({ inputSize: 5, trainCount: 24 });
    expect(experiment.info.batchSize).toBe(24);
    expect(experiment.info.notes.join(' ')).toMatch(/batch size reduced to the 24 training examples/);
    // The first layer is d × N: the cost the page shows before building agrees.
    expect(experiment.info.parameterCount).toBe(estimateCost(config).parameterCount);
    expect(experiment.info.parameterCount).toBe(5 * 8 + 8 + 8 * 8 + 8 + 8 * 1 + 1);
    experiment.dispose();
  });
});

describe('the cost of a mirrored run', () => {
  it('is two networks’ worth, as the experiment built from it reports', async () => {
    const plain = { ...DEFAULT_CONFIG, data: 'teacher' as const, L: 2, N: 8, bs: 16, seeds: 1 };
    const mirrored = { ...plain, mirror: '1' as const };
    const [a, b] = [estimateCost(plain), estimateCost(mirrored)];
    expect(b.parameterCount).toBe(2 * a.parameterCount);
    expect(b.flopsPerStep).toBe(2 * a.flopsPerStep);
    expect(b.memoryBytes).toBe(2 * a.memoryBytes);
    const experiment = await createExperiment(mirrored, { evalExamples: 16 });
    expect(experiment.info.parameterCount).toBe(b.parameterCount);
    expect(experiment.info.flopsPerStep).toBe(b.flopsPerStep);
    experiment.dispose();
  });
});

describe('the square hidden layers a spectrum multiplies', () => {
  it('are counted from the configuration as the built model counts them', async () => {
    for (const [dim, N, L] of [
      [8, 8, 3],
      [8, 12, 3],
      [8, 12, 1],
    ] as const) {
      const config = {
        ...DEFAULT_CONFIG,
        data: 'teacher' as const,
        dim,
        N,
        L,
        seeds: 1,
        init: 'gaussian' as const,
      };
      const experiment = await createExperiment(config, { evalExamples: 8 });
      const frozen = experiment.freeze();
      expect(squareHiddenLayers(config), `d=${dim} N=${N} L=${L}`).toBe(jacobianLayers(frozen.model()).count);
      frozen.dispose();
      experiment.dispose();
    }
  });
});
