import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { DEFAULT_BUDGET, predict, refuse, type Budget } from '../engine/budget.ts';
import { UnitDrawCache, createExperiment, type Experiment } from '../engine/index.ts';
import type { HeldOutEvaluation } from '../engine/evaluation.ts';
import { loopRecorder, TINY_LOOP_CONFIG } from './loopTestKit.ts';
import { TrainingLoop, evaluationExamples, evaluationInterval } from './trainingLoop.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

const TINY = TINY_LOOP_CONFIG;

const recorder = () => loopRecorder();

/** A long run, paused once its first steps are reported, with everything it queued done. */
async function pausedMidTraining() {
  const recorded = recorder();
  await recorded.loop.configure(1, { ...TINY, steps: 100000 }, true);
  await recorded.until((e) => e.type === 'progress');
  recorded.loop.pause();
  await recorded.until(isState('paused', 1));
  await recorded.loop.idle();
  return recorded;
}

const isState = (state: string, generation?: number) => (e: TrainingEvent) =>
  e.type === 'state' && e.state === state && (generation === undefined || e.generation === generation);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('how often and on how many examples the loop evaluates', () => {
  it('keeps evaluations within a tenth of the training time for any run length and batch size', () => {
    for (const bs of [1, 4, 16, 64, 256, 1024])
      for (const steps of [1, 10, 30, 300, 1000, 100000]) {
        const every = evaluationInterval({ steps, bs });
        const examples = evaluationExamples({ steps, bs });
        // A forward pass over E examples costs about E/(3B) steps; one comes every `every` steps.
        expect(examples / (3 * bs * every), `bs=${bs} steps=${steps}`).toBeLessThanOrEqual(0.1 + 1e-12);
        expect(examples).toBeGreaterThanOrEqual(100);
      }
  });

  it('leaves the default link as it was: every 20 steps on 250 examples', () => {
    expect(evaluationInterval(DEFAULT_CONFIG)).toBe(20);
    expect(evaluationExamples(DEFAULT_CONFIG)).toBe(250);
    // A short run with the default batch: every 6 steps on 115 examples (one chunk of 250 before).
    expect(evaluationInterval({ steps: 300, bs: 64 })).toBe(6);
    expect(evaluationExamples({ steps: 300, bs: 64 })).toBe(115);
  });
});

describe('training loop', () => {
  it('builds, trains to the step limit, reports every step once, and evaluates at step 0 and on schedule', async () => {
    const { events, loop, until } = recorder();
    await loop.configure(1, TINY, true);
    await until(isState('done'));
    await loop.idle();
    const built = events.find((e) => e.type === 'built');
    expect(built?.type === 'built' && built.runs.map((r) => r.init)).toEqual(['gaussian', 'orthogonal']);
    const steps = events.flatMap((e) => (e.type === 'progress' ? [...e.steps] : []));
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const losses = events.flatMap((e) => (e.type === 'progress' ? [...e.losses] : []));
    expect(losses).toHaveLength(60);
    expect(losses.every(Number.isFinite)).toBe(true);
    const evaluated = events.flatMap((e) => (e.type === 'evaluation' ? [e.step] : []));
    const every = evaluationInterval(TINY);
    const due = Array.from({ length: Math.floor(30 / every) }, (_, i) => (i + 1) * every);
    expect(evaluated).toEqual([0, ...due, ...(due.at(-1) === 30 ? [] : [30])]);
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
    const { events, loop, until } = await pausedMidTraining();
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
    await loop.idle();
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
    // One flush per 50 ms while running, plus the last one when the run ends.
    expect(progress).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2);
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
    await loop.idle();
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
      { predictSpectrumSeconds: () => 1000 },
    );
    await slowLoop.configure(1, TINY, true);
    const start = Date.now();
    while (!slow.some(isState('done')) && Date.now() - start < 20_000)
      await new Promise((r) => setTimeout(r, 5));
    await slowLoop.idle();
    expect(slow.filter((e) => e.type === 'spectrum')).toEqual([]);
    expect(slow.find((e) => e.type === 'spectrum-skipped')).toMatchObject({
      reason: expect.stringMatching(/≈ 1000 s/),
    });
  });

  it('skips the spectrum, saying why, where no hidden layer is square (L = 1 on n0 ≠ N inputs)', async () => {
    const shallow: TrainingEvent[] = [];
    const loop = new TrainingLoop(
      (event) => shallow.push(event),
      (config, onProgress) => createExperiment(config, { evalExamples: 32, onProgress }),
    );
    await loop.configure(1, { ...TINY, L: 1 }, true);
    const start = Date.now();
    while (!shallow.some(isState('done')) && Date.now() - start < 20_000)
      await new Promise((r) => setTimeout(r, 5));
    await loop.idle();
    expect(shallow.filter((e) => e.type === 'spectrum')).toEqual([]);
    expect(shallow.find((e) => e.type === 'spectrum-skipped')).toMatchObject({
      reason: expect.stringMatching(/no square hidden layer/),
    });
  });

  it('switches the Jacobian probe to a held-out example and snapshots a stopped run at once', async () => {
    const { events, loop } = recorder();
    await loop.configure(1, TINY, false);
    await loop.idle();
    await loop.setProbe('data');
    await loop.idle();
    const spectra = events.filter((e) => e.type === 'spectrum');
    expect(spectra.map((e) => e.type === 'spectrum' && e.spectra[0]!.probe)).toEqual(['fixed-point', 'data']);
  });

  it('draws the first training step before any measurement of the initial networks', async () => {
    const { events, loop, until } = recorder();
    await loop.configure(1, TINY, true);
    await until(isState('done'));
    await loop.idle();
    const first = (type: TrainingEvent['type']) => events.findIndex((e) => e.type === type);
    expect(first('progress')).toBeGreaterThan(-1);
    for (const type of ['evaluation', 'signal', 'weights', 'spectrum'] as const) {
      expect(first(type), type).toBeGreaterThan(first('progress'));
      // …and yet they measure the networks as initialized.
      const event = events[first(type)]!;
      expect('step' in event && event.step, type).toBe(0);
    }
  });

  it('acknowledges Pause before the measurements of the paused networks', async () => {
    const { events } = await pausedMidTraining();
    const pausedAt = events.findIndex(isState('paused', 1));
    const last = [...events].reverse().find((e) => e.type === 'progress');
    const finalStep = last?.type === 'progress' ? last.steps[last.steps.length - 1]! : -1;
    const spectrumOfPaused = events.findIndex((e) => e.type === 'spectrum' && e.step === finalStep);
    expect(spectrumOfPaused).toBeGreaterThan(pausedAt);
    // Nothing trained after the acknowledgement.
    expect(events.slice(pausedAt).some((e) => e.type === 'progress')).toBe(false);
  });

  it('keeps the panels live: snapshots of later steps arrive while training runs', async () => {
    const { events, loop, until } = recorder();
    await loop.configure(1, { ...TINY, L: 6, N: 32, steps: 100000 }, true);
    await until((e) => e.type === 'signal' && e.step > 0, 20_000);
    await until((e) => e.type === 'spectrum' && e.step > 0, 20_000);
    const state = [...events].reverse().find((e) => e.type === 'state');
    expect(state?.type === 'state' && state.state).toBe('running');
    loop.pause();
    await loop.idle();
  });

  it('reports the build as it goes and drops it for a newer configuration after at most one more slice of drawing', async () => {
    // 30 orthogonal layers of width 128: each factor is drawn in 32 slices, ~1000 in all.
    const slow: LabConfig = { ...TINY, L: 30, N: 128, init: 'orthogonal' };
    const events: TrainingEvent[] = [];
    const slices = { before: 0, after: 0 };
    let reconfigured = false;
    let started!: () => void;
    const startedDrawing = new Promise<void>((resolve) => (started = resolve));
    const loop = new TrainingLoop(
      (event) => events.push(event),
      (config, progress) =>
        createExperiment(config, {
          evalExamples: 32,
          drawCache: new UnitDrawCache(),
          onProgress: async (done, count) => {
            if (config.N === slow.N) {
              if (reconfigured) slices.after += 1;
              else if (++slices.before === 40) started();
            }
            await progress(done, count);
          },
        }),
    );
    void loop.configure(1, slow, true);
    await startedDrawing;
    reconfigured = true;
    await loop.configure(2, TINY, false);
    await loop.idle();
    // The superseded build noticed at its next slice and drew nothing more.
    expect(slices.after).toBeLessThanOrEqual(1);
    expect(events.some((e) => e.type === 'built' && e.generation === 1)).toBe(false);
    expect(events.some((e) => e.type === 'built' && e.generation === 2)).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    // Generation 1 said how far it got before it was dropped.
    const building = events.filter((e) => e.type === 'building' && e.generation === 1);
    expect(building[0]).toMatchObject({ layersDone: 0, layerCount: 31 });
    // Generation 2's build reported its end.
    expect(events.filter((e) => e.type === 'building' && e.generation === 2).at(-1)).toMatchObject({
      layersDone: 3,
      layerCount: 3,
    });
  });

  it('evaluates in slices sized by the time model, and a configure during them waits for none of the rest', async () => {
    // Wide enough that the cpu table asks for chunks well under EVAL_CHUNK.
    const wide: LabConfig = { ...TINY, L: 4, N: 256, steps: 1000, bs: 64 };
    const chunk = predict(wide, { backend: 'cpu' }).evaluationChunk;
    const examples = evaluationExamples(wide);
    expect(chunk).toBeLessThan(examples / 3);
    const chunks: { generation: number; size: number }[] = [];
    let generation = 1;
    const events: TrainingEvent[] = [];
    const loop = new TrainingLoop(
      (event) => events.push(event),
      async (config, progress) => {
        const experiment = await createExperiment(config, { evalExamples: examples, onProgress: progress });
        const own = generation;
        return spyOnEvaluations(experiment, (evaluation) =>
          chunks.push({ generation: own, size: evaluation.chunkSize }),
        );
      },
    );
    // Paused at step 0: the measurements of the initial networks run slice by slice while idle.
    await loop.configure(1, wide, false);
    await loop.idle();
    const first = chunks.filter((c) => c.generation === 1);
    expect(first.length).toBe(Math.ceil(examples / chunk));
    expect(first.every((c) => c.size === chunk)).toBe(true);
    expect(events.some((e) => e.type === 'evaluation' && e.generation === 1)).toBe(true);

    // Again, and a new configuration as soon as the first slice is done.
    chunks.length = 0;
    generation = 2;
    const done = loop.configure(2, wide, false);
    await done;
    while (chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    generation = 3;
    await loop.configure(3, TINY, false);
    await loop.idle();
    expect(chunks.filter((c) => c.generation === 2).length).toBeLessThanOrEqual(2);
    expect(events.some((e) => e.type === 'evaluation' && e.generation === 2)).toBe(false);
    expect(events.some((e) => e.type === 'evaluation' && e.generation === 3)).toBe(true);
  });

  it('refuses a configuration over the budget before drawing, naming one within it, which then trains', async () => {
    const budget: Budget = { ...DEFAULT_BUDGET, memoryBytes: 4 * 2 ** 20 };
    const big: LabConfig = { ...TINY, L: 40, N: 96, seeds: 4 };
    const builds: LabConfig[] = [];
    const events: TrainingEvent[] = [];
    const loop = new TrainingLoop(
      (event) => events.push(event),
      (config, progress) => {
        builds.push(config);
        return createExperiment(config, { evalExamples: 32, onProgress: progress });
      },
      { budget, backend: () => ({ backend: 'cpu' }) },
    );
    await loop.configure(1, big, false);
    expect(builds).toEqual([]);
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({
      generation: 1,
      message: expect.stringMatching(/Nearest within the budget: seeds=1/),
    });
    // No "drawing weights" for a refused configuration.
    expect(events.some((e) => (e.type === 'state' || e.type === 'building') && e.generation === 1)).toBe(
      false,
    );
    const suggestion = refuse(big, { backend: 'cpu' }, budget)!.suggestion;
    await loop.configure(2, { ...big, ...suggestion }, false);
    await loop.idle();
    expect(events.some((e) => e.type === 'built' && e.generation === 2)).toBe(true);
  });

  it('times its steps and scales the time model by them', async () => {
    const { loop, until } = recorder();
    expect(loop.facts().measured ?? null).toBeNull();
    await loop.configure(1, { ...TINY, steps: 8 }, true);
    await until(isState('done'));
    await loop.idle();
    const measured = loop.facts().measured!;
    expect(measured.config).toMatchObject({ L: TINY.L, N: TINY.N });
    expect(measured.seconds).toBeGreaterThan(0);
    // A slice of its own, sized by the measured steps where they are far from the table.
    const fast = { config: TINY, seconds: 1e-6 };
    expect(predict(TINY, { backend: 'cpu', measured: fast }).calibration).toBe(0.1);
    // The worker's own measurement (auto selection's timed step) comes first.
    const worker = new TrainingLoop(
      () => undefined,
      () => Promise.reject(new Error('not built')),
      { backend: () => ({ backend: 'wasm', measured: fast }) },
    );
    expect(worker.facts()).toEqual({ backend: 'wasm', measured: fast });
  });
});

/** Calls `seen` with every held-out evaluation chunk the experiment's measurements run. */
function spyOnEvaluations(experiment: Experiment, seen: (evaluation: HeldOutEvaluation) => void): Experiment {
  const freeze = experiment.freeze.bind(experiment);
  experiment.freeze = () => {
    const frozen = freeze();
    const evaluation = frozen.evaluation.bind(frozen);
    frozen.evaluation = (examples, chunkSize) => {
      const held = evaluation(examples, chunkSize);
      const chunk = held.chunk.bind(held);
      held.chunk = () => {
        if (!held.done) seen(held);
        chunk();
      };
      return held;
    };
    return frozen;
  };
  return experiment;
}
