import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAMS, PARAM_KEYS, type LabConfig, type NumberParam } from '../config/schema.ts';
import {
  BACKEND_KINDS,
  DEFAULT_BUDGET,
  MAX_EVAL_CHUNK,
  SLICE_SECONDS,
  calibrationOf,
  memoryBoundChunk,
  predict,
  refuse,
  type BackendFacts,
  type Budget,
  type CostConfig,
} from './budget.ts';
import { UnitDrawCache } from './drawCache.ts';
import { createExperiment } from './experiment.ts';

/** Every backend the page may train on, with and without a measured step that scales the table. */
const FACTS: readonly BackendFacts[] = [
  ...BACKEND_KINDS.map((backend) => ({ backend })),
  { backend: 'webgl', software: true },
  { backend: 'webgpu', software: true },
  // A measured step 10× slower than the table (a loaded machine), and one 10× faster (a real GPU).
  { backend: 'wasm', measured: { config: DEFAULT_CONFIG, seconds: 1 } },
  { backend: 'webgpu', measured: { config: DEFAULT_CONFIG, seconds: 0.001 } },
];

const NUMBER_KEYS = PARAM_KEYS.filter((key) => PARAMS[key].kind === 'number');
const maxOf = (key: (typeof NUMBER_KEYS)[number]) => (PARAMS[key] as NumberParam).max;

/** Within the budget, or refused with a suggestion that is within it, lowers only, and lowers as little as it can. */
function expectBounded(config: LabConfig, facts: BackendFacts, budget: Budget = DEFAULT_BUDGET): void {
  const label = `${JSON.stringify(facts)} ${JSON.stringify(config)}`;
  const refusal = refuse(config, facts, budget);
  if (!refusal) {
    const prediction = predict(config, facts);
    expect(prediction.memoryBytes, label).toBeLessThanOrEqual(budget.memoryBytes);
    expect(prediction.stepSeconds, label).toBeLessThanOrEqual(budget.stepSeconds);
    expect(prediction.buildSeconds, label).toBeLessThanOrEqual(budget.buildSeconds);
    return;
  }
  expect(refusal.suggestionFits, label).toBe(true);
  expect(Object.keys(refusal.suggestion).length, label).toBeGreaterThan(0);
  for (const [key, value] of Object.entries(refusal.suggestion)) {
    expect(['seeds', 'bs', 'N', 'L'], label).toContain(key);
    expect(value, `${label} ${key}`).toBeLessThan(config[key as 'N']);
  }
  const suggested = { ...config, ...refusal.suggestion };
  expect(refuse(suggested, facts, budget), label).toBeNull();
  // The last parameter the suggestion lowered is at the largest value that fits.
  const keys = Object.keys(refusal.suggestion) as ('seeds' | 'bs' | 'N' | 'L')[];
  const last = keys.includes('L') ? 'L' : keys.includes('N') ? 'N' : keys.at(-1)!;
  expect(
    refuse({ ...suggested, [last]: suggested[last] + 1 }, facts, budget),
    `${label} ${last}+1`,
  ).not.toBeNull();
}

describe('budget: every request is within it or refused with a suggestion that is', () => {
  it('every number parameter at its maximum, alone, on every backend', () => {
    for (const key of NUMBER_KEYS)
      for (const facts of FACTS) expectBounded({ ...DEFAULT_CONFIG, [key]: maxOf(key) }, facts);
  });

  it('all maxima together, and every pair of the expensive ones, on every backend', () => {
    const allMax = Object.fromEntries(NUMBER_KEYS.map((key) => [key, maxOf(key)])) as Partial<LabConfig>;
    const expensive: Partial<LabConfig>[] = [
      { L: maxOf('L') },
      { N: maxOf('N') },
      { seeds: maxOf('seeds') },
      { bs: maxOf('bs') },
      { steps: maxOf('steps') },
      { init: 'both' },
    ];
    const combinations: Partial<LabConfig>[] = [{ ...allMax, init: 'both' }];
    for (let i = 0; i < expensive.length; i++)
      for (let j = i + 1; j < expensive.length; j++) combinations.push({ ...expensive[i], ...expensive[j] });
    for (const combination of combinations)
      for (const opt of ['sgd', 'adam'] as const)
        for (const data of ['mnist', 'teacher'] as const)
          for (const facts of FACTS) expectBounded({ ...DEFAULT_CONFIG, ...combination, opt, data }, facts);
  });

  it('the reported cases: the CLI’s runaway config, L = 1000 on wasm and its former suggestion', () => {
    const wasm: BackendFacts = { backend: 'wasm' };
    const runaway = { ...DEFAULT_CONFIG, L: 1000, N: 2048, seeds: 8, init: 'both' as const };
    for (const facts of [wasm, { backend: 'cpu' as const }]) expectBounded(runaway, facts);
    // Seeds go first, the depth stays.
    expect(refuse(runaway, wasm)?.suggestion).toMatchObject({ seeds: 1, N: expect.any(Number) });
    expect(refuse(runaway, wasm)?.suggestion.L).toBeUndefined();
    expectBounded({ ...DEFAULT_CONFIG, L: 1000, N: 83, seeds: 8 }, wasm);
    expect(refuse({ ...DEFAULT_CONFIG, L: 1000, N: 83, seeds: 8 }, wasm)?.suggestion).toEqual({
      seeds: expect.any(Number),
    });
    // L = 1000 at the default width fits on wasm: ≈ 1.9 s a step predicted, 1.2–1.4 s measured.
    const deep = predict({ ...DEFAULT_CONFIG, L: 1000 }, wasm);
    expect(refuse({ ...DEFAULT_CONFIG, L: 1000 }, wasm)).toBeNull();
    expect(deep.stepSeconds).toBeGreaterThan(1.2);
    // A second seed doubles the step: refused, and the suggestion is one seed.
    expect(refuse({ ...DEFAULT_CONFIG, L: 1000, seeds: 2 }, wasm)?.suggestion).toEqual({ seeds: 1 });
  });

  it('says what is over and what to do in one line', () => {
    const refusal = refuse({ ...DEFAULT_CONFIG, L: 1000, N: 2048, seeds: 8 }, { backend: 'wasm' })!;
    expect(refusal.message).not.toContain('\n');
    expect(refusal.message).toMatch(/≈ [\d.]+ GB of memory \(budget 1\.50 GB\)/);
    expect(refusal.message).toMatch(/per training step on wasm \(budget 2\.0 s\)/);
    expect(refusal.message).toMatch(/to draw the weights \(budget 60 s\)/);
    expect(refusal.message).toMatch(/Nearest within the budget: seeds=1&N=\d+ /);
  });

  it('lowers the width before the depth, and the depth before a width below 16', () => {
    const gpu: BackendFacts = { backend: 'webgl' };
    // On the GPU table the per-layer cost alone of 1000 layers is over the step budget.
    const suggestion = refuse({ ...DEFAULT_CONFIG, L: 1000 }, gpu)!.suggestion;
    expect(suggestion.N).toBe(16);
    expect(suggestion.L).toBeLessThan(1000);
    expect(refuse({ ...DEFAULT_CONFIG, L: 1000, N: 8 }, gpu)!.suggestion).toEqual({
      L: expect.any(Number),
    });
  });

  it('says so when even the smallest networks exceed a (custom) budget', () => {
    const tiny: Budget = { memoryBytes: 1000, stepSeconds: 1, buildSeconds: 1 };
    const refusal = refuse(DEFAULT_CONFIG, { backend: 'cpu' }, tiny)!;
    expect(refusal.suggestionFits).toBe(false);
    expect(refusal.suggestion).toEqual({ L: 1, N: 2, bs: 1 });
    expect(refusal.message).toMatch(/even the smallest networks/);
  });

  it('holds for custom budgets too (tighter and looser)', () => {
    const budgets: Budget[] = [
      { memoryBytes: 64 * 2 ** 20, stepSeconds: 0.2, buildSeconds: 5 },
      { memoryBytes: 8 * 2 ** 30, stepSeconds: 30, buildSeconds: 600 },
    ];
    for (const budget of budgets)
      for (const key of ['L', 'N', 'seeds', 'bs'] as const)
        for (const facts of FACTS) expectBounded({ ...DEFAULT_CONFIG, [key]: maxOf(key) }, facts, budget);
  });
});

describe('time model', () => {
  it('is scaled by a measured step to predict it, within 10× either way, where it is off by more than 2×', () => {
    const config = { ...DEFAULT_CONFIG, L: 200 };
    const table = predict(config, { backend: 'wasm' }).stepSeconds;
    const measured = { config, seconds: 3 * table };
    expect(predict(config, { backend: 'wasm', measured }).stepSeconds).toBeCloseTo(3 * table, 10);
    expect(calibrationOf({ backend: 'wasm', measured: { config, seconds: 1000 * table } })).toBe(10);
    expect(calibrationOf({ backend: 'wasm', measured: { config, seconds: table / 1000 } })).toBe(0.1);
    // Within a factor of 2 the table stands: a link accepted at load is not refused at Reset
    // because the machine got busier.
    expect(calibrationOf({ backend: 'wasm', measured: { config, seconds: 1.9 * table } })).toBe(1);
    expect(calibrationOf({ backend: 'wasm', measured: { config, seconds: 0.6 * table } })).toBe(1);
    // Another configuration scales by the same factor.
    const other = { ...DEFAULT_CONFIG, N: 512 };
    expect(predict(other, { backend: 'wasm', measured }).stepSeconds).toBeCloseTo(
      3 * predict(other, { backend: 'wasm' }).stepSeconds,
      10,
    );
  });

  it('grows with depth even where the FLOPs are negligible (per-layer dispatch), and with runs on the CPU backends only', () => {
    const narrow = (L: number, seeds: number, backend: BackendFacts['backend']) =>
      predict({ ...DEFAULT_CONFIG, L, N: 4, bs: 1, seeds }, { backend }).stepSeconds;
    expect(narrow(1000, 1, 'wasm')).toBeGreaterThan(50 * narrow(10, 1, 'wasm') * 0.5);
    expect(narrow(1000, 2, 'wasm') / narrow(1000, 1, 'wasm')).toBeGreaterThan(1.9);
    expect(narrow(1000, 2, 'webgpu') / narrow(1000, 1, 'webgpu')).toBeLessThan(1.01);
  });

  it('predicts builds from the orthogonal factors, O(N³) a layer', () => {
    const build = (N: number, init: LabConfig['init']) =>
      predict({ ...DEFAULT_CONFIG, L: 10, N, init }, { backend: 'wasm' }).buildSeconds;
    expect(build(1024, 'orthogonal') / build(512, 'orthogonal')).toBeGreaterThan(6);
    expect(build(1024, 'orthogonal')).toBeGreaterThan(10 * build(1024, 'gaussian'));
  });

  it('sizes evaluation slices to about 0.1 s, or twice the fixed per-layer cost, and within the memory for activations', () => {
    for (const facts of FACTS) {
      for (const L of [1, 50, 1000]) {
        for (const N of [8, 128, 2048]) {
          const config: CostConfig = { ...DEFAULT_CONFIG, L, N };
          const p = predict(config, facts);
          expect(p.evaluationChunk).toBeGreaterThanOrEqual(1);
          expect(p.evaluationChunk).toBeLessThanOrEqual(Math.min(MAX_EVAL_CHUNK, memoryBoundChunk(config)));
          // The largest chunk whose slice stays within 0.1 s, or twice the fixed cost where that is more.
          const target = Math.max(SLICE_SECONDS, 2 * p.forwardFixedSeconds);
          const perExample = (p.evaluationSliceSeconds - p.forwardFixedSeconds) / p.evaluationChunk;
          if (p.evaluationChunk > 1)
            expect(p.evaluationSliceSeconds).toBeLessThanOrEqual(target * (1 + 1e-9));
          if (p.evaluationChunk < Math.min(MAX_EVAL_CHUNK, memoryBoundChunk(config)))
            expect(p.evaluationSliceSeconds + perExample).toBeGreaterThan(target);
        }
      }
    }
    const wasm: BackendFacts = { backend: 'wasm' };
    expect(predict(DEFAULT_CONFIG, wasm).evaluationSliceSeconds).toBeLessThanOrEqual(SLICE_SECONDS);
    expect(predict({ ...DEFAULT_CONFIG, L: 1000 }, wasm).evaluationChunk).toBeLessThan(
      predict(DEFAULT_CONFIG, wasm).evaluationChunk,
    );
  });
});

describe('memory model', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** The peak of tfjs tensor bytes while `work` runs. */
  async function peakBytes(work: () => Promise<void>): Promise<number> {
    const profile = await tf.profile(async () => {
      await work();
      return [];
    });
    return profile.peakBytes;
  }

  it('is not below the real tfjs memory of small experiments: build, steps, evaluation and every measurement', async () => {
    const configs: LabConfig[] = [
      { ...DEFAULT_CONFIG, data: 'teacher', L: 3, N: 16, seeds: 2, bs: 8, opt: 'adam' },
      // Deep and narrow with a batch of one: the evaluation's activations dominate.
      { ...DEFAULT_CONFIG, data: 'teacher', L: 24, N: 48, seeds: 1, bs: 1, opt: 'sgd' },
      {
        ...DEFAULT_CONFIG,
        data: 'teacher',
        L: 2,
        N: 96,
        seeds: 1,
        bs: 64,
        opt: 'rmsprop',
        init: 'orthogonal',
      },
    ];
    for (const config of configs) {
      const before = tf.memory().numBytes;
      let experiment: Awaited<ReturnType<typeof createExperiment>> | null = null;
      const peak = await peakBytes(async () => {
        experiment = await createExperiment(config, { evalExamples: 250, drawCache: new UnitDrawCache() });
        for (let i = 0; i < 3; i++) await experiment.step();
        await experiment.evaluate();
        // A pending measurement job keeps its step's weights while training goes on.
        const frozen = experiment.freeze();
        await experiment.step();
        const evaluation = frozen.evaluation(250, predict(config, { backend: 'cpu' }).evaluationChunk);
        await evaluation.result();
        evaluation.dispose();
        await frozen.signal();
        frozen.prepare();
        await frozen.gradientNorms();
        await frozen.weightSpectra();
        await frozen.jacobianSpectrum();
        frozen.dispose();
      });
      (experiment as { dispose(): void } | null)?.dispose();
      const predicted = predict(config, { backend: 'cpu' }).memoryBytes;
      expect(peak - before, JSON.stringify(config)).toBeGreaterThan(0);
      expect(predicted, JSON.stringify(config)).toBeGreaterThanOrEqual(peak - before);
    }
  }, 60_000);
});
