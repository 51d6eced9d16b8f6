import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/index.ts';
import { TrainingLoop } from './trainingLoop.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

/**
 * A long run through the same loop the page uses (training, held-out evaluations and every
 * snapshot kind) must hold a bounded number of tensors: a leak of one tensor per step or per
 * measurement would show as a count that keeps rising. The network is tiny so that 10,000 steps
 * take seconds; what is counted does not depend on its size.
 */
const SOAK: LabConfig = {
  ...DEFAULT_CONFIG,
  L: 3,
  N: 8,
  data: 'teacher',
  init: 'both',
  seeds: 1,
  bs: 8,
  steps: 10_000,
  lr: 0.01,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a 10,000-step run', () => {
  it('keeps its tensor count flat and frees everything when disposed', async () => {
    const before = tf.memory().numTensors;
    /** Live tensors whenever the loop reports progress, with the step reached. */
    const samples: { step: number; tensors: number }[] = [];
    let done = false;
    let measured = 0;
    const loop = new TrainingLoop(
      (event: TrainingEvent) => {
        if (event.type === 'progress') {
          const step = event.steps[event.steps.length - 1]!;
          samples.push({ step, tensors: tf.memory().numTensors });
        }
        if (event.type === 'signal' || event.type === 'weights' || event.type === 'evaluation') measured++;
        if (event.type === 'state' && event.state === 'done') done = true;
      },
      (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
    );
    await loop.configure(1, SOAK, true);
    while (!done) await new Promise((resolve) => setTimeout(resolve, 20));
    await loop.idle();

    expect(samples.at(-1)!.step).toBe(SOAK.steps);
    // Measurements ran all along (evaluations every 200 steps, snapshots by time share).
    expect(measured).toBeGreaterThan(50);
    const warm = samples.filter((s) => s.step > 1000);
    const early = warm.filter((s) => s.step <= 5500).map((s) => s.tensors);
    const late = warm.filter((s) => s.step > 5500).map((s) => s.tensors);
    // Pending measurements hold frozen copies, so the count moves, but never above where it was.
    expect(Math.max(...late)).toBeLessThanOrEqual(Math.max(...early));
    expect(Math.min(...late)).toBeLessThanOrEqual(Math.min(...early));

    loop.dispose();
    await loop.idle();
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
