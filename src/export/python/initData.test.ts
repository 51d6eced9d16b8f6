import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../../cli/common.ts';
import { BatchOrder } from '../../engine/data/batchOrder.ts';
import { fileByteSource } from '../../engine/data/fileByteSource.ts';
import { loadMnist, mnistDataset } from '../../engine/data/mnist.ts';
import { trainingSubset } from '../../engine/data/subset.ts';
import { teacherDataset } from '../../engine/data/teacher.ts';
import type { Dataset } from '../../engine/data/dataset.ts';
import { UnitDrawCache, type LayerKey } from '../../engine/drawCache.ts';
import { initialLayer, type InitKind } from '../../engine/init.ts';
import { inputScaling } from '../../engine/inputScaling.ts';
import { RandomStream } from '../../engine/random.ts';
import { criticalPairOf } from '../../sweep/criticalFamily.ts';
import { fixedPointQ, type ActivationId } from '../../theory/index.ts';
import { pythonWithTorch, runPython } from './pythonWithTorch.ts';

/*
 * The exported program's initial weights, data and mean-field numbers (lab_init, lab_data,
 * lab_theory) against the lab's engine. One python process answers every request (JSON on stdin);
 * arrays come back as base64 of their little-endian bytes, so that equality is bit equality.
 */

const MODULES = fileURLToPath(new URL('.', import.meta.url));

const DRIVER = `
import base64, json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from lab_random import RandomStream, stream_normals
from lab_theory import critical_pair, fixed_point_q, input_scale
from lab_init import DrawCache, initial_layer
from lab_data import BatchOrder, LabDataError, load_dataset

def b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode()

cache = DrawCache()
datasets = {}

def dataset(config, folder):
    key = json.dumps([config, folder])
    if key not in datasets:
        datasets[key] = load_dataset(config, folder)
    return datasets[key]

def answer(r):
    kind = r["kind"]
    if kind == "draw":
        s, layer, fi, fo = r["seed"], r["layer"], r["fanIn"], r["fanOut"]
        return {"gaussian": b64(cache.gaussian(s, layer, fi, fo), "<f4"),
                "orthogonal": b64(cache.orthogonal(s, layer, fi, fo), "<f4"),
                "bias": b64(cache.bias(s, layer, fo), "<f4")}
    if kind == "layer":
        weights, biases, scaling = initial_layer(cache, r["init"], r["config"], r["seed"], r["layer"],
                                                 r["fanIn"], r["fanOut"])
        return {"weights": b64(weights, "<f4"), "biases": b64(biases, "<f4"), "scaling": scaling}
    if kind == "normals":
        return {"normals": b64(stream_normals(tuple(r["key"]), r["count"]), "<f8")}
    if kind == "fastAgainstScalar":
        key = tuple(r["key"])
        start = time.perf_counter()
        fast = stream_normals(key, r["count"])
        seconds = time.perf_counter() - start
        scalar = np.array(RandomStream(*key).normals(r["count"]))
        return {"unequal": int(np.count_nonzero(fast != scalar)), "count": len(fast), "seconds": seconds}
    if kind == "order":
        order = BatchOrder(r["seed"], r["examples"], r["batch"], r["chunk"])
        return {"indices": [order.indices(step).tolist() for step in r["steps"]]}
    if kind == "theory":
        values = []
        for act, sw2, sb2 in r["points"]:
            values += [fixed_point_q(act, sw2, sb2), input_scale(act, sw2, sb2)]
        pairs = []
        for act, qstar in r["critical"]:
            try:
                pairs.append(list(critical_pair(act, qstar)))
            except ValueError as error:
                pairs.append(str(error))
        return {"values": b64(values, "<f8"), "pairs": pairs}
    if kind == "data":
        data = dataset(r["config"], r["folder"])
        x, y = data.train_batch(np.array(r["indices"]), r["scale"])
        tx, ty = data.test_batch(r["testStart"], r["testCount"], r["scale"])
        return {"name": data.name, "task": data.task, "inputSize": data.input_size,
                "outputSize": data.output_size, "trainCount": data.train_count, "testCount": data.test_count,
                "trainChunkSize": data.train_chunk_size, "x": b64(x, "<f4"), "y": b64(y, "<f4"),
                "testX": b64(tx, "<f4"), "testY": b64(ty, "<f4")}
    if kind == "missingData":
        try:
            load_dataset({"data": "mnist", "ntrain": 0, "seed": 1, "dim": 32}, r["folder"])
        except LabDataError as error:
            return {"error": str(error)}
        return {"error": None}
    raise ValueError(kind)

json.dump([answer(r) for r in json.load(sys.stdin)], sys.stdout)
`;

type Json = Record<string, unknown>;

function bytesOf(base64: string): ArrayBuffer {
  const buffer = Buffer.from(base64, 'base64');
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}
const f32 = (base64: unknown) => new Float32Array(bytesOf(base64 as string));
const f64 = (base64: unknown) => new Float64Array(bytesOf(base64 as string));

/** How many entries differ at all, and the largest absolute difference. */
function compare(python: ArrayLike<number>, lab: ArrayLike<number>): { unequal: number; maxAbs: number } {
  expect(python.length).toBe(lab.length);
  let unequal = 0;
  let maxAbs = 0;
  for (let i = 0; i < lab.length; i++) {
    if (!Object.is(python[i], lab[i])) unequal++;
    maxAbs = Math.max(maxAbs, Math.abs(python[i]! - lab[i]!));
  }
  return { unequal, maxAbs };
}

/** Largest |a − b| in float32 ulps of b. */
function maxUlps(python: Float32Array, lab: Float32Array): number {
  const a = new Int32Array(python.buffer, python.byteOffset, python.length);
  const b = new Int32Array(lab.buffer, lab.byteOffset, lab.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

// Square, tall (fan-in > fan-out), wide, the readout, and one large enough for the many-lane path.
const SHAPES: readonly { seed: number; layer: LayerKey; fanIn: number; fanOut: number }[] = [
  { seed: 1, layer: 0, fanIn: 16, fanOut: 16 },
  { seed: 2, layer: 3, fanIn: 24, fanOut: 10 },
  { seed: 3, layer: 1, fanIn: 10, fanOut: 24 },
  { seed: 1, layer: 'readout', fanIn: 32, fanOut: 10 },
  { seed: 7, layer: 2, fanIn: 96, fanOut: 128 },
];
const LAYER_CONFIG = { sw2: 1.7, sb2: 0.05 };
const ORDERS = [
  { seed: 3, examples: 1000, batch: 64, chunk: null, steps: [...Array(50).keys()] },
  { seed: 5, examples: 2000, batch: 48, chunk: 300, steps: [...Array(90).keys()] },
  // B > c: two chunks act as one.
  { seed: 2, examples: 1000, batch: 70, chunk: 50, steps: [...Array(40).keys()] },
  // MNIST's 60000 in chunks of 6000 at B = 100: the ends of chunks and of the first epoch.
  { seed: 1, examples: 60000, batch: 100, chunk: 6000, steps: [0, 1, 59, 60, 61, 599, 600, 661, 1200] },
];
const ACTS: readonly ActivationId[] = ['tanh', 'hardtanh', 'relu', 'linear', 'erf'];
const SW2 = [0.3, 0.9, 1, 1.05, 1.5, 2.5, 4];
const SB2 = [0, 1e-10, 2.01e-5, 0.01, 0.05, 0.3, 0.5];
const POINTS = ACTS.flatMap((act) => SW2.flatMap((sw2) => SB2.map((sb2) => [act, sw2, sb2] as const)));
const CRITICAL = (['tanh', 'erf', 'hardtanh', 'relu'] as const).flatMap((act) =>
  [1e-4, 1e-3, 0.01, 0.1, 0.5, 1, 2, 5, 20].map((qstar) => [act, qstar] as const),
);
const MNIST_CONFIG = { data: 'mnist', ntrain: 0, seed: 1, dim: 32 };
const MNIST_INDICES = [0, 5999, 6000, 12345, 59999, 7, 31000];
const TEACHER_CONFIG = { data: 'teacher', ntrain: 1000, seed: 4, dim: 12 };
const TEACHER_INDICES = [...Array(64).keys()].map((i) => (i * 37) % 1000);
const NORMAL_KEYS = [
  [1, 'weight', 0, 64, 64],
  [9, 'teacher', 'inputs'],
];

const requests: Json[] = [
  ...SHAPES.map((shape) => ({ kind: 'draw', ...shape })),
  ...SHAPES.flatMap((shape) =>
    (['gaussian', 'orthogonal'] as const).flatMap((init) =>
      (['std', 'ntk'] as const).map((param) => ({
        kind: 'layer',
        init,
        config: { ...LAYER_CONFIG, param },
        ...shape,
      })),
    ),
  ),
  ...NORMAL_KEYS.map((key) => ({ kind: 'normals', key, count: 20001 })),
  // 2^20 + 1 normals: 1024 steps in each of 4097 lanes (and an odd count).
  { kind: 'fastAgainstScalar', key: [5, 'weight', 0, 1024, 1024], count: 2 ** 20 + 1 },
  ...ORDERS.map((order) => ({ kind: 'order', ...order })),
  { kind: 'theory', points: POINTS, critical: CRITICAL },
  {
    kind: 'data',
    config: MNIST_CONFIG,
    folder: DATA_DIR,
    indices: MNIST_INDICES,
    scale: 1.3,
    testStart: 10,
    testCount: 50,
  },
  {
    kind: 'data',
    config: { ...MNIST_CONFIG, ntrain: 500 },
    folder: DATA_DIR,
    indices: [0, 499],
    scale: 0.7,
    testStart: 0,
    testCount: 3,
  },
  {
    kind: 'data',
    config: TEACHER_CONFIG,
    folder: DATA_DIR,
    indices: TEACHER_INDICES,
    scale: 1.1,
    testStart: 5,
    testCount: 40,
  },
  { kind: 'missingData', folder: '/nonexistent/isometry-data' },
];

let answers: Json[] = [];
const answersOf = (kind: string) => answers.filter((_, i) => requests[i]!.kind === kind);

beforeAll(() => {
  const output = runPython(pythonWithTorch(), ['-c', DRIVER, MODULES], JSON.stringify(requests));
  answers = JSON.parse(output) as Json[];
}, 60_000);

describe('the exported program draws the lab’s initial weights (lab_init)', () => {
  const cache = new UnitDrawCache();

  it('Gaussian draws and biases bit for bit: square, tall, wide, readout and a many-lane draw', () => {
    answersOf('draw').forEach((answer, i) => {
      const { seed, layer, fanIn, fanOut } = SHAPES[i]!;
      const where = `${seed}/${layer}/${fanIn}x${fanOut}`;
      expect(compare(f32(answer.gaussian), cache.gaussian(seed, layer, fanIn, fanOut)).unequal, where).toBe(
        0,
      );
      expect(compare(f32(answer.bias), cache.bias(seed, layer, fanOut)).unequal, where).toBe(0);
    });
  });

  it('Haar factors of the same draw agree to float32 rounding (LAPACK vs the lab’s Householder QR)', () => {
    let unequal = 0;
    let total = 0;
    let maxAbs = 0;
    answersOf('draw').forEach((answer, i) => {
      const { seed, layer, fanIn, fanOut } = SHAPES[i]!;
      const difference = compare(f32(answer.orthogonal), cache.orthogonal(seed, layer, fanIn, fanOut));
      unequal += difference.unequal;
      total += fanIn * fanOut;
      maxAbs = Math.max(maxAbs, difference.maxAbs);
    });
    console.info(
      `Haar factor: ${(100 * (1 - unequal / total)).toFixed(2)}% of ${total} entries bit-equal, max |Δ| = ${maxAbs.toExponential(2)}`,
    );
    // A different factor (no sign fix, another draw) would differ by O(1/√N) almost everywhere.
    expect(maxAbs).toBeLessThan(1e-6);
    expect(unequal / total).toBeLessThan(0.05);
  });

  it('initial layers bit for bit for both inits and both parameterizations (the scaled() rounding)', () => {
    answersOf('layer').forEach((answer) => {
      const request = requests[answers.indexOf(answer)] as unknown as (typeof SHAPES)[number] & {
        init: InitKind;
        config: { param: 'std' | 'ntk'; sw2: number; sb2: number };
      };
      const { seed, layer, fanIn, fanOut, init, config } = request;
      const lab = initialLayer(cache, init, config, seed, layer, fanIn, fanOut);
      const scaling = answer.scaling as Record<string, number>;
      expect([scaling.weight_stored, scaling.weight_gain, scaling.bias_stored, scaling.bias_gain]).toEqual([
        lab.scaling.weightStored,
        lab.scaling.weightGain,
        lab.scaling.biasStored,
        lab.scaling.biasGain,
      ]);
      const where = `${init} ${config.param} ${seed}/${layer}/${fanIn}x${fanOut}`;
      expect(compare(f32(answer.biases), lab.biases).unequal, where).toBe(0);
      const weights = compare(f32(answer.weights), lab.weights);
      // The orthogonal unit may differ by an ulp (above); the Gaussian one never does.
      if (init === 'gaussian') expect(weights.unequal, where).toBe(0);
      else expect(weights.maxAbs, where).toBeLessThan(1e-6 * Math.sqrt(Math.max(fanIn, fanOut)));
    });
  });

  it('the many-lane normals are the scalar port’s, bit for bit, and within the last bits of the lab’s', () => {
    const [check] = answersOf('fastAgainstScalar');
    expect(check!.count).toBe(2 ** 20 + 1);
    expect(check!.unequal).toBe(0);
    console.info(`fast normals: 2^20 + 1 in ${(check!.seconds as number).toFixed(2)} s`);
    let exact = 0;
    let worst = 0;
    answersOf('normals').forEach((answer, i) => {
      const python = f64(answer.normals);
      const lab = new RandomStream(...NORMAL_KEYS[i]!).fillNormal(new Float64Array(python.length));
      for (let j = 0; j < lab.length; j++) {
        if (python[j] === lab[j]) exact++;
        worst = Math.max(worst, Math.abs(python[j]! - lab[j]!) / Math.abs(lab[j]!));
      }
    });
    console.info(
      `float64 normals equal to V8's: ${((100 * exact) / (2 * 20001)).toFixed(1)}%, max rel ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThan(1e-14);
    expect(exact).toBeGreaterThan(0.5 * 2 * 20001);
  });
});

describe('the exported program’s data order and datasets (lab_data)', () => {
  it('BatchOrder gives the lab’s indices over several epochs, chunked and not', () => {
    answersOf('order').forEach((answer, i) => {
      const { seed, examples, batch, chunk, steps } = ORDERS[i]!;
      const lab = new BatchOrder(seed, examples, batch, chunk ?? undefined);
      const expected = steps.map((step) => Array.from(lab.indices(step)));
      expect(answer.indices, JSON.stringify(ORDERS[i])).toEqual(expected);
    });
  });

  async function labDataset(config: typeof MNIST_CONFIG): Promise<Dataset> {
    const whole =
      config.data === 'teacher'
        ? teacherDataset(config.seed, { inputSize: config.dim })
        : mnistDataset(await loadMnist(fileByteSource(DATA_DIR)));
    return config.ntrain > 0 ? trainingSubset(whole, config.ntrain) : whole;
  }

  async function labBatches(request: Json) {
    const data = await labDataset(request.config as typeof MNIST_CONFIG);
    const indices = request.indices as number[];
    await data.ensureTrain?.(indices);
    const x = new Float32Array(indices.length * data.inputSize);
    const y = new Float32Array(indices.length * data.outputSize);
    data.fillTrain(indices, request.scale as number, x, y);
    const count = request.testCount as number;
    const testX = new Float32Array(count * data.inputSize);
    const testY = new Float32Array(count * data.outputSize);
    data.fillTest(request.testStart as number, count, request.scale as number, testX, testY);
    return { data, x, y, testX, testY };
  }

  it('MNIST training and held-out batches bit for bit (with a scale), and the ntrain subset', async () => {
    const [whole, subset] = answersOf('data');
    for (const answer of [whole!, subset!]) {
      const request = requests[answers.indexOf(answer)]!;
      const lab = await labBatches(request);
      expect(answer).toMatchObject({
        name: lab.data.name,
        task: 'classification',
        inputSize: 784,
        outputSize: 10,
        trainCount: lab.data.trainCount,
        testCount: lab.data.testCount,
        trainChunkSize: 6000,
      });
      expect(compare(f32(answer.x), lab.x).unequal).toBe(0);
      expect(compare(f32(answer.y), lab.y).unequal).toBe(0);
      expect(compare(f32(answer.testX), lab.testX).unequal).toBe(0);
      expect(compare(f32(answer.testY), lab.testY).unequal).toBe(0);
    }
    expect(subset!.trainCount).toBe(500);
  });

  it('the teacher task: inputs bit for bit, targets within one float32 ulp (C’s tanh against V8’s)', async () => {
    const answer = answersOf('data')[2]!;
    const lab = await labBatches(requests[answers.indexOf(answer)]!);
    expect(answer).toMatchObject({ task: 'regression', inputSize: 12, outputSize: 1, trainCount: 1000 });
    expect(answer.trainChunkSize).toBeNull();
    expect(compare(f32(answer.x), lab.x).unequal).toBe(0);
    expect(compare(f32(answer.testX), lab.testX).unequal).toBe(0);
    const targets = [f32(answer.y), f32(answer.testY)];
    const labTargets = [lab.y, lab.testY];
    const unequal =
      compare(targets[0]!, labTargets[0]!).unequal + compare(targets[1]!, labTargets[1]!).unequal;
    console.info(`teacher targets: ${unequal} of ${lab.y.length + lab.testY.length} differ from the lab's`);
    expect(
      Math.max(maxUlps(targets[0]!, labTargets[0]!), maxUlps(targets[1]!, labTargets[1]!)),
    ).toBeLessThanOrEqual(1);
  });

  it('missing MNIST files: LabDataError in one line naming the folder and npm install', () => {
    const [answer] = answersOf('missingData');
    const error = answer!.error as string;
    expect(error).toContain('/nonexistent/isometry-data');
    expect(error).toContain('npm install');
    expect(error).not.toContain('\n');
  });
});

describe('the exported program’s mean-field numbers (lab_theory)', () => {
  const relative = (a: number, b: number) =>
    Object.is(a, b) ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

  it('fixed_point_q and input_scale within 1e-10 of the lab over every activation and a grid of σ_w², σ_b²', () => {
    const [answer] = answersOf('theory');
    const values = f64(answer!.values);
    let worst = 0;
    POINTS.forEach(([act, sw2, sb2], i) => {
      const lab = [fixedPointQ(act, sw2, sb2), inputScaling(act, sw2, sb2).scale];
      for (let k = 0; k < 2; k++) {
        const python = values[2 * i + k]!;
        // 0, ∞ and NaN are conventions: they must be the same value.
        if (!Number.isFinite(lab[k]!) || lab[k] === 0) expect(python, `${act} ${sw2} ${sb2}`).toBe(lab[k]);
        worst = Math.max(worst, relative(python, lab[k]!));
      }
    });
    console.info(`fixed_point_q, input_scale: max relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
  });

  it('critical_pair gives the lab’s (σ_w², σ_b²) or refuses the same q*', () => {
    const [answer] = answersOf('theory');
    const pairs = answer!.pairs as (number[] | string)[];
    let refused = 0;
    CRITICAL.forEach(([act, qstar], i) => {
      let lab: number[] | null = null;
      try {
        const pair = criticalPairOf(act, qstar);
        lab = [pair.sw2, pair.sb2];
      } catch {
        refused++;
      }
      const python = pairs[i]!;
      if (lab === null) expect(typeof python, `${act} q*=${qstar}`).toBe('string');
      else {
        expect(Array.isArray(python), `${act} q*=${qstar}: ${String(python)}`).toBe(true);
        const [sw2, sb2] = python as number[];
        expect(relative(sw2!, lab[0]!)).toBeLessThan(1e-10);
        expect(relative(sb2!, lab[1]!)).toBeLessThan(1e-10);
      }
    });
    // The grid has both kinds: relu (no family), q* past the sliders, and valid points.
    expect(refused).toBeGreaterThan(9);
    expect(refused).toBeLessThan(CRITICAL.length - 9);
  });
});
