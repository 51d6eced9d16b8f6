import { beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, estimateCost, teacherDataset } from '../engine/index.ts';
import { useCpuBackend } from '../engine/testBackend.ts';
import { createLayersBaseline } from './layersBaseline.ts';
import { benchConfig } from './measure.ts';

beforeAll(useCpuBackend);

describe('tfjs-layers baseline', () => {
  it('has the engine shapes and FLOP count for the bench config', () => {
    const config = benchConfig(4, 24, 2);
    const baseline = createLayersBaseline(config);
    try {
      expect(baseline.runCount).toBe(2);
      expect(baseline.kernelShapes).toEqual([
        [32, 24],
        [24, 24],
        [24, 24],
        [24, 24],
        [24, 1],
      ]);
      expect(baseline.flopsPerStep).toBe(estimateCost(config).flopsPerStep);
    } finally {
      baseline.dispose();
    }
  });

  it('trains: the loss falls over 20 steps, as the engine’s does from the same weights and batches', async () => {
    const config = { ...benchConfig(3, 16, 2), lr: 0.05 };
    const dataset = teacherDataset(config.seed, { trainCount: 256, testCount: 64 });
    const baseline = createLayersBaseline(config, dataset);
    const engine = await createExperiment(config, { dataset, evalExamples: 64 });
    try {
      const losses: Float32Array[] = [];
      for (let i = 0; i < 20; i++) {
        const ours = await baseline.step();
        const theirs = (await engine.step()).loss;
        if (i < 3) for (let r = 0; r < 2; r++) expect(ours[r]).toBeCloseTo(theirs[r]!, 4);
        losses.push(ours);
      }
      expect(baseline.stepsDone).toBe(20);
      for (let r = 0; r < 2; r++) {
        const mean = (from: number) => losses.slice(from, from + 5).reduce((s, l) => s + l[r]!, 0) / 5;
        expect(mean(15)).toBeLessThan(0.9 * mean(0));
      }
    } finally {
      baseline.dispose();
      engine.dispose();
    }
  });
});
