import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { checkTrainingStep } from './backendCheck.ts';

describe('backend check', () => {
  it('accepts a backend that computes the step correctly', async () => {
    await tf.setBackend('cpu');
    expect(await checkTrainingStep()).toBeNull();
  });

  it('rejects a backend whose tanh is wrong', async () => {
    await tf.setBackend('cpu');
    const kernel = tf.getKernel('Tanh', 'cpu')!;
    tf.unregisterKernel('Tanh', 'cpu');
    // A plausible driver bug: tanh computed in low precision.
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const out = kernel.kernelFunc(args) as tf.TensorInfo;
        const backend = args.backend as unknown as { data: { get(id: object): { values: Float32Array } } };
        const values = backend.data.get(out.dataId).values;
        for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i]! * 8) / 8;
        return out;
      },
    });
    try {
      expect(await checkTrainingStep()).toMatch(/wrong (loss|gradient)/);
    } finally {
      tf.unregisterKernel('Tanh', 'cpu');
      tf.registerKernel(kernel);
    }
  });
});
