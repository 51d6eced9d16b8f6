import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../cli/nodeBackend.ts';
import { RandomStream } from './random.ts';
import { runMatMul, splitsRunMatMul } from './runMatMul.ts';
import { useCpuBackend } from './testBackend.ts';

function random(shape: [number, number, number], seed: number): Float32Array {
  return new RandomStream(seed, 'runMatMul').fillNormal(new Float32Array(shape[0] * shape[1] * shape[2]));
}

const CASES = [
  { name: 'plain', a: [3, 5, 7], b: [3, 7, 4], ta: false, tb: false },
  { name: 'transposed left', a: [3, 7, 5], b: [3, 7, 4], ta: true, tb: false },
  { name: 'transposed right', a: [3, 5, 7], b: [3, 4, 7], ta: false, tb: true },
  { name: 'broadcast left', a: [1, 5, 7], b: [3, 7, 4], ta: false, tb: false },
  { name: 'broadcast right, both transposed', a: [3, 7, 5], b: [1, 4, 7], ta: true, tb: true },
] as const;

async function products(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const [i, c] of CASES.entries()) {
    const a = tf.tensor3d(random([...c.a], i), [...c.a]);
    const b = tf.tensor3d(random([...c.b], 100 + i), [...c.b]);
    const p = tf.tidy(() => runMatMul(a, b, c.ta, c.tb));
    out.push((await p.data()) as Float32Array);
    tf.dispose([a, b, p]);
  }
  return out;
}

describe('runMatMul', () => {
  afterAll(useCpuBackend);

  it('splits by run on wasm and gives the batched matMul of the cpu backend', async () => {
    await useCpuBackend();
    expect(splitsRunMatMul()).toBe(false);
    const reference = await products();
    await selectNodeBackend('wasm');
    expect(splitsRunMatMul()).toBe(true);
    const before = tf.memory().numTensors;
    const split = await products();
    expect(tf.memory().numTensors).toBe(before);
    split.forEach((values, i) => {
      expect(values.length, CASES[i]!.name).toBe(reference[i]!.length);
      values.forEach((v, k) => expect(v, `${CASES[i]!.name} [${k}]`).toBeCloseTo(reference[i]![k]!, 4));
    });
  });
});
