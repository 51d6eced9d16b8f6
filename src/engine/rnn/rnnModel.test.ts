import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivationId } from '../../theory/index.ts';
import { lossGradient } from '../loss.ts';
import { layerScaling, type Parameterization } from '../init.ts';
import { RandomStream } from '../random.ts';
import { useCpuBackend } from '../testBackend.ts';
import { StackedRnn, type RnnRunArrays, type RnnScalings } from './rnnModel.ts';
import { referenceLogits, referenceLoss, type ReferenceRnn } from './rnnReference.ts';
import type { SequenceShape } from './sequence.ts';

beforeAll(useCpuBackend);

// Small sizes: N = 5 hidden units, 4 time steps of 3 inputs, 3 classes, batch 3.
const SEQUENCE: SequenceShape = { steps: 4, width: 3 };
const N = 5;
const CLASSES = 3;
const BATCH = 3;
const LABELS = [0, 2, 1];

function normals(seed: number, tag: string, count: number, scale: number): Float32Array {
  const out = new RandomStream(seed, tag, count).fillNormal(new Float32Array(count));
  return out.map((v) => v * scale);
}

/** Stored parameters of one run, at scales where φ is neither saturated nor linear. */
function runArrays(seed: number, scalings: RnnScalings): RnnRunArrays {
  const stored = (tag: string, count: number, s: { weightStored: number }) =>
    normals(seed, tag, count, s.weightStored);
  return {
    recurrent: stored('W', N * N, scalings.recurrent),
    input: stored('U', SEQUENCE.width * N, scalings.input),
    bias: normals(seed, 'b', N, scalings.recurrent.biasStored),
    readout: stored('V', N * CLASSES, scalings.readout),
    readoutBias: normals(seed, 'c', CLASSES, scalings.readout.biasStored),
  };
}

function scalingsFor(param: Parameterization): RnnScalings {
  const sw2 = 1.5;
  const sb2 = 0.1;
  return {
    recurrent: layerScaling('gaussian', param, sw2, sb2, N, N),
    input: layerScaling('gaussian', param, sw2, sb2, SEQUENCE.width, N),
    readout: layerScaling('gaussian', param, sw2, sb2, N, CLASSES),
  };
}

/** The run's effective parameters (gains applied) in Float64, for the reference. */
function reference(activation: ActivationId, run: RnnRunArrays, scalings: RnnScalings): ReferenceRnn {
  const times = (a: Float32Array, g: number) => Float64Array.from(a, (v) => v * g);
  return {
    activation,
    sequence: SEQUENCE,
    width: N,
    classes: CLASSES,
    recurrent: times(run.recurrent, scalings.recurrent.weightGain),
    input: times(run.input, scalings.input.weightGain),
    bias: times(run.bias, scalings.recurrent.biasGain),
    readout: times(run.readout, scalings.readout.weightGain),
    readoutBias: times(run.readoutBias, scalings.readout.biasGain),
  };
}

const INPUTS = normals(7, 'x', BATCH * SEQUENCE.steps * SEQUENCE.width, 1);
const TARGETS = Float32Array.from({ length: BATCH * CLASSES }, (_, i) =>
  LABELS[Math.floor(i / CLASSES)] === i % CLASSES ? 1 : 0,
);

async function gradientsOf(model: StackedRnn): Promise<Float32Array[]> {
  const grads = tf.tidy(() => {
    const x = tf.tensor2d(INPUTS, [BATCH, SEQUENCE.steps * SEQUENCE.width]);
    const y = tf.tensor2d(TARGETS, [BATCH, CLASSES]);
    const pass = model.forward(x);
    return model.backward(pass, lossGradient('classification', pass.output, y));
  });
  const values = await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>));
  tf.dispose(grads);
  return values;
}

const NAMES = ['recurrent', 'input', 'bias', 'readout', 'readoutBias'] as const;

describe('StackedRnn', () => {
  it.each([
    ['tanh', 'std'],
    ['relu', 'std'],
    ['tanh', 'ntk'],
    ['linear', 'ntk'],
  ] as const)('BPTT gradients of W, U, b, V, c match central differences (%s, %s)', async (act, param) => {
    const scalings = scalingsFor(param);
    const runs = [runArrays(1, scalings), runArrays(2, scalings)];
    const model = StackedRnn.fromArrays(act, SEQUENCE, scalings, N, CLASSES, runs);
    const grads = await gradientsOf(model);
    model.dispose();
    const gains = [
      scalings.recurrent.weightGain,
      scalings.input.weightGain,
      scalings.recurrent.biasGain,
      scalings.readout.weightGain,
      scalings.readout.biasGain,
    ];
    runs.forEach((run, r) => {
      const net = reference(act, run, scalings);
      NAMES.forEach((name, p) => {
        const effective = net[name];
        const size = effective.length;
        const analytic = grads[p]!.subarray(r * size, (r + 1) * size);
        const eps = 1e-6;
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < size; i++) {
          const saved = effective[i]!;
          effective[i] = saved + eps;
          const up = referenceLoss(net, INPUTS, LABELS);
          effective[i] = saved - eps;
          const down = referenceLoss(net, INPUTS, LABELS);
          effective[i] = saved;
          // ∂loss/∂stored = gain · ∂loss/∂effective.
          const numeric = (gains[p]! * (up - down)) / (2 * eps);
          worst = Math.max(worst, Math.abs(numeric - analytic[i]!));
          scale = Math.max(scale, Math.abs(numeric));
        }
        expect(scale, `${name} has a gradient`).toBeGreaterThan(1e-3);
        expect(worst / scale, `${name} of run ${r}`).toBeLessThan(2e-4);
      });
    });
  });

  it('computes the reference logits', async () => {
    const scalings = scalingsFor('ntk');
    const run = runArrays(3, scalings);
    const model = StackedRnn.fromArrays('tanh', SEQUENCE, scalings, N, CLASSES, [run]);
    const out = tf.tidy(
      () => model.forward(tf.tensor2d(INPUTS, [BATCH, SEQUENCE.steps * SEQUENCE.width])).output,
    );
    const values = await out.data();
    tf.dispose(out);
    model.dispose();
    const net = reference('tanh', run, scalings);
    const size = SEQUENCE.steps * SEQUENCE.width;
    for (let b = 0; b < BATCH; b++) {
      const expected = referenceLogits(net, INPUTS.subarray(b * size, (b + 1) * size));
      expected.forEach((z, c) => expect(values[b * CLASSES + c]).toBeCloseTo(z, 5));
    }
  });

  it('gives each stacked run the gradients it has alone', async () => {
    const scalings = scalingsFor('std');
    const runs = [runArrays(4, scalings), runArrays(5, scalings), runArrays(6, scalings)];
    const stacked = StackedRnn.fromArrays('tanh', SEQUENCE, scalings, N, CLASSES, runs);
    const together = await gradientsOf(stacked);
    stacked.dispose();
    for (const [r, run] of runs.entries()) {
      const alone = StackedRnn.fromArrays('tanh', SEQUENCE, scalings, N, CLASSES, [run]);
      const own = await gradientsOf(alone);
      alone.dispose();
      own.forEach((g, p) => {
        const part = together[p]!.subarray(r * g.length, (r + 1) * g.length);
        g.forEach((v, i) => expect(part[i]).toBeCloseTo(v, 6));
      });
    }
  });
});
