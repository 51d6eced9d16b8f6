import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../../cli/common.ts';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import type { Dataset } from '../../engine/data/dataset.ts';
import { fileByteSource } from '../../engine/data/fileByteSource.ts';
import { loadMnist, mnistDataset } from '../../engine/data/mnist.ts';
import { teacherDataset } from '../../engine/data/teacher.ts';
import { createExperiment, type Experiment } from '../../engine/experiment.ts';
import type { NetworkMeasurements } from '../../engine/measurements.ts';
import type { FrozenRnn } from '../../engine/rnn/rnnTrainer.ts';
import { useCpuBackend } from '../../engine/testBackend.ts';
import type { FrozenNetworks } from '../../engine/trainer.ts';
import { MAX_NTK_INPUTS } from '../../engine/ntk.ts';
import { sweepDefinition } from '../../sweep/definition.ts';
import { runSweep } from '../../sweep/runner.ts';
import type { SweepCurve, SweepMeasure, SweepPoint, SweepResultFile } from '../../sweep/types.ts';
import { pythonWithTorch, runPython } from './pythonWithTorch.ts';

/**
 * lab_measures.py against the lab's sweep runner (runSweep on the tfjs cpu backend): each case is
 * swept in the lab; the same group is trained again step by step in the lab and its parameters
 * (both copies of mirrored runs) handed to python at every step, where lab_mlp's networks replay
 * them and lab_measures measures them as the exported program does. Python's points and curves
 * must carry exactly the lab's keys for the measure, and the lab's values within TOLERANCE.
 * λ_max(Fisher): the lab's power iteration stops at a 1e-7 relative change of its Rayleigh quotient
 * (a lower bound, below λ_max by about 1e-7/(1 − (λ₂/λ₁)²)); python takes the symmetric
 * eigensolver's exact value, so the same TOLERANCE holds wherever the top eigenvalue is separated.
 */

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOLERANCE = 1e-4;
/** Keys of SweepCurve that τ writes for every measure (tau.ts), not the measures'. */
const TAU_CURVE_KEYS = new Set(['point', 'steps', 'trainLoss', 'evalSteps', 'evalMetric']);
/** Keys of SweepPoint that every measure has (runner.ts), and the swept values. */
const TAU_POINT_KEYS = new Set([
  'init',
  'seed',
  'tau',
  'diverged',
  'divergedAtStep',
  'finalLoss',
  'stepsTrained',
  'finalTestLoss',
  'lr',
]);

interface Case {
  readonly name: string;
  readonly measure: SweepMeasure;
  readonly config: Partial<LabConfig>;
  /** The sweep's axis: learning rates, all in one group (each run takes its own). */
  readonly rates: readonly number[];
}

const CASES: readonly Case[] = [
  {
    name: 'ntk, erf, NTK parameterization, MNIST (ntk-change-vs-width)',
    measure: 'ntk',
    config: { act: 'erf', sw2: 1, sb2: 0.01, L: 3, N: 16, param: 'ntk', opt: 'sgd', bs: 20, steps: 5 },
    rates: [1],
  },
  {
    name: 'ntk, mirrored relu teacher, a diverging run beside a healthy one',
    measure: 'ntk',
    config: {
      data: 'teacher',
      dim: 8,
      act: 'relu',
      sw2: 2,
      sb2: 0.5,
      L: 2,
      N: 16,
      param: 'ntk',
      mirror: '1',
    },
    rates: [0.4, 10],
  },
  {
    name: 'curvature, tanh, MNIST (cross-entropy Fisher, J over layers 2…L)',
    measure: 'curvature',
    config: { act: 'tanh', sw2: 1.5, sb2: 0.05, L: 4, N: 16, opt: 'adam', bs: 32, steps: 13 },
    rates: [1e-3],
  },
  {
    name: 'curvature, mirrored tanh teacher with n0 = N (squared-error Fisher, J over every layer)',
    measure: 'curvature',
    config: { data: 'teacher', dim: 8, act: 'tanh', sw2: 1.2, sb2: 0.01, L: 3, N: 8, mirror: '1', steps: 4 },
    rates: [0.05],
  },
  {
    name: 'weights, MLP with the soft orthogonality penalty',
    measure: 'weights',
    config: { data: 'teacher', dim: 8, act: 'tanh', L: 3, N: 8, orth: 'soft', olam: 0.1, steps: 13 },
    rates: [0.05],
  },
  {
    name: 'weights, RNN with the gain-adjusted penalty (rnn-gain-penalty)',
    measure: 'weights',
    config: {
      arch: 'rnn',
      act: 'tanh',
      sw2: 1.21,
      sb2: 1e-4,
      N: 8,
      opt: 'adam',
      orth: 'gain',
      olam: 0.1,
      steps: 4,
    },
    rates: [1e-3],
  },
];

const configOf = (c: Case): LabConfig => ({
  ...DEFAULT_CONFIG,
  bs: 16,
  seeds: 1,
  init: 'both',
  lm: 'train',
  steps: 6,
  ...c.config,
});

/** Float32 values as base64 of their little-endian bytes (what python reads with np.frombuffer). */
function packed(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** What python replays: the parameters of every network at every step, and the probe data. */
interface Request {
  readonly measure: SweepMeasure;
  readonly config: LabConfig;
  readonly runs: { runId: number; init: string; seed: number; lr: number }[];
  readonly task: string;
  readonly scale: number;
  readonly test: { x: string; y: string; count: number; inputSize: number; outputSize: number };
  /** MLP: per layer [networks, fanIn, fanOut] and its gains; RNN: the recurrent W's gain. */
  readonly shapes: number[][];
  readonly gains: number[][];
  readonly rnn: boolean;
  /** Per step 0 … steps: every parameter (MLP: W¹, b¹, …; RNN: the recurrent W), packed. */
  readonly snapshots: string[][];
  readonly diverged: boolean[];
}

interface PythonResult {
  readonly results: { point: Record<string, unknown>; curve: Record<string, unknown> }[];
}

/** Every network's parameters now: both copies of mirrored runs; the recurrent W of an RNN. */
async function snapshot(frozen: NetworkMeasurements, rnn: boolean): Promise<Float32Array[]> {
  if (rnn) {
    // RnnMeasurements keeps its FrozenRnn private; the test reads the recurrent W it measures.
    const { rnn: model } = (frozen as unknown as { frozen: FrozenRnn }).frozen;
    return [(await model.parameters.recurrent.data()) as Float32Array];
  }
  // Copy b of mirrored runs is only reachable through the frozen networks (NetworkMeasurements keeps them private).
  const networks = (frozen as unknown as { networks: FrozenNetworks }).networks;
  const model = networks.copies?.() ?? frozen.model();
  return Promise.all(model.parameters.map(async (p) => (await p.data()) as Float32Array));
}

/** The sweep in the lab, and the same group trained again with its parameters at every step. */
async function labCase(c: Case, mnist: Dataset): Promise<{ file: SweepResultFile; request: Request }> {
  const base = configOf(c);
  const dataset =
    base.data === 'teacher'
      ? teacherDataset(base.seed, { inputSize: base.dim, trainCount: 256, testCount: 96 })
      : mnist;
  const definition = sweepDefinition(base, [`lr=${c.rates.join(',')}`], c.measure);
  const file = await runSweep(definition, { dataset, evalExamples: 16 });
  const config = { ...base, lr: c.rates[0]! };
  const runs = file.points.map((point, runId) => ({
    runId,
    init: point.init,
    seed: point.seed,
    lr: point.lr as number,
  }));
  const experiment: Experiment = await createExperiment(config, { dataset, runs, evalExamples: 16 });
  const rnn = config.arch === 'rnn';
  const snapshots: string[][] = [];
  let shapes: number[][] = [];
  let gains: number[][] = [];
  try {
    for (let step = 0; step <= config.steps; step++) {
      if (step > 0) await experiment.step();
      const frozen = experiment.freeze();
      try {
        snapshots.push((await snapshot(frozen, rnn)).map(packed));
        if (step === 0 && rnn) {
          const { rnn: model } = (frozen as unknown as { frozen: FrozenRnn }).frozen;
          shapes = [model.parameters.recurrent.shape];
          gains = [[model.scalings.recurrent.weightGain]];
        } else if (step === 0) {
          const model = frozen.model();
          const networks = config.mirror === '1' ? 2 * runs.length : runs.length;
          shapes = model.layers.map((layer) => [networks, layer.fanIn, layer.fanOut]);
          gains = model.layers.map((layer) => [layer.scaling.weightGain, layer.scaling.biasGain]);
        }
      } finally {
        frozen.dispose();
      }
    }
  } finally {
    experiment.dispose();
  }
  const scale = experiment.info.inputScaling.scale;
  const count = Math.min(MAX_NTK_INPUTS, dataset.testCount);
  const x = new Float32Array(count * dataset.inputSize);
  const y = new Float32Array(count * dataset.outputSize);
  dataset.fillTest(0, count, scale, x, y);
  return {
    file,
    request: {
      measure: c.measure,
      config,
      runs,
      task: dataset.task,
      scale,
      test: {
        x: packed(x),
        y: packed(y),
        count,
        inputSize: dataset.inputSize,
        outputSize: dataset.outputSize,
      },
      shapes,
      gains,
      rnn,
      snapshots,
      diverged: file.points.map((point) => point.diverged),
    },
  };
}

/**
 * Replays each request: lab_mlp's networks built from step 0's parameters (an RNN: its recurrent W
 * alone, which is all measure=weights reads), make_measure at step 0, after_step at every step with
 * the lab's parameters of that step, finish. Then an independent check of the kernel and Fisher
 * formulas against autograd on a small float64 network.
 */
const DRIVER = String.raw`
import base64, json, math, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import torch
from lab_measures import make_measure, measure_layer_kernel, measure_fisher_lambda_max, measure_mirrored
from lab_measures import _measure_layers
from lab_mlp import mlp_from_layers
from lab_init import layer_scaling


def floats(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype=np.float32).reshape(shape)


class Split:
    """The lab's held-out examples at the lab's scale (the probe inputs are the first of them)."""

    def __init__(self, request):
        t = request['test']
        self.task = request['task']
        self.test_count = t['count']
        self.scale = request['scale']
        self.x = floats(t['x'], (t['count'], t['inputSize']))
        self.y = floats(t['y'], (t['count'], t['outputSize']))

    def test_batch(self, start, count, scale):
        assert scale == self.scale, (scale, self.scale)
        return self.x[start:start + count], self.y[start:start + count]


class RecurrentReplay:
    """measure=weights of an RNN reads hidden_weights(run) only: the effective recurrent W."""

    def __init__(self, runs, shape, gain):
        self.run_count, self.shape, self.gain, self.w = runs, shape, gain, None

    def load(self, packed):
        self.w = torch.from_numpy(floats(packed[0], self.shape).copy())

    def hidden_weights(self, run):
        return [self.w[run] * self.gain]


def replay(request):
    config, runs, shapes = request['config'], request['runs'], request['shapes']
    snapshots = request['snapshots']
    if request['rnn']:
        net = RecurrentReplay(len(runs), shapes[0], request['gains'][0][0])
        load = net.load
    else:
        R = len(runs)
        first = [floats(p, shapes[i // 2] if i % 2 == 0 else (shapes[i // 2][0], shapes[i // 2][2]))
                 for i, p in enumerate(snapshots[0])]
        layers = []
        for l, (gw, gb) in enumerate(request['gains']):
            scaling = {'weight_gain': gw, 'bias_gain': gb, 'weight_stored': 1.0, 'bias_stored': 1.0}
            layers.append(([first[2 * l][r] for r in range(R)], [first[2 * l + 1][r] for r in range(R)], scaling))
        net = mlp_from_layers(config, runs, layers, request['task'])

        def load(packed):
            with torch.no_grad():
                for param, values in zip(net.params, packed):
                    param.copy_(torch.from_numpy(floats(values, tuple(param.shape)).copy()))
    load(snapshots[0])
    measure = make_measure(request['measure'], config, net, Split(request), runs, request['scale'])
    for step in range(1, len(snapshots)):
        load(snapshots[step])
        measure.after_step(step, net)
    return measure.finish(net, len(snapshots) - 1, request['diverged'])


def autograd_check():
    """Largest relative difference of the all-output kernel and of lambda_max(Fisher) from autograd's
    per-example gradients and the explicit P x P Fisher, on a mirrored tanh network in float64."""
    torch.manual_seed(0)
    sizes, R, D = [5, 6, 6, 3], 2, 4
    config = {'act': 'tanh', 'sw2': 1.7, 'sb2': 0.1, 'param': 'ntk', 'mirror': '1', 'opt': 'sgd', 'orth': 'none',
              'olam': 0, 'oscale': 'fixed'}
    runs = [{'runId': r, 'init': 'gaussian', 'seed': r, 'lr': 0.1} for r in range(R)]
    layers = [([np.random.RandomState(7 * l + r).randn(fi, fo).astype(np.float32) for r in range(R)],
               [np.random.RandomState(9 * l + r).randn(fo).astype(np.float32) for r in range(R)],
               layer_scaling('gaussian', 'ntk', config['sw2'], config['sb2'], fi, fo))
              for l, (fi, fo) in enumerate(zip(sizes, sizes[1:]))]
    net = mlp_from_layers(config, runs, layers, 'classification', 'cpu', torch.float64)
    with torch.no_grad():
        for p in net.params:
            p[R:] += 0.2 * torch.randn_like(p[R:])  # the copies apart, as after training
    x = torch.randn(D, sizes[0], dtype=torch.float64)
    kernels, outputs = measure_layer_kernel(_measure_layers(config, net), 'tanh', x, [0, 1, 2])
    kernels, outputs = measure_mirrored(kernels, outputs, R)
    lambdas = measure_fisher_lambda_max(kernels, outputs, 'classification')
    leaves = [p.detach().clone().requires_grad_(True) for p in net.params]
    net.weights, net.biases = leaves[0::2], leaves[1::2]
    f = net.forward(x)
    worst = {'kernel': 0.0, 'fisher': 0.0}
    for r in range(R):
        rows = []
        for i in range(3):
            for a in range(D):
                grads = torch.autograd.grad(f[r, a, i], leaves, retain_graph=True)
                rows.append(torch.cat([g.flatten() for g in grads]))
        J = torch.stack(rows)  # [(i, a), every parameter of both copies]
        theta = J @ J.T
        worst['kernel'] = max(worst['kernel'], float((kernels[r] - theta).abs().max() / theta.abs().max()))
        p = torch.softmax(f[r].detach(), dim=1)
        fisher = torch.zeros(J.shape[1], J.shape[1], dtype=torch.float64)
        for a in range(D):
            Ja = J[[i * D + a for i in range(3)]]
            fisher += Ja.T @ (torch.diag(p[a]) - torch.outer(p[a], p[a])) @ Ja / D
        exact = float(torch.linalg.eigvalsh(fisher)[-1])
        worst['fisher'] = max(worst['fisher'], abs(lambdas[r] - exact) / exact)
    return worst


requests = json.load(sys.stdin)
json.dump({'cases': [{'results': replay(r)} for r in requests], 'autograd': autograd_check()}, sys.stdout)
`;

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

/** The measure's own keys of a lab point or curve (those τ writes for every measure left out). */
const measureKeys = (entry: SweepPoint | SweepCurve, tauKeys: ReadonlySet<string>) =>
  Object.keys(entry)
    .filter((key) => !tauKeys.has(key))
    .sort();

/** Every number of `python` within TOLERANCE of `lab` (JSON null where the lab has a non-finite value). */
function expectClose(python: unknown, lab: unknown, where: string, worst: { value: number }): void {
  if (typeof lab === 'number') {
    if (!Number.isFinite(lab)) {
      expect(python, where).toBeNull();
      return;
    }
    expect(typeof python, where).toBe('number');
    const error = relative(python as number, lab);
    worst.value = Math.max(worst.value, error);
    expect(error, `${where}: python ${String(python)}, lab ${lab}`).toBeLessThanOrEqual(TOLERANCE);
  } else if (Array.isArray(lab)) {
    expect(Array.isArray(python) && python.length, where).toBe(lab.length);
    lab.forEach((value, i) => expectClose((python as unknown[])[i], value, `${where}[${i}]`, worst));
  } else if (lab !== null && typeof lab === 'object') {
    const entries = Object.entries(lab);
    expect(Object.keys(python as object).sort(), where).toEqual(entries.map(([key]) => key).sort());
    for (const [key, value] of entries)
      expectClose((python as Record<string, unknown>)[key], value, `${where}.${key}`, worst);
  } else expect(python, where).toEqual(lab);
}

describe('lab_measures measures as the lab’s sweep runner does (tfjs cpu backend)', () => {
  const files: SweepResultFile[] = [];
  let pythons: PythonResult[] = [];
  let autograd = { kernel: Infinity, fisher: Infinity };

  beforeAll(async () => {
    await useCpuBackend();
    const mnist = mnistDataset(await loadMnist(fileByteSource(DATA_DIR)));
    const requests: Request[] = [];
    for (const c of CASES) {
      const { file, request } = await labCase(c, mnist);
      files.push(file);
      requests.push(request);
    }
    const output = runPython(pythonWithTorch(), ['-c', DRIVER, HERE], JSON.stringify(requests));
    const parsed = JSON.parse(output) as { cases: PythonResult[]; autograd: typeof autograd };
    pythons = parsed.cases;
    autograd = parsed.autograd;
  }, 120_000);

  CASES.forEach((c, i) => {
    it(`${c.name}: the lab's keys, every value within ${TOLERANCE} relative`, () => {
      const file = files[i]!;
      const python = pythons[i]!.results;
      expect(python).toHaveLength(file.points.length);
      const worst = { value: 0 };
      file.points.forEach((point, r) => {
        const curve = file.curves.find((entry) => entry.point === r)!;
        const labPoint = Object.fromEntries(
          measureKeys(point, TAU_POINT_KEYS).map((key) => [key, point[key]]),
        );
        const labCurve = Object.fromEntries(
          measureKeys(curve, TAU_CURVE_KEYS).map((key) => [key, curve[key as keyof SweepCurve]]),
        );
        expectClose(python[r]!.point, labPoint, `${c.name} run ${r} point`, worst);
        expectClose(python[r]!.curve, labCurve, `${c.name} run ${r} curve`, worst);
      });
      // The cases measure something: a point or curve key beyond τ's, and the diverging run marked.
      expect(Object.keys(python[0]!.point).length + Object.keys(python[0]!.curve).length).toBeGreaterThan(0);
      if (c.rates.length > 1) expect(file.points.some((point) => point.diverged)).toBe(true);
      console.info(`${c.name}: largest relative difference ${worst.value.toExponential(2)}`);
    });
  });

  it('the kernel and the Fisher agree with autograd’s per-example gradients (float64)', () => {
    console.info(
      `autograd: kernel ${autograd.kernel.toExponential(2)}, λ_max ${autograd.fisher.toExponential(2)}`,
    );
    expect(autograd.kernel).toBeLessThan(1e-12);
    expect(autograd.fisher).toBeLessThan(1e-10);
  });
});
