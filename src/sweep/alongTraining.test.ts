import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/experiment.ts';
import { useCpuBackend } from '../engine/testBackend.ts';
import { fixedPointQ } from '../theory/index.ts';
import {
  CURVATURE_INPUTS,
  MEASUREMENTS,
  curvatureSeconds,
  measureEvery,
  measurementCount,
  pool,
  TrainingMeasurements,
} from './alongTraining.ts';
import { planSweep } from './plan.ts';
import { sweepDefinition } from './definition.ts';
import { parseSweepResult, sweepResultText } from './resultFile.ts';
import { runSweep } from './runner.ts';

beforeAll(useCpuBackend);

const TEACHER = { inputSize: 8, trainCount: 128, testCount: 48 };
const BASE: LabConfig = {
  ...DEFAULT_CONFIG,
  data: 'teacher',
  dim: 8,
  act: 'tanh',
  L: 3,
  N: 8,
  bs: 16,
  init: 'both',
  seeds: 1,
  steps: 40,
  lm: 'train',
};

describe('measurements along a sweep run', () => {
  it('measure=curvature: λ_max and s²_max at init as the experiment measures them alone, then λ_max along training', async () => {
    const definition = sweepDefinition(BASE, ['qstar=0.01,0.1'], 'curvature');
    const file = await runSweep(definition, { teacher: TEACHER, evalExamples: 16 });
    expect(file.points).toHaveLength(4);
    const expectedSteps = [
      0,
      ...Array.from({ length: MEASUREMENTS }, (_, i) => (i + 1) * measureEvery(40)),
    ].filter((step, i, all) => step <= 40 && all.indexOf(step) === i);
    for (const [index, point] of file.points.entries()) {
      const config = { ...BASE, sw2: point.sw2 as number, sb2: point.sb2 as number, init: point.init };
      expect(point.qStar).toBeCloseTo(fixedPointQ('tanh', config.sw2, config.sb2), 12);
      expect(point.qStar! / (point.qstar as number)).toBeCloseTo(1, 6);
      // The same network built alone, measured at init.
      const alone = await createExperiment(config, { teacher: TEACHER });
      const frozen = alone.freeze();
      const measured = await frozen.curvature({ count: CURVATURE_INPUTS, jacobian: true });
      frozen.dispose();
      alone.dispose();
      expect(point.lambdaMaxFisher! / measured.lambdaMaxFisher[0]!).toBeCloseTo(1, 4);
      expect(point.sMaxSq! / measured.sMaxSq![0]!).toBeCloseTo(1, 4);
      const curve = file.curves[index]!;
      expect(curve.curvatureSteps).toEqual(expectedSteps);
      expect(curve.lambdaMax![0]).toBe(point.lambdaMaxFisher);
      expect(curve.lambdaMax!.every((value) => value > 0)).toBe(true);
    }
    // Training moves the curvature.
    expect(file.curves[0]!.lambdaMax!.at(-1)).not.toBeCloseTo(file.curves[0]!.lambdaMax![0]!, 6);
    // The file keeps all of it.
    expect(parseSweepResult(sweepResultText(file)).points[0]!.lambdaMaxFisher).toBe(
      file.points[0]!.lambdaMaxFisher,
    );
  });

  it('measure=weights: pooled singular values of the square hidden layers, orthogonal at init', async () => {
    const definition = sweepDefinition({ ...BASE, lm: 'test' }, ['orth=none,stiefel'], 'weights');
    const file = await runSweep(definition, { teacher: TEACHER, evalExamples: 16 });
    const find = (orth: string, init: string) =>
      file.points.findIndex((p) => p.orth === orth && p.init === init);
    const orthogonal = file.curves[find('none', 'orthogonal')]!.weightSv!;
    // σ_w·Q: every singular value is σ_w at init.
    expect(orthogonal.min[0]).toBeCloseTo(Math.sqrt(BASE.sw2), 4);
    expect(orthogonal.max[0]).toBeCloseTo(Math.sqrt(BASE.sw2), 4);
    const gaussian = file.curves[find('none', 'gaussian')]!.weightSv!;
    expect(gaussian.max[0]! - gaussian.min[0]!).toBeGreaterThan(0.5);
    // Stiefel keeps them there along training.
    const stiefel = file.curves[find('stiefel', 'gaussian')]!.weightSv!;
    expect(Math.max(...stiefel.max.slice(1)) - Math.sqrt(BASE.sw2)).toBeLessThan(1e-3);
    // lm=test: the held-out loss at the last step is the last evaluation's.
    for (const point of file.points) expect(point.finalTestLoss).toBeGreaterThan(0);
    expect(parseSweepResult(sweepResultText(file)).curves[0]!.weightSv).toEqual(file.curves[0]!.weightSv);
  });

  it('measure=curves trains every run to its last step where measure=tau stops at τ', async () => {
    // A threshold every run reaches at once: τ stops the group there, curves go on.
    const base = { ...BASE, lm: 'test' as const, thr: 100 };
    const tau = await runSweep(sweepDefinition(base, ['lr=0.01,0.02'], 'tau'), {
      teacher: TEACHER,
      evalExamples: 16,
    });
    const curves = await runSweep(sweepDefinition(base, ['lr=0.01,0.02'], 'curves'), {
      teacher: TEACHER,
      evalExamples: 16,
    });
    expect(Math.max(...tau.points.map((p) => p.stepsTrained))).toBeLessThan(BASE.steps);
    expect(curves.points.map((p) => p.stepsTrained)).toEqual(curves.points.map(() => BASE.steps));
    expect(curves.points.map((p) => p.tau)).toEqual(tau.points.map((p) => p.tau));
    // The held-out loss at the last step is the last evaluation's.
    for (const [i, point] of curves.points.entries())
      expect(point.finalTestLoss).toBe(curves.curves[i]!.evalMetric!.at(-1));
  });

  it('the plan counts λ_max along training in the time it predicts', () => {
    const base = { ...DEFAULT_CONFIG, L: 32, N: 128, steps: 300, init: 'orthogonal' as const };
    const tau = planSweep(sweepDefinition(base, ['orth=none,stiefel'], 'tau'));
    const curvature = planSweep(sweepDefinition(base, ['orth=none,stiefel'], 'curvature'));
    expect(measurementCount(300)).toBe(MEASUREMENTS + 1);
    expect(measurementCount(1)).toBe(2);
    // As many as the runner takes: the steps its `due` says yes to.
    for (const steps of [1, 2, 7, 12, 13, 50, 299, 1000]) {
      const taking = new TrainingMeasurements('curvature', 1);
      const due = Array.from({ length: steps + 1 }, (_, step) => step).filter((step) =>
        taking.due(step, steps),
      );
      expect(measurementCount(steps), `T = ${steps}`).toBe(due.length);
    }
    const lambda = curvatureSeconds({ inputSize: 784, outputSize: 10, L: 32, N: 128 }, 1);
    curvature.groups.forEach((group, g) => {
      const extra = (group.stepSeconds - tau.groups[g]!.stepSeconds) * 300;
      expect(extra / (lambda * (MEASUREMENTS + 1))).toBeCloseTo(1, 9);
    });
    // The bench's figure it is calibrated on: the default link's two networks at D = 32.
    expect(curvatureSeconds({ inputSize: 784, outputSize: 10, L: 50, N: 128 }, 2)).toBeCloseTo(1.36, 9);
  });

  it('pools layers as one set of singular values would', () => {
    const layer = (mean: number, std: number, min: number, max: number, fanIn = 4) => ({
      layer: 1,
      fanIn,
      fanOut: 4,
      mean,
      std,
      min,
      max,
      orthogonalityDeviation: 0,
      unitNormDeviation: 0,
      penalty: 0,
    });
    // Layer a: {1, 3}; layer b: {2, 6}: pooled {1, 2, 3, 6}, mean 3, variance (4 + 1 + 0 + 9)/4.
    const [pooled] = pool([
      {
        runId: 0,
        init: 'gaussian',
        seed: 1,
        layers: [layer(9, 9, 9, 9, 784), layer(2, 1, 1, 3), layer(4, 2, 2, 6)],
      },
    ]);
    expect(pooled!.mean).toBeCloseTo(3, 12);
    expect(pooled!.std).toBeCloseTo(Math.sqrt(14 / 4), 12);
    expect([pooled!.min, pooled!.max]).toEqual([1, 6]);
  });
});
