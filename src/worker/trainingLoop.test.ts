import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/index.ts';
import { TrainingLoop, evaluationInterval } from './trainingLoop.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

const TINY: LabConfig = {
  ...DEFAULT_CONFIG,
  L: 2,
  N: 8,
  data: 'teacher',
  seeds: 1,
  bs: 16,
  steps: 30,
  lr: 0.05,
};

function recorder() {
  const events: TrainingEvent[] = [];
  const loop = new TrainingLoop(
    (event) => events.push(event),
    (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
  );
  const until = async (predicate: (e: TrainingEvent) => boolean, timeoutMs = 20_000) => {
    const start = Date.now();
    while (!events.some(predicate)) {
      if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for an event');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { events, loop, until };
}

const isState = (state: string, generation?: number) => (e: TrainingEvent) =>
  e.type === 'state' && e.state === state && (generation === undefined || e.generation === generation);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('training loop', () => {
  it('builds, evaluates at step 0, trains to the step limit and reports every step once', async () => {
    const { events, loop, until } = recorder();
    await loop.configure(1, TINY, true);
    await until(isState('done'));
    const built = events.find((e) => e.type === 'built');
    expect(built?.type === 'built' && built.runs.map((r) => r.init)).toEqual(['gaussian', 'orthogonal']);
    const steps = events.flatMap((e) => (e.type === 'progress' ? [...e.steps] : []));
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const losses = events.flatMap((e) => (e.type === 'progress' ? [...e.losses] : []));
    expect(losses).toHaveLength(60);
    expect(losses.every(Number.isFinite)).toBe(true);
    const evaluated = events.flatMap((e) => (e.type === 'evaluation' ? [e.step] : []));
    const every = evaluationInterval(30);
    expect(evaluated).toEqual([0, ...Array.from({ length: 30 / every }, (_, i) => (i + 1) * every)]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('gives the same numbers for the same configuration (same seed)', async () => {
    const runOnce = async () => {
      const { events, loop, until } = recorder();
      await loop.configure(1, TINY, true);
      await until(isState('done'));
      return events.flatMap((e) => (e.type === 'progress' ? [...e.losses] : []));
    };
    expect(await runOnce()).toEqual(await runOnce());
  });

  it('pauses, single-steps, and drops the old runs when reconfigured mid-training', async () => {
    const { events, loop, until } = recorder();
    await loop.configure(1, { ...TINY, steps: 100000 }, true);
    await until((e) => e.type === 'progress');
    loop.pause();
    await until(isState('paused', 1));
    await loop.idle();
    const stepsBefore = events
      .filter((e) => e.type === 'progress')
      .flatMap((e) => (e.type === 'progress' ? [...e.steps] : []));
    const last = stepsBefore[stepsBefore.length - 1]!;
    await loop.step();
    const afterStep = events.filter((e) => e.type === 'progress').at(-1);
    expect(afterStep?.type === 'progress' && [...afterStep.steps]).toEqual([last + 1]);

    loop.start();
    await until((e) => e.type === 'progress' && e.steps[0]! > last + 1);
    const numTensorsBefore = tf.memory().numTensors;
    await loop.configure(2, { ...TINY, sw2: 1.5, steps: 5 }, true);
    await until(isState('done', 2));
    // Everything after the new generation's 'building' state belongs to generation 2.
    const buildingAt = events.findIndex((e) => e.type === 'state' && e.generation === 2);
    expect(events.slice(buildingAt).every((e) => !('generation' in e) || e.generation === 2)).toBe(true);
    const newSteps = events.slice(buildingAt).flatMap((e) => (e.type === 'progress' ? [...e.steps] : []));
    expect(newSteps).toEqual([1, 2, 3, 4, 5]);
    // The old experiment was disposed: the new one of the same shape holds no more tensors.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(numTensorsBefore);
  });

  it('throttles progress to at most 20 messages a second', async () => {
    const { events, loop, until } = recorder();
    const started = Date.now();
    await loop.configure(1, { ...TINY, steps: 400, L: 1, N: 4 }, true);
    await until(isState('done'));
    const seconds = (Date.now() - started) / 1000;
    const progress = events.filter((e) => e.type === 'progress').length;
    const evaluations = events.filter((e) => e.type === 'evaluation').length;
    // Each evaluation flushes first, so those flushes are allowed on top of the 20/s budget.
    expect(progress).toBeLessThanOrEqual(Math.ceil(seconds * 20) + evaluations + 1);
  });

  it('reports a configuration the engine refuses as an error and keeps working', async () => {
    const events: TrainingEvent[] = [];
    const loop = new TrainingLoop(
      (event) => events.push(event),
      async (config) => {
        if (config.N === 3) throw new Error('width 3 refused');
        return createExperiment(config, { evalExamples: 32 });
      },
    );
    await loop.configure(1, { ...TINY, N: 3 }, true);
    expect(events.at(-1)).toEqual({ type: 'error', generation: 1, message: 'width 3 refused' });
    await loop.configure(2, TINY, false);
    expect(events.some((e) => e.type === 'built' && e.generation === 2)).toBe(true);
  });

  it('takes a Jacobian spectrum at init, and skips spectra predicted to be too slow', async () => {
    const { events, loop } = recorder();
    await loop.configure(1, TINY, false);
    const snapshot = events.find((e) => e.type === 'spectrum');
    expect(snapshot?.type === 'spectrum' && snapshot.step).toBe(0);
    expect(snapshot?.type === 'spectrum' && snapshot.spectra.map((s) => s.init)).toEqual([
      'gaussian',
      'orthogonal',
    ]);

    const slow: TrainingEvent[] = [];
    const slowLoop = new TrainingLoop(
      (event) => slow.push(event),
      (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
      () => 1000,
    );
    await slowLoop.configure(1, TINY, true);
    await slowLoop.idle();
    const start = Date.now();
    while (!slow.some(isState('done')) && Date.now() - start < 20_000)
      await new Promise((r) => setTimeout(r, 5));
    expect(slow.filter((e) => e.type === 'spectrum')).toEqual([]);
    expect(slow.find((e) => e.type === 'spectrum-skipped')).toMatchObject({
      reason: expect.stringMatching(/≈ 1000 s/),
    });
  });

  it('switches the Jacobian probe to a held-out example and snapshots a stopped run at once', async () => {
    const { events, loop } = recorder();
    await loop.configure(1, TINY, false);
    await loop.setProbe('data');
    const spectra = events.filter((e) => e.type === 'spectrum');
    expect(spectra.map((e) => e.type === 'spectrum' && e.spectra[0]!.probe)).toEqual(['fixed-point', 'data']);
  });
});
