import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerScaling } from './init.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { weightChange } from './ntk.ts';
import { PerRunTrainer } from './perRunTrainer.ts';
import { RandomStream } from './random.ts';
import { StackedTrainer } from './stackedTrainer.ts';
import type { Formulation, Trainer } from './trainer.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

/** A tiny tanh network n0 → N → N → 1 in the NTK parameterization (gains ≠ 1), `runs` seeds. */
const SIZES = [3, 5, 4, 1];
const SW2 = 1.5;
const SB2 = 0.1;

function inits(runs: number): LayerInit[] {
  return SIZES.slice(1).map((fanOut, l) => {
    const fanIn = SIZES[l]!;
    const draw = (r: number, what: string, count: number) =>
      new RandomStream(7 + r, 'mirror-test', l, what).fillNormal(new Float32Array(count));
    return {
      fanIn,
      fanOut,
      scaling: layerScaling('gaussian', 'ntk', SW2, SB2, fanIn, fanOut),
      weights: Array.from({ length: runs }, (_, r) => draw(r, 'w', fanIn * fanOut)),
      biases: Array.from({ length: runs }, (_, r) => draw(r, 'b', fanOut)),
    };
  });
}

function trainer(formulation: Formulation, runs: number, lr: number): Trainer {
  const rates = new Array<number>(runs).fill(lr);
  return formulation === 'stacked'
    ? new StackedTrainer(runs, 'tanh', inits(runs), 'sgd', rates, undefined, true)
    : new PerRunTrainer(runs, 'tanh', inits(runs), 'sgd', rates, undefined, true);
}

const BATCH = 6;
const x = () =>
  tf.tensor2d(new RandomStream(3, 'mirror-x').fillNormal(new Float32Array(BATCH * SIZES[0]!)), [
    BATCH,
    SIZES[0]!,
  ]);
const y = () => tf.tensor2d(new RandomStream(3, 'mirror-y').fillNormal(new Float32Array(BATCH)), [BATCH, 1]);

/** Every parameter of both copies of every run, read from a snapshot's copies() (layer order, W then b). */
async function parametersOf(model: StackedModel): Promise<Float64Array[]> {
  return Promise.all(model.parameters.map(async (p) => Float64Array.from(await p.data())));
}

/**
 * The mirrored network's MSE on (x, y), in Float64 on the host, independently of the engine: run
 * `run` of `params` (2R networks, as parametersOf lays them out) computes
 * f = (g_a − g_b)/√2, g the n0 → N → N → 1 tanh network with h = g_w·xW + g_b·b.
 */
function hostLoss(
  params: readonly Float64Array[],
  runs: number,
  run: number,
  xs: Float32Array,
  ys: Float32Array,
): number {
  const scalings = SIZES.slice(1).map((fanOut, l) =>
    layerScaling('gaussian', 'ntk', SW2, SB2, SIZES[l]!, fanOut),
  );
  const network = (copy: number, input: number[]): number => {
    let activity = input;
    scalings.forEach((scaling, l) => {
      const fanIn = SIZES[l]!;
      const fanOut = SIZES[l + 1]!;
      const w = params[2 * l]!;
      const b = params[2 * l + 1]!;
      const net = copy * runs + run;
      const h = Array.from({ length: fanOut }, (_, j) => {
        let sum = 0;
        for (let i = 0; i < fanIn; i++) sum += activity[i]! * w[net * fanIn * fanOut + i * fanOut + j]!;
        return scaling.weightGain * sum + scaling.biasGain * b[net * fanOut + j]!;
      });
      activity = l === scalings.length - 1 ? h : h.map(Math.tanh);
    });
    return activity[0]!;
  };
  let loss = 0;
  for (let e = 0; e < BATCH; e++) {
    const input = Array.from(xs.subarray(e * SIZES[0]!, (e + 1) * SIZES[0]!));
    const f = (network(0, input) - network(1, input)) / Math.SQRT2;
    loss += (f - ys[e]!) ** 2;
  }
  return loss / BATCH;
}

async function snapshot(t: Trainer): Promise<Float64Array[]> {
  const frozen = t.freeze();
  try {
    return await parametersOf(frozen.copies!());
  } finally {
    frozen.dispose();
  }
}

describe.each(['stacked', 'per-run'] as const)('mirrored %s trainer', (formulation) => {
  it('outputs exactly 0 at init on any input, and both copies of every run then move apart', async () => {
    const runs = 2;
    const t = trainer(formulation, runs, 0.1);
    const [xs, ys] = [x(), y()];
    const initial = t.freeze();
    const atInitTensor = tf.tidy(() => initial.outputs(tf.mul(xs, 3)));
    const atInit = await atInitTensor.data();
    atInitTensor.dispose();
    expect([...atInit]).toEqual(new Array(runs * BATCH).fill(0));
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const loss = t.trainStep('regression', xs, ys);
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    expect(losses[39]).toBeLessThan(0.5 * losses[0]!);
    const now = t.freeze();
    // Per network (copies a of runs 0, 1, then copies b), per layer: ‖W_t − W_0‖/‖W_0‖.
    const moved = await weightChange(initial.copies!(), now.copies!());
    expect(moved).toHaveLength(2 * runs);
    for (const change of moved) for (const layer of change) expect(layer).toBeGreaterThan(1e-3);
    const [a, b] = [now.model(), now.copies!()];
    const copyB = tf.tidy(() => tf.slice(b.layers[1]!.weights, runs, runs));
    const distance = tf.tidy(() => tf.norm(tf.sub(a.layers[1]!.weights, copyB)));
    const apart = (await distance.data())[0]!;
    distance.dispose();
    expect(apart).toBeGreaterThan(1e-2);
    const trainedTensor = tf.tidy(() => now.outputs(xs));
    const trained = await trainedTensor.data();
    trainedTensor.dispose();
    expect(Math.max(...trained.map(Math.abs))).toBeGreaterThan(1e-2);
    tf.dispose([xs, ys, copyB]);
    initial.dispose();
    now.dispose();
    t.dispose();
  });

  it('takes the gradient of the mirrored loss (finite differences, copies apart)', async () => {
    const runs = 1;
    const lr = 0.05;
    const t = trainer(formulation, runs, lr);
    const [xs, ys] = [x(), y()];
    const [xv, yv] = (await Promise.all([xs.data(), ys.data()])) as [Float32Array, Float32Array];
    // Two steps first, so that the copies differ and the gradient is not a symmetric one.
    for (let i = 0; i < 2; i++) tf.dispose(t.trainStep('regression', xs, ys));
    const before = await snapshot(t);
    tf.dispose(t.trainStep('regression', xs, ys));
    const after = await snapshot(t);
    const step = 1e-5;
    let largest = 0;
    let worst = 0;
    before.forEach((param, p) => {
      for (let i = 0; i < param.length; i++) {
        const shifted = (delta: number) => {
          const copy = before.map((q) => q.slice());
          copy[p]![i] = param[i]! + delta;
          return hostLoss(copy, runs, 0, xv, yv);
        };
        const numeric = (shifted(step) - shifted(-step)) / (2 * step);
        const engine = (param[i]! - after[p]![i]!) / lr;
        largest = Math.max(largest, Math.abs(numeric));
        worst = Math.max(worst, Math.abs(engine - numeric));
      }
    });
    expect(largest).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(2e-4 * Math.max(1, largest) + 1e-5);
    tf.dispose([xs, ys]);
    t.dispose();
  });
});
