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
  it('holds the same number of tensors at every pause and frees everything when disposed', async () => {
    const before = tf.memory().numTensors;
    let state = '';
    let stepsDone = 0;
    let measured = 0;
    const loop = new TrainingLoop(
      (event: TrainingEvent) => {
        if (event.type === 'progress') stepsDone = event.steps[event.steps.length - 1]!;
        if (event.type === 'signal' || event.type === 'weights' || event.type === 'evaluation') measured++;
        if (event.type === 'state') state = event.state;
      },
      (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
    );
    const until = async (predicate: () => boolean) => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await loop.configure(1, SOAK, true);
    /**
     * Live tensors with training paused and every measurement it queued finished, every 1,000
     * steps: while running, the count moves with the measurements pending (each keeps its step's
     * weights), which depends on timing; at rest it must not.
     */
    const atRest: number[] = [];
    for (let checkpoint = 1000; checkpoint < SOAK.steps; checkpoint += 1000) {
      await until(() => stepsDone >= checkpoint);
      loop.pause();
      await until(() => state === 'paused');
      await loop.idle();
      atRest.push(tf.memory().numTensors);
      loop.start();
    }
    await until(() => state === 'done');
    await loop.idle();
    atRest.push(tf.memory().numTensors);

    expect(stepsDone).toBe(SOAK.steps);
    // Measurements ran all along (evaluations every 200 steps, snapshots by time share and at pauses).
    expect(measured).toBeGreaterThan(50);
    expect(atRest).toHaveLength(10);
    expect(new Set(atRest).size, `tensors at rest: ${atRest.join(', ')}`).toBe(1);

    loop.dispose();
    await loop.idle();
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
