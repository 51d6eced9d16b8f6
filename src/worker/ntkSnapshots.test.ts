import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabConfig } from '../config/index.ts';
import { memoryOnly, predict } from '../engine/budget.ts';
import { createExperiment } from '../engine/index.ts';
import { NTK_PROBES, NTK_UNIT } from './ntkSnapshots.ts';
import { loopRecorder, TINY_LOOP_CONFIG } from './loopTestKit.ts';
import { TrainingLoop, type TrainingLoopOptions } from './trainingLoop.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

const TINY: LabConfig = { ...TINY_LOOP_CONFIG, steps: 60 };

type NtkEvent = Extract<TrainingEvent, { type: 'ntk' }>;

function recorder(options: TrainingLoopOptions = {}) {
  const { events, loop, until } = loopRecorder(options);
  const ntk = () => events.filter((e): e is NtkEvent => e.type === 'ntk');
  const done = async (generation: number) => {
    await until((e) => e.type === 'state' && e.state === 'done' && e.generation === generation, 60_000);
    await loop.idle();
  };
  return { events, loop, ntk, done };
}

/** ‖b − a‖_F/‖a‖_F, written out here rather than taken from the engine. */
function frobeniusRatio(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (b[i]! - a[i]!) ** 2;
    den += a[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('NTK snapshots in the training loop', () => {
  it('sends the step-0 kernels with the analytic one, then each later kernel with its change since step 0', async () => {
    const { loop, ntk, done, events } = recorder();
    await loop.configure(1, TINY, true);
    await done(1);
    const snapshots = ntk();
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    const [first, ...later] = snapshots;
    const D = NTK_PROBES;
    const runs = 2;

    // Step 0: every run's kernel, the analytic kernel once, and nothing moved yet.
    expect(first!.step).toBe(0);
    expect(first!.unit).toBe(NTK_UNIT);
    expect(first!.labels).toEqual(new Int32Array(D).fill(-1)); // regression: inputs in order
    expect(first!.kernels).toHaveLength(runs);
    for (const kernel of first!.kernels) expect(kernel).toHaveLength(D * D);
    expect(first!.analytic).toBeInstanceOf(Float64Array);
    expect(first!.analytic).toHaveLength(D * D);
    expect([...first!.ntkChange]).toEqual([0, 0]);
    expect(first!.weightChange.map((w) => [...w])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);

    // The step-0 kernels are those of freshly built networks of the same link.
    const fresh = await createExperiment(TINY, { evalExamples: 32 });
    const frozen = fresh.freeze();
    const direct = await frozen.ntk(D, NTK_UNIT);
    frozen.dispose();
    fresh.dispose();
    direct.kernels.forEach((kernel, r) => {
      for (let i = 0; i < D * D; i++) expect(first!.kernels[r]![i]).toBeCloseTo(kernel[i]!, 4);
    });

    // Later: one snapshot per step, no analytic, the change measured against step 0.
    const steps = snapshots.map((s) => s.step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(TINY.steps); // the finished network is measured too
    for (const snapshot of later) {
      expect(snapshot.analytic).toBeNull();
      snapshot.kernels.forEach((kernel, r) => {
        expect(snapshot.ntkChange[r]).toBeCloseTo(frobeniusRatio(first!.kernels[r]!, kernel), 5);
        expect(snapshot.ntkChange[r]).toBeGreaterThan(0);
      });
      for (const perLayer of snapshot.weightChange) {
        expect(perLayer).toHaveLength(TINY.L + 1);
        for (const ratio of perLayer) expect(ratio).toBeGreaterThan(0);
      }
    }
    expect(events.filter((e) => e.type === 'ntk-skipped' || e.type === 'error')).toEqual([]);
  });

  it('skips the weight change, and says why, when keeping the step-0 weights would exceed the memory budget', async () => {
    // Room for the configuration itself (the loop refuses it otherwise), none for one more set of weights.
    const budget = memoryOnly(predict(TINY, { backend: 'cpu' }).memoryBytes + 1);
    const { loop, ntk, done, events } = recorder({ budget });
    await loop.configure(1, TINY, true);
    await done(1);
    const skipped = events.filter((e) => e.type === 'ntk-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ part: 'weight-change', reason: expect.stringMatching(/budget/) });
    expect(ntk().length).toBeGreaterThanOrEqual(2);
    for (const snapshot of ntk()) expect(snapshot.weightChange).toEqual([]);
    expect(ntk().at(-1)!.ntkChange[0]).toBeGreaterThan(0);
  });

  it('takes no NTK, and says why, where one is predicted to take longer than a step may', async () => {
    const { loop, ntk, done, events } = recorder({ predictNtkSeconds: () => 100 });
    await loop.configure(1, TINY, true);
    await done(1);
    expect(ntk()).toEqual([]);
    const skipped = events.filter((e) => e.type === 'ntk-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ part: 'kernel', reason: expect.stringMatching(/≈ 100 s/) });
    // Training and the other snapshots go on.
    expect(events.some((e) => e.type === 'signal')).toBe(true);
  });

  it('lets go of the step-0 networks with their configuration', async () => {
    const { loop, done } = recorder();
    await loop.configure(1, TINY, true);
    await done(1);
    const held = tf.memory().numTensors;
    // The same shape again: as many tensors as before, not one kept set more.
    await loop.configure(2, { ...TINY, seed: 7 }, true);
    await done(2);
    expect(tf.memory().numTensors).toBe(held);
    loop.dispose();
    await loop.idle();
  });

  it('takes the NTK on its own between snapshots, at most once a second', async () => {
    // Snapshots made slow (a Jacobian spectrum of 0.3 s) come every few seconds; the NTK keeps coming.
    const events: TrainingEvent[] = [];
    const loop = new TrainingLoop(
      (event) => events.push(event),
      async (config, onProgress) => {
        const experiment = await createExperiment(config, { evalExamples: 32, onProgress });
        const freeze = experiment.freeze.bind(experiment);
        experiment.freeze = () => {
          const measurements = freeze();
          const spectrum = measurements.jacobianSpectrum.bind(measurements);
          measurements.jacobianSpectrum = async (options) => {
            await new Promise((resolve) => setTimeout(resolve, 300));
            return spectrum(options);
          };
          return measurements;
        };
        return experiment;
      },
    );
    const started = Date.now();
    await loop.configure(1, { ...TINY, steps: 100000 }, true);
    while (events.filter((e) => e.type === 'ntk').length < 6) {
      if (Date.now() - started > 60_000) throw new Error('timed out waiting for NTK snapshots');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    loop.pause();
    await loop.idle();
    const seconds = (Date.now() - started) / 1000;
    const ntkSteps = events.flatMap((e) => (e.type === 'ntk' ? [e.step] : []));
    const spectrumSteps = new Set(events.flatMap((e) => (e.type === 'spectrum' ? [e.step] : [])));
    expect(ntkSteps.filter((step) => !spectrumSteps.has(step)).length).toBeGreaterThanOrEqual(3);
    // Step 0, one a second at most, and the paused network.
    expect(ntkSteps.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    loop.dispose();
    await loop.idle();
  });
});
