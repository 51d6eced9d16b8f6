/** What the training loop's tests share: a tiny configuration and a loop that records its events. */
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/index.ts';
import { TrainingLoop, type TrainingLoopOptions } from './trainingLoop.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

/** Two layers of 8 units on the teacher task: a run of a few dozen steps takes well under a second. */
export const TINY_LOOP_CONFIG: LabConfig = {
  ...DEFAULT_CONFIG,
  L: 2,
  N: 8,
  data: 'teacher',
  seeds: 1,
  bs: 16,
  steps: 30,
  lr: 0.05,
};

/** A loop over real experiments (cpu backend) whose events are kept, and a wait for one of them. */
export function loopRecorder(options: TrainingLoopOptions = {}) {
  const events: TrainingEvent[] = [];
  const loop = new TrainingLoop(
    (event) => events.push(event),
    (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
    options,
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
