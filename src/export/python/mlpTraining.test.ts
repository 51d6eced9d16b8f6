import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../../cli/common.ts';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import { activationDerivative, applyActivation } from '../../engine/activation.ts';
import { BatchOrder } from '../../engine/data/batchOrder.ts';
import type { Dataset } from '../../engine/data/dataset.ts';
import { fileByteSource } from '../../engine/data/fileByteSource.ts';
import { loadMnist, mnistDataset } from '../../engine/data/mnist.ts';
import { teacherDataset } from '../../engine/data/teacher.ts';
import { UnitDrawCache } from '../../engine/drawCache.ts';
import { createExperiment, type RunSpec } from '../../engine/experiment.ts';
import { initialLayer, mlpLayerShapes } from '../../engine/init.ts';
import { inputScaling } from '../../engine/inputScaling.ts';
import { useCpuBackend } from '../../engine/testBackend.ts';
import type { ActivationId } from '../../theory/index.ts';
import { pythonWithTorch, runPython } from './pythonWithTorch.ts';

/**
 * lab_mlp.py against the lab's engine (createExperiment on the tfjs cpu backend): the same initial
 * layers (taken from the engine's draw cache, before any constraint, which lab_mlp applies itself)
 * and the same batches, then the first training losses of every run, step by step.
 */

const HERE = fileURLToPath(new URL('.', import.meta.url));
const STEPS = 20;
const TOLERANCE = 1e-4;
const EVAL_EXAMPLES = 200;

interface Case {
  readonly name: string;
  readonly config: Partial<LabConfig>;
  /** Runs with their own learning rates (a sweep's); default: the config's grid. */
  readonly runs?: readonly RunSpec[];
  /** Compare evaluate() with the lab's after the steps. */
  readonly evaluate?: boolean;
  /** Report the Gram error of the square hidden layers at init. */
  readonly gram?: boolean;
  /** Train it again in python with run 0 frozen after this many steps. */
  readonly freezeAt?: number;
}

const CASES: readonly Case[] = [
  { name: 'tanh std, both inits', config: { sw2: 1.5 }, evaluate: true, gram: true },
  { name: 'ntk parameterization', config: { param: 'ntk', sw2: 1.5, lr: 0.5 }, gram: true },
  { name: 'momentum', config: { opt: 'momentum', lr: 0.02 } },
  { name: 'adam, per-run learning rates', config: { opt: 'adam' }, runs: perRunRates('adam'), freezeAt: 6 },
  { name: 'rmsprop', config: { opt: 'rmsprop', lr: 0.002 } },
  { name: 'mirrored', config: { mirror: '1', lr: 0.1 }, evaluate: true },
  { name: 'orth soft', config: { orth: 'soft', olam: 0.05 } },
  { name: 'orth gain', config: { orth: 'gain', olam: 0.05, sw2: 2 } },
  { name: 'stiefel fixed', config: { orth: 'stiefel', sw2: 1.5, lr: 0.1 }, gram: true },
  // On the teacher task: the lab's Stiefel iteration on a 784-wide first layer costs seconds on tfjs-cpu.
  {
    name: 'stiefel free, teacher',
    config: { orth: 'stiefel', oscale: 'free', param: 'ntk', lr: 0.3, data: 'teacher', dim: 16 },
  },
  { name: 'oblique fixed', config: { orth: 'oblique', lr: 0.1 } },
  { name: 'oblique free, adam', config: { orth: 'oblique', oscale: 'free', opt: 'adam', lr: 0.003 } },
  {
    name: 'teacher regression',
    config: { data: 'teacher', dim: 12, L: 4, N: 32, bs: 32, lr: 0.05 },
    evaluate: true,
  },
  { name: 'relu', config: { act: 'relu', sw2: 2, sb2: 0, lr: 0.02 } },
  { name: 'hard-tanh', config: { act: 'hardtanh', sw2: 1.2, lr: 0.05 } },
  { name: 'erf, ntk, rmsprop', config: { act: 'erf', param: 'ntk', opt: 'rmsprop', lr: 0.001 } },
  {
    name: 'diverging run next to a healthy one',
    config: { act: 'relu', sw2: 2, sb2: 0 },
    runs: [
      { init: 'gaussian', seed: 1, lr: 100 },
      { init: 'gaussian', seed: 1, lr: 0.02 },
    ],
  },
];

function perRunRates(opt: 'adam'): RunSpec[] {
  const rates = opt === 'adam' ? [0.001, 0.004] : [];
  return rates.flatMap((lr) => [
    { init: 'gaussian' as const, seed: 3, lr },
    { init: 'orthogonal' as const, seed: 3, lr },
  ]);
}

const configOf = (c: Case): LabConfig => ({
  ...DEFAULT_CONFIG,
  L: 3,
  N: 24,
  bs: 16,
  seeds: 1,
  init: 'both',
  ...c.config,
});

/** Float32 values as base64 of their little-endian bytes (what python reads with np.frombuffer). */
function packed(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

interface LabResult {
  readonly losses: number[][];
  readonly divergedAt: (number | null)[];
  readonly evalLoss: number[] | null;
  readonly evalAcc: number[] | null;
}

interface PythonResult {
  readonly losses: (number | null)[][];
  readonly evalLoss: number[] | null;
  readonly evalAcc: number[] | null;
  /** Per run, the largest |WᵀW/σ_w² − I| over its square hidden layers, at init. */
  readonly gramError: number[] | null;
  /** Largest difference of build_mlp's initial parameters from the lab's, relative to their largest. */
  readonly buildDifference: number;
  /** The case trained again with run 0 frozen by hand after `freezeAt` steps. */
  readonly frozen: { kept: boolean; losses: (number | null)[][] } | null;
}

/** Trains the case in the lab and gathers what python needs to train it the same way. */
async function labCase(c: Case, mnist: Dataset) {
  const config = configOf(c);
  const dataset =
    config.data === 'teacher'
      ? teacherDataset(config.seed, { inputSize: config.dim, trainCount: 512, testCount: 256 })
      : mnist;
  const cache = new UnitDrawCache();
  const experiment = await createExperiment(config, {
    dataset,
    drawCache: cache,
    evalExamples: EVAL_EXAMPLES,
    ...(c.runs ? { runs: c.runs } : {}),
  });
  const losses: number[][] = experiment.runs.map(() => []);
  for (let step = 0; step < STEPS; step++) {
    const { loss } = await experiment.step();
    loss.forEach((value, r) => losses[r]!.push(value));
  }
  const evaluation = c.evaluate ? await experiment.evaluate() : null;
  const lab: LabResult = {
    losses,
    divergedAt: experiment.status().map((s) => s.divergedAtStep),
    evalLoss: evaluation ? Array.from(evaluation.loss) : null,
    evalAcc: evaluation?.accuracy ? Array.from(evaluation.accuracy) : null,
  };
  const runs = experiment.runs;
  experiment.dispose();

  // The initial layers as createExperiment drew them (the cache holds them), before any constraint.
  const shapes = mlpLayerShapes(config, dataset.inputSize, dataset.outputSize);
  const layers = shapes.map((shape) => {
    const perRun = runs.map((run) =>
      initialLayer(cache, run.init, config, run.seed, shape.key, shape.fanIn, shape.fanOut),
    );
    const s = perRun[0]!.scaling;
    return {
      weights: perRun.map((p) => packed(p.weights)),
      biases: perRun.map((p) => packed(p.biases)),
      shape: [shape.fanIn, shape.fanOut],
      scaling: {
        weight_stored: s.weightStored,
        weight_gain: s.weightGain,
        bias_stored: s.biasStored,
        bias_gain: s.biasGain,
      },
    };
  });

  // The batches the experiment trained on: its BatchOrder, at its input scale.
  const scale = inputScaling(config.act, config.sw2, config.sb2).scale;
  const batch = Math.min(config.bs, dataset.trainCount);
  const order = new BatchOrder(config.seed, dataset.trainCount, batch, dataset.trainChunkSize);
  const x = new Float32Array(STEPS * batch * dataset.inputSize);
  const y = new Float32Array(STEPS * batch * dataset.outputSize);
  for (let step = 0; step < STEPS; step++) {
    const indices = order.indices(step);
    if (dataset.ensureTrain) await dataset.ensureTrain(indices);
    dataset.fillTrain(
      indices,
      scale,
      x.subarray(step * batch * dataset.inputSize),
      y.subarray(step * batch * dataset.outputSize),
    );
  }
  const testX = new Float32Array(EVAL_EXAMPLES * dataset.inputSize);
  const testY = new Float32Array(EVAL_EXAMPLES * dataset.outputSize);
  dataset.fillTest(0, EVAL_EXAMPLES, scale, testX, testY);

  const request = {
    config,
    runs: runs.map((run) => ({ runId: run.runId, init: run.init, seed: run.seed, lr: run.lr })),
    task: dataset.task,
    layers,
    batch,
    inputSize: dataset.inputSize,
    outputSize: dataset.outputSize,
    x: packed(x),
    y: packed(y),
    test: c.evaluate ? { x: packed(testX), y: packed(testY), examples: EVAL_EXAMPLES, scale } : null,
    gram: Boolean(c.gram),
    freezeAt: c.freezeAt ?? null,
  };
  return { lab, request };
}

/** Trains every case with lab_mlp (one python process), as the runner would: freezing diverged runs. */
const DRIVER = String.raw`
import base64, json, math, sys
from types import SimpleNamespace
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
from lab_init import DrawCache
from lab_mlp import activation_slope, apply_activation, build_mlp, mlp_from_layers

def floats(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype='<f4').reshape(shape)

class TestSplit:
    """The held-out examples the lab evaluated on, as a Dataset's test_batch gives them."""
    def __init__(self, x, y):
        self.x, self.y = x, y
    def test_batch(self, start, count, scale):
        return self.x[start:start + count], self.y[start:start + count]

def finite(v):
    return v if math.isfinite(v) else None

def state_of(net):
    """Parameters and optimizer state, run axis first."""
    return net.params + [slot for slots in net.slots for slot in slots]

request = json.load(sys.stdin)
grid = torch.tensor(request['grid'], dtype=torch.float32)
activations = {}
for act in ('tanh', 'hardtanh', 'relu', 'linear', 'erf'):
    phi = apply_activation(act, grid)
    slope = activation_slope(act, grid, phi)
    activations[act] = {'phi': phi.tolist(), 'slope': (torch.ones_like(grid) if slope is None else slope).tolist()}

results = []
for case in request['cases']:
    layers = [([floats(w, layer['shape']) for w in layer['weights']],
               [floats(b, (layer['shape'][1],)) for b in layer['biases']], layer['scaling'])
              for layer in case['layers']]
    def networks():
        return mlp_from_layers(case['config'], case['runs'], layers, case['task'], 'cpu', torch.float32)
    net = networks()
    # build_mlp draws the same layers itself (lab_init): its parameters at init, against these.
    shape = SimpleNamespace(input_size=case['inputSize'], output_size=case['outputSize'], task=case['task'])
    built = build_mlp(case['config'], case['runs'], shape, 'cpu', torch.float32, DrawCache())
    build_difference = max((a - b).abs().max().item() / max(b.abs().max().item(), 1e-30)
                           for a, b in zip(built.params, net.params))
    gram_error = None
    if case['gram']:
        gram_error = []
        for r in range(net.run_count):
            worst = 0.0
            for w in net.hidden_weights(r):
                if w.shape[0] == w.shape[1]:
                    gram = (w.T.double() @ w.double()) / case['config']['sw2']
                    identity = torch.eye(w.shape[0], dtype=torch.float64)
                    worst = max(worst, (gram - identity).abs().max().item())
            gram_error.append(worst)
    xs = floats(case['x'], (-1, case['batch'], case['inputSize']))
    ys = floats(case['y'], (-1, case['batch'], case['outputSize']))
    batches = [(torch.from_numpy(x.copy()), torch.from_numpy(y.copy())) for x, y in zip(xs, ys)]

    # As the runner trains: a run whose loss turns non-finite is frozen from the next step on.
    live = [True] * net.run_count
    losses = []
    for x, y in batches:
        values = net.train_step(x, y).tolist()
        losses.append([finite(v) for v in values])
        if any(l and not math.isfinite(v) for l, v in zip(live, values)):
            live = [l and math.isfinite(v) for l, v in zip(live, values)]
            net.set_live(live)

    frozen = None
    if case['freezeAt'] is not None:
        # The same runs again, run 0 frozen by hand after freezeAt steps: it must keep its parameters
        # and optimizer state bit for bit, and the others must train exactly as before.
        again = networks()
        later = []
        for step, (x, y) in enumerate(batches):
            if step == case['freezeAt']:
                again.set_live([r != 0 for r in range(again.run_count)])
                kept = [t.clone() for t in state_of(again)]
            later.append([finite(v) for v in again.train_step(x, y).tolist()])
        frozen = {'kept': all(torch.equal(a[0], b[0]) for a, b in zip(state_of(again), kept)),
                  'losses': [list(run) for run in zip(*later)]}

    eval_loss = eval_acc = None
    if case['test']:
        t = case['test']
        split = TestSplit(floats(t['x'], (t['examples'], case['inputSize'])),
                          floats(t['y'], (t['examples'], case['outputSize'])))
        loss, acc = net.evaluate(split, t['examples'], t['scale'], chunk=64)
        eval_loss = loss.tolist()
        eval_acc = None if acc is None else acc.tolist()
    results.append({'losses': [list(run) for run in zip(*losses)], 'evalLoss': eval_loss, 'evalAcc': eval_acc,
                    'gramError': gram_error, 'buildDifference': build_difference, 'frozen': frozen})
json.dump({'cases': results, 'activations': activations}, sys.stdout)
`;

/** Activation inputs, with the kinks of ReLU (0) and hard-tanh (±1) and tanh's float32 saturation. */
const GRID = [-9, -3, -1.5, -1, -0.999, -0.3, -1e-8, 0, 1e-8, 0.25, 0.999, 1, 1.001, 2.5, 8.5];

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

describe('lab_mlp trains as the lab does (first 20 losses of every run, tfjs cpu backend)', () => {
  const labs: LabResult[] = [];
  let pythons: PythonResult[] = [];
  let activations: Record<ActivationId, { phi: number[]; slope: number[] }>;

  beforeAll(async () => {
    await useCpuBackend();
    const mnist = mnistDataset(await loadMnist(fileByteSource(DATA_DIR)));
    const requests = [];
    for (const c of CASES) {
      const { lab, request } = await labCase(c, mnist);
      labs.push(lab);
      requests.push(request);
    }
    const python = pythonWithTorch();
    const answer = JSON.parse(
      runPython(python, ['-c', DRIVER, HERE], JSON.stringify({ cases: requests, grid: GRID })),
    ) as { cases: PythonResult[]; activations: typeof activations };
    pythons = answer.cases;
    activations = answer.activations;
  }, 120_000);

  CASES.forEach((c, i) => {
    it(`${c.name}: every loss within ${TOLERANCE} relative, non-finite at the same steps`, () => {
      const lab = labs[i]!;
      const python = pythons[i]!;
      let worst = 0;
      lab.losses.forEach((runLosses, r) => {
        runLosses.forEach((value, step) => {
          const theirs = python.losses[r]![step];
          const where = `run ${r} step ${step + 1}: lab ${value}, python ${theirs}`;
          if (!Number.isFinite(value)) {
            expect(theirs, where).toBeNull();
            return;
          }
          expect(theirs, where).not.toBeNull();
          worst = Math.max(worst, relative(theirs!, value));
          expect(relative(theirs!, value), where).toBeLessThan(TOLERANCE);
        });
      });
      console.info(`${c.name}: worst relative difference ${worst.toExponential(2)}`);
    });
  });

  it('a run driven to divergence stops at the lab’s step, and its neighbour keeps matching', () => {
    const i = CASES.findIndex((c) => c.name.startsWith('diverging'));
    const lab = labs[i]!;
    const diverged = lab.divergedAt[0];
    // The case must diverge early for this to test anything, and only its first run.
    expect(diverged).not.toBeNull();
    expect(diverged!).toBeLessThan(STEPS);
    expect(lab.divergedAt[1]).toBeNull();
    const python = pythons[i]!.losses;
    const firstNull = python[0]!.findIndex((v) => v === null);
    expect(firstNull + 1).toBe(diverged);
    expect(python[0]!.slice(firstNull).every((v) => v === null)).toBe(true);
    expect(python[1]!.every((v) => v !== null)).toBe(true);
  });

  it('freezes a run by selection: it keeps its parameters and Adam state, the others train on unchanged', () => {
    const i = CASES.findIndex((c) => c.freezeAt !== undefined);
    const { freezeAt } = CASES[i]!;
    const frozen = pythons[i]!.frozen!;
    expect(frozen.kept).toBe(true);
    frozen.losses.forEach((runLosses, r) => {
      runLosses.forEach((value, step) => {
        const where = `run ${r} step ${step + 1}`;
        if (r === 0 && step >= freezeAt!) expect(value, where).toBeNull();
        else expect(relative(value!, labs[i]!.losses[r]![step]!), where).toBeLessThan(TOLERANCE);
      });
    });
  });

  it('keeps orthogonal square hidden layers at WᵀW = σ_w² I (std, ntk, and Gaussian put on Stiefel)', () => {
    CASES.forEach((c, i) => {
      const errors = pythons[i]!.gramError;
      if (!c.gram) return;
      console.info(
        `${c.name}: max |WᵀW/σ_w² − I| per run ${errors!.map((e) => e.toExponential(1)).join(', ')}`,
      );
      const config = configOf(c);
      const runs = c.runs ?? (config.init === 'both' ? ['gaussian', 'orthogonal'] : [config.init]);
      runs.forEach((run, r) => {
        const init = typeof run === 'string' ? run : run.init;
        if (init === 'orthogonal' || config.orth === 'stiefel') {
          // Float32 rounding of an N = 24 Gram matrix (ε = 6e-8 per entry, a few ε summed); the
          // Newton–Schulz iteration converges quadratically to that floor.
          expect(errors![r]!, `${c.name} run ${r}`).toBeLessThan(1e-6);
        } else expect(errors![r]!, `${c.name} run ${r} (Gaussian)`).toBeGreaterThan(0.1);
      });
    });
  });

  it('computes every activation and its slope as the lab does, kinks included', async () => {
    for (const act of ['tanh', 'hardtanh', 'relu', 'linear', 'erf'] as const) {
      const [phiTensor, slopeTensor] = tf.tidy(() => {
        const h = tf.tensor1d(GRID);
        const phi = applyActivation(act, h);
        return [phi, activationDerivative(act, h, phi) ?? tf.onesLike(h)];
      });
      const [labPhi, labSlope] = await Promise.all([phiTensor.data(), slopeTensor.data()]);
      tf.dispose([phiTensor, slopeTensor]);
      GRID.forEach((value, i) => {
        const where = `${act} at ${value}`;
        expect(Math.abs(activations[act].phi[i]! - labPhi![i]!), where).toBeLessThan(3e-7);
        expect(Math.abs(activations[act].slope[i]! - labSlope![i]!), where).toBeLessThan(3e-7);
      });
    }
    // The conventions themselves: ReLU has slope 0 at 0, hard-tanh slope 0 at ±1.
    expect(activations.relu.slope[GRID.indexOf(0)]).toBe(0);
    expect(activations.hardtanh.slope[GRID.indexOf(1)]).toBe(0);
    expect(activations.hardtanh.slope[GRID.indexOf(-1)]).toBe(0);
  });

  it('builds from its own draws (build_mlp with lab_init) the initial networks the lab builds', () => {
    CASES.forEach((c, i) => {
      // Gaussian layers are bit-equal; a Haar factor may differ from the lab's by a float32 ulp.
      expect(pythons[i]!.buildDifference, c.name).toBeLessThan(1e-6);
    });
    console.info(
      `build_mlp: largest relative difference ${Math.max(...pythons.map((p) => p.buildDifference))}`,
    );
  });

  it('evaluates held-out loss and accuracy as experiment.evaluate() does', () => {
    CASES.forEach((c, i) => {
      if (!c.evaluate) return;
      const lab = labs[i]!;
      const python = pythons[i]!;
      let worst = 0;
      lab.evalLoss!.forEach((value, r) => {
        worst = Math.max(worst, relative(python.evalLoss![r]!, value));
        expect(relative(python.evalLoss![r]!, value), `${c.name} run ${r} loss`).toBeLessThan(1e-5);
      });
      console.info(
        `${c.name}: held-out loss after ${STEPS} steps, worst relative difference ${worst.toExponential(2)}`,
      );
      if (lab.evalAcc) {
        lab.evalAcc.forEach((value, r) => {
          expect(Math.abs(python.evalAcc![r]! - value), `${c.name} run ${r} accuracy`).toBeLessThan(1e-5);
        });
      } else expect(python.evalAcc).toBeNull();
    });
  });
});
