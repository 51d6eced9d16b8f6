import { describe, expect, it } from 'vitest';
import { BatchOrder } from './batchOrder.ts';

const epochOf = (order: BatchOrder, epoch: number): number[][] =>
  Array.from({ length: order.batchesPerEpoch }, (_, j) => [
    ...order.indices(epoch * order.batchesPerEpoch + j),
  ]);

describe('BatchOrder', () => {
  it('without chunks: a permutation per epoch, the partial batch dropped', () => {
    const order = new BatchOrder(3, 103, 10);
    expect(order.batchesPerEpoch).toBe(10);
    const seen = epochOf(order, 0).flat();
    expect(new Set(seen).size).toBe(100);
    expect(seen.every((i) => i >= 0 && i < 103)).toBe(true);
  });

  describe('with chunks', () => {
    // 5 chunks of 100 and one of 50; B = 32: 3 batches per chunk of 100, 1 in the last.
    const COUNT = 550;
    const CHUNK = 100;
    const B = 32;

    it('visits the chunks in order, each example of a chunk at most once per epoch', () => {
      const order = new BatchOrder(7, COUNT, B, CHUNK);
      expect(order.batchesPerEpoch).toBe(5 * 3 + 1);
      for (const epoch of [0, 1]) {
        const batches = epochOf(order, epoch);
        const chunks = batches.map((batch) => Math.floor(batch[0]! / CHUNK));
        expect(chunks).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]);
        for (const [j, batch] of batches.entries()) {
          // No batch straddles two chunks.
          expect(batch.every((i) => Math.floor(i / CHUNK) === chunks[j])).toBe(true);
        }
        const seen = batches.flat();
        expect(new Set(seen).size).toBe(seen.length);
        for (let k = 0; k < 6; k++) {
          const inChunk = seen.filter((i) => Math.floor(i / CHUNK) === k).length;
          expect(inChunk).toBe(k < 5 ? 3 * B : B);
        }
      }
    });

    it('needs only chunk 0 for the first ⌊chunk/B⌋ steps', () => {
      const order = new BatchOrder(1, 60000, 64, 6000);
      for (let step = 0; step < Math.floor(6000 / 64); step++)
        expect(Math.max(...order.indices(step))).toBeLessThan(6000);
      expect(Math.min(...order.indices(Math.floor(6000 / 64)))).toBeGreaterThanOrEqual(6000);
    });

    it('gives step t the same batch for the same seed, whatever was asked before', () => {
      const a = new BatchOrder(11, COUNT, B, CHUNK);
      const b = new BatchOrder(11, COUNT, B, CHUNK);
      const steps = [40, 3, 17, 0, 40, 16, 5];
      const fromA = steps.map((t) => [...a.indices(t)]);
      const fromB = [...steps]
        .reverse()
        .map((t) => [...b.indices(t)])
        .reverse();
      expect(fromA).toEqual(fromB);
    });

    it('shuffles differently for another seed and another epoch', () => {
      const a = new BatchOrder(11, COUNT, B, CHUNK);
      const b = new BatchOrder(12, COUNT, B, CHUNK);
      expect(epochOf(a, 0)).not.toEqual(epochOf(b, 0));
      expect(epochOf(a, 0)).not.toEqual(epochOf(a, 1));
    });

    it('joins chunks when the batch is larger than a chunk', () => {
      const order = new BatchOrder(2, 1000, 150, 100);
      expect(order.chunkSize).toBe(200);
      expect(order.batchesPerEpoch).toBe(5);
      expect(Math.max(...order.indices(0))).toBeLessThan(200);
    });

    it('refuses a chunk size that is not a positive integer', () => {
      expect(() => new BatchOrder(1, 100, 10, 0)).toThrow(RangeError);
      expect(() => new BatchOrder(1, 100, 10, 2.5)).toThrow(RangeError);
    });
  });
});
