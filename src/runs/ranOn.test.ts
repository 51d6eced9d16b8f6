import { describe, expect, it } from 'vitest';
import { mergedNote, mergedParts, ranElsewhere, ranOn, shardNote, shardOf } from './ranOn.ts';

describe('where a result ran', () => {
  it('names the lab’s engine for a tfjs backend, and another engine with what it adds', () => {
    expect(ranElsewhere({ backend: 'wasm' })).toBe(false);
    expect(ranOn({ backend: 'wasm' })).toBe('the lab’s engine (tfjs wasm)');
    const torch = {
      backend: 'pytorch 2.4 · cuda (NVIDIA H200)',
      engine: { name: 'pytorch', deviceName: 'NVIDIA H200', precision: 'float32', python: '3.11.2' },
    };
    expect(ranElsewhere(torch)).toBe(true);
    // The device is in the backend already: said once.
    expect(ranOn(torch)).toBe('pytorch 2.4 · cuda (NVIDIA H200) (float32, Python 3.11.2)');
    expect(ranOn({ backend: 'pytorch 1.13 · cpu' })).toBe('pytorch 1.13 · cpu');
    expect(ranElsewhere({ backend: 'cpu', engine: { name: 'pytorch' } })).toBe(true);
  });

  it('reads a part of a sharded sweep, and nothing else', () => {
    expect(shardOf({ shard: { index: 2, count: 3, pointIndices: [1, 4] } })).toEqual({ index: 2, count: 3 });
    for (const shard of [
      undefined,
      null,
      'x',
      { index: 0, count: 2 },
      { index: 3, count: 2 },
      { index: 1.5, count: 2 },
    ])
      expect(shardOf({ shard })).toBeNull();
    expect(shardNote({ index: 1, count: 2 })).toMatch(/--shard k\/2.*python3 run\.py --merge part\*\.json/);
  });
});

describe('mergedParts', () => {
  it('counts the parts a merged sweep names, and says so', () => {
    expect(mergedParts({ mergedFrom: [{ part: 1 }, { part: 2 }] })).toBe(2);
    expect(mergedParts({})).toBe(0);
    expect(mergedParts({ mergedFrom: 'two' })).toBe(0);
    expect(mergedNote(2)).toBe('Merged from 2 parts (run.py --shard k/2), their times added.');
  });
});
