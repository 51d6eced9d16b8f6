import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../../cli/common.ts';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import { BatchOrder } from '../../engine/data/batchOrder.ts';
import type { Dataset } from '../../engine/data/dataset.ts';
import { fileByteSource } from '../../engine/data/fileByteSource.ts';
import { loadMnist, mnistDataset } from '../../engine/data/mnist.ts';
import { UnitDrawCache } from '../../engine/drawCache.ts';
import { createExperiment } from '../../engine/experiment.ts';
import { runToEnd } from '../../engine/haar.ts';
import { inputScaling } from '../../engine/inputScaling.ts';
import { rnnInitSteps, type RnnInit } from '../../engine/rnn/rnnInit.ts';
import { RnnTrainer } from '../../engine/rnn/rnnTrainer.ts';
import { MNIST_ROWS } from '../../engine/rnn/sequence.ts';
import { resolveRuns, type RunInfo, type RunSpec } from '../../engine/runs.ts';
import { useCpuBackend } from '../../engine/testBackend.ts';
import { pythonWithTorch, runPython } from './pythonWithTorch.ts';

const MODULES = fileURLToPath(new URL('.', import.meta.url));
const STEPS = 20;
const EVAL_EXAMPLES = 64;
/** The step after which the frozen-run case freezes its second run (as a divergence would). */
const FREEZE_AFTER = 5;

/**
 * What lab_rnn does with each case, in one Python process: the initial arrays it draws (before any
 * constraint), the first STEPS training losses on the lab's batches (lab_data's MNIST, BatchOrder
 * and input scale), the held-out loss and accuracy, or the one-line error a refused case raises.
 */
const DRIVER = String.raw`
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import torch
from lab_data import BatchOrder, load_dataset
from lab_init import DrawCache
from lab_rnn import build_rnn, rnn_initial_arrays
from lab_theory import input_scale

request = json.load(sys.stdin)
dataset = None
answers = []
for case in request["cases"]:
    config, runs = case["config"], case["runs"]
    dataset = dataset or load_dataset(config, request["dataDir"])
    cache = DrawCache()
    try:
        net = build_rnn(config, runs, dataset, "cpu", torch.float32, cache)
    except ValueError as error:
        answers.append({"error": str(error)})
        continue
    _, arrays = rnn_initial_arrays(cache, config, runs, dataset.output_size)
    scale = input_scale(config["act"], config["sw2"], config["sb2"])
    order = BatchOrder(config["seed"], dataset.train_count, config["bs"], dataset.train_chunk_size)
    losses = []
    frozen_before = None
    for step in range(request["steps"]):
        if step == case.get("freezeAfter"):
            net.set_live([True] + [False] * (net.run_count - 1))
            frozen_before = [p[1:].clone() for p in net.params]
        x, y = dataset.train_batch(order.indices(step), scale)
        loss = net.train_step(torch.from_numpy(x), torch.from_numpy(y))
        losses.append([None if np.isnan(v) else float(v) for v in loss.tolist()])
    loss, accuracy = net.evaluate(dataset, request["evalExamples"], scale)
    answers.append({
        "initial": [[np.asarray(a, np.float64).ravel().tolist() for a in run] for run in arrays],
        "losses": losses,
        "frozenUnchanged": None if frozen_before is None
        else all(bool(torch.equal(p[1:], q)) for p, q in zip(net.params, frozen_before)),
        "evalLoss": loss.tolist(),
        "evalAccuracy": accuracy.tolist(),
    })
print(json.dumps(answers))
`;

interface Case {
  readonly name: string;
  readonly config: LabConfig;
  readonly runs?: readonly RunSpec[];
  /** Freeze every run but the first after this many steps (the lab's trainer, setLiveRuns). */
  readonly freezeAfter?: number;
}

interface Answer {
  readonly error?: string;
  readonly initial: number[][][];
  readonly losses: (number | null)[][];
  readonly frozenUnchanged: boolean | null;
  readonly evalLoss: number[];
  readonly evalAccuracy: number[];
}

interface LabRun {
  readonly init: RnnInit;
  readonly losses: number[][];
  readonly evalLoss?: Float32Array;
  readonly evalAccuracy?: Float32Array;
}

// σ_w² = 1 and 0.8: at σ_w² > 1 a Gaussian W is chaotic, and 20 Adam steps carry a one-ulp change
// of one weight to 1e-2 of the loss (.scratch/readme-R.md), so no other summation order could match.
const RNN: LabConfig = {
  ...DEFAULT_CONFIG,
  arch: 'rnn',
  data: 'mnist',
  act: 'tanh',
  N: 16,
  sw2: 1,
  sb2: 0.01,
  bs: 16,
  seeds: 1,
  init: 'both',
  opt: 'adam',
  lr: 0.01,
  ntrain: 0,
  orth: 'none',
};

const CASES: readonly Case[] = [
  { name: 'plain (Adam)', config: RNN },
  { name: 'soft penalty', config: { ...RNN, orth: 'soft', olam: 0.1 } },
  // σ_w² ≠ 1 tells the gain-adjusted penalty from the soft one; NTK puts a gain on every product.
  {
    name: 'gain penalty, NTK parameterization',
    config: { ...RNN, orth: 'gain', olam: 0.1, sw2: 0.8, param: 'ntk' },
  },
  { name: 'Stiefel (fixed scale)', config: { ...RNN, orth: 'stiefel' } },
  {
    name: 'Stiefel (free scale), ReLU, RMSProp, one η per run',
    config: { ...RNN, orth: 'stiefel', oscale: 'free', act: 'relu', opt: 'rmsprop' },
    runs: [
      { init: 'gaussian', seed: 3, lr: 0.003 },
      { init: 'orthogonal', seed: 3, lr: 0.001 },
    ],
  },
  { name: 'oblique, momentum', config: { ...RNN, orth: 'oblique', opt: 'momentum', lr: 0.05 } },
  { name: 'a frozen run', config: { ...RNN, opt: 'sgd', lr: 0.1 }, freezeAfter: FREEZE_AFTER },
];

const MIRRORED: Case = { name: 'mirror=1', config: { ...RNN, mirror: '1' } };

let dataset: Dataset;

/** The lab's losses and evaluation for a case: createExperiment, or its RnnTrainer for the frozen run. */
async function labRun(c: Case): Promise<LabRun> {
  const runs = resolveRuns(c.config, c.runs);
  const init = runToEnd(rnnInitSteps(new UnitDrawCache(), c.config, runs, MNIST_ROWS, dataset.outputSize));
  if (c.freezeAfter !== undefined) return { init, losses: await frozenRunLosses(c, runs, init) };
  const experiment = await createExperiment(c.config, {
    dataset,
    drawCache: new UnitDrawCache(),
    evalExamples: EVAL_EXAMPLES,
    runs: c.runs,
  });
  try {
    const losses: number[][] = [];
    for (let step = 0; step < STEPS; step++) losses.push(Array.from((await experiment.step()).loss));
    const evaluation = await experiment.evaluate();
    return { init, losses, evalLoss: evaluation.loss, evalAccuracy: evaluation.accuracy! };
  } finally {
    experiment.dispose();
  }
}

/**
 * The lab's trainer with every run but the first frozen after `freezeAfter` steps, on the batches
 * an experiment takes (orth=none: the arrays need no constraint).
 */
async function frozenRunLosses(c: Case, runs: readonly RunInfo[], init: RnnInit): Promise<number[][]> {
  const { config } = c;
  const trainer = new RnnTrainer(
    config.act,
    MNIST_ROWS,
    init.scalings,
    config.N,
    dataset.outputSize,
    init.runs,
    config.opt,
    runs.map((run) => run.lr),
    config,
  );
  const order = new BatchOrder(config.seed, dataset.trainCount, config.bs, dataset.trainChunkSize);
  const scale = inputScaling(config.act, config.sw2, config.sb2).scale;
  const x = new Float32Array(config.bs * dataset.inputSize);
  const y = new Float32Array(config.bs * dataset.outputSize);
  const losses: number[][] = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      if (step === c.freezeAfter) trainer.setLiveRuns(runs.map((run) => run.runId === 0));
      const indices = order.indices(step);
      if (dataset.ensureTrain) await dataset.ensureTrain(indices);
      dataset.fillTrain(indices, scale, x, y);
      const loss = tf.tidy(() =>
        trainer.trainStep(
          dataset.task,
          tf.tensor2d(x, [config.bs, dataset.inputSize]),
          tf.tensor2d(y, [config.bs, dataset.outputSize]),
        ),
      );
      losses.push(Array.from(await loss.data()));
      loss.dispose();
    }
  } finally {
    trainer.dispose();
  }
  return losses;
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
}

describe('lab_rnn.py: the recurrent network trains as the lab trains it', () => {
  const lab = new Map<string, LabRun>();
  let answers: Answer[] = [];
  let labRefusal = '';

  beforeAll(async () => {
    await useCpuBackend();
    dataset = mnistDataset(await loadMnist(fileByteSource(DATA_DIR)));
    for (const c of CASES) lab.set(c.name, await labRun(c));
    labRefusal = await createExperiment(MIRRORED.config, { dataset }).then(
      () => 'no refusal',
      (error: Error) => error.message,
    );
    const request = {
      dataDir: DATA_DIR,
      steps: STEPS,
      evalExamples: EVAL_EXAMPLES,
      cases: [...CASES, MIRRORED].map((c) => ({
        config: c.config,
        runs: resolveRuns(c.config, c.runs),
        freezeAfter: c.freezeAfter,
      })),
    };
    answers = JSON.parse(
      runPython(pythonWithTorch(), ['-c', DRIVER, MODULES], JSON.stringify(request)),
    ) as Answer[];
  }, 120_000);

  it('draws W, U, b, V and c as rnnInit.ts does (the MLP draw keys 1, 0 and the readout’s)', () => {
    let values = 0;
    let identical = 0;
    let worst = 0;
    CASES.forEach((c, i) => {
      const labRuns = lab.get(c.name)!.init.runs;
      answers[i]!.initial.forEach((arrays, r) => {
        const run = labRuns[r]!;
        [run.recurrent, run.input, run.bias, run.readout, run.readoutBias].forEach((labArray, k) => {
          expect(arrays[k]!.length, `${c.name}, run ${r}, array ${k}`).toBe(labArray.length);
          arrays[k]!.forEach((value, j) => {
            values++;
            if (value === labArray[j]) identical++;
            worst = Math.max(worst, Math.abs(value - labArray[j]!));
          });
        });
      });
    });
    // Gaussian draws are bit for bit; a Haar factor may differ by an ulp after rounding (lab_init).
    expect(worst).toBeLessThan(1e-6);
    expect(identical / values).toBeGreaterThan(0.95);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))(
    'gives the lab’s first 20 losses within 1e-4 relative for both inits: %s',
    (name, i) => {
      const labLosses = lab.get(name)!.losses;
      const answer = answers[i]!;
      expect(answer.error).toBeUndefined();
      expect(answer.losses).toHaveLength(STEPS);
      const frozen = CASES[i]!.freezeAfter;
      answer.losses.forEach((losses, step) =>
        losses.forEach((loss, r) => {
          if (frozen !== undefined && r > 0 && step >= frozen) {
            expect(loss, `step ${step}, run ${r} is frozen`).toBeNull();
            return;
          }
          expect(loss, `step ${step}, run ${r}`).not.toBeNull();
          expect(relative(loss!, labLosses[step]![r]!), `step ${step}, run ${r}`).toBeLessThan(1e-4);
        }),
      );
      if (frozen !== undefined) expect(answer.frozenUnchanged).toBe(true);
    },
  );

  it('trains: each option changes the losses (a case that did nothing could not tell)', () => {
    const plain = lab.get(CASES[0]!.name)!.losses;
    for (const c of CASES.slice(1)) {
      const losses = lab.get(c.name)!.losses;
      const change = Math.max(...losses.flatMap((row, s) => row.map((v, r) => relative(v, plain[s]![r]!))));
      expect(change, c.name).toBeGreaterThan(1e-3);
    }
    // Training lowers the loss: the last five steps' mean is below the first five's.
    const mean = (rows: number[][]) => rows.flat().reduce((a, b) => a + b, 0) / rows.flat().length;
    expect(mean(plain.slice(-5))).toBeLessThan(mean(plain.slice(0, 5)));
  });

  it('evaluates the held-out loss and accuracy as experiment.evaluate() does', () => {
    CASES.forEach((c, i) => {
      const run = lab.get(c.name)!;
      if (!run.evalLoss) return;
      const answer = answers[i]!;
      answer.evalLoss.forEach((loss, r) =>
        expect(relative(loss, run.evalLoss![r]!), `${c.name}, run ${r}`).toBeLessThan(1e-4),
      );
      answer.evalAccuracy.forEach((accuracy, r) =>
        expect(Math.abs(accuracy - run.evalAccuracy![r]!), `${c.name}, run ${r}`).toBeLessThanOrEqual(
          1 / EVAL_EXAMPLES + 1e-9,
        ),
      );
    });
  });

  it('refuses mirror=1 with the lab’s one line', () => {
    expect(labRefusal).toMatch(/^mirror=1 is for the layered networks/);
    expect(answers[CASES.length]!.error).toBe(labRefusal);
  });
});
