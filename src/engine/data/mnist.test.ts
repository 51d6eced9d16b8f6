import { describe, expect, it } from 'vitest';
import type { ByteSource } from './dataset.ts';
import { MNIST_FORMAT, MNIST_MANIFEST, loadMnist, mnistDataset } from './mnist.ts';

/** A tiny MNIST of 2×2 images: 10 training examples in chunks of 4 (4, 4, 2), 3 test examples. */
const ROWS = 2;
const PIXELS = ROWS * ROWS;
const TRAIN = 10;
const CHUNK = 4;
const FILES = ['train-0.u8', 'train-1.u8', 'train-2.u8'];

function examples(first: number, count: number): Uint8Array {
  const bytes = new Uint8Array(count * (1 + PIXELS));
  for (let i = 0; i < count; i++) {
    bytes[i] = (first + i) % 10;
    // Pixel 0 is the example's number, so a filled batch tells which examples it holds.
    for (let p = 0; p < PIXELS; p++) bytes[count + i * PIXELS + p] = p === 0 ? first + i : 0;
  }
  return bytes;
}

function manifest(): Uint8Array {
  const json = {
    format: MNIST_FORMAT,
    rows: ROWS,
    cols: ROWS,
    classes: 10,
    train: { count: TRAIN, chunkSize: CHUNK, files: FILES },
    test: { count: 3, file: 'test.u8' },
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

/** A ByteSource whose training chunks 1 and 2 arrive only when the test says so. */
function delayedSource() {
  const held = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const requested: string[] = [];
  const files: Record<string, Uint8Array> = {
    [MNIST_MANIFEST]: manifest(),
    'test.u8': examples(100, 3),
    [FILES[0]!]: examples(0, 4),
    [FILES[1]!]: examples(4, 4),
    [FILES[2]!]: examples(8, 2),
  };
  const source: ByteSource = (name) => {
    requested.push(name);
    const bytes = files[name];
    if (!bytes) return Promise.reject(new Error(`${name}: not found`));
    if (name !== FILES[1] && name !== FILES[2]) return Promise.resolve(bytes);
    return new Promise((resolve, reject) => {
      held.set(name, { resolve: () => resolve(bytes), reject });
    });
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { source, held, requested, settle };
}

/** The examples a filled batch holds (pixel 0 of each standardized image is its largest value). */
function filled(dataset: ReturnType<typeof mnistDataset>, indices: number[]) {
  const x = new Float32Array(indices.length * PIXELS);
  const y = new Float32Array(indices.length * 10);
  dataset.fillTrain(indices, 1, x, y);
  return indices.map((_, b) => y.subarray(b * 10, b * 10 + 10).indexOf(1));
}

describe('loadMnist in chunks', () => {
  it('resolves with the test set and chunk 0, then loads the other chunks in order', async () => {
    const { source, held, requested, settle } = delayedSource();
    const dataset = mnistDataset(await loadMnist(source));
    expect(dataset.trainCount).toBe(TRAIN);
    expect(dataset.testCount).toBe(3);
    expect(dataset.trainChunkSize).toBe(CHUNK);
    expect(filled(dataset, [0, 3, 1])).toEqual([0, 3, 1]);
    await settle();
    // In order: chunk 2 is asked for only once chunk 1 has arrived.
    expect(requested).toContain(FILES[1]);
    expect(requested).not.toContain(FILES[2]);

    expect(() => filled(dataset, [0, 5])).toThrow(/example 5 is in MNIST training chunk 1.*not loaded yet/);
    let ready = false;
    const ensured = dataset.ensureTrain!([9, 2]).then(() => (ready = true));
    await settle();
    expect(ready).toBe(false);
    held.get(FILES[1]!)!.resolve();
    await settle();
    expect(requested).toContain(FILES[2]);
    expect(ready).toBe(false);
    held.get(FILES[2]!)!.resolve();
    await ensured;
    expect(filled(dataset, [9, 5, 2])).toEqual([9, 5, 2]);
    await dataset.ensureTrain!([0, 9]); // already there: resolves at once
  });

  it('rejects ensureTrain with a clear error when a chunk fails, and tries it again when asked', async () => {
    const { source, held, settle } = delayedSource();
    const dataset = mnistDataset(await loadMnist(source));
    await settle();
    held.get(FILES[1]!)!.reject(new Error('HTTP 503'));
    await expect(dataset.ensureTrain!([4])).rejects.toThrow(
      /MNIST training chunk 1 \(train-1\.u8\) failed to load: HTTP 503/,
    );
    // The chunks after a failed one still load.
    await settle();
    held.get(FILES[2]!)!.resolve();
    await dataset.ensureTrain!([8, 9]);
    // Asked again, the failed chunk is requested again.
    const retry = dataset.ensureTrain!([6]);
    await settle();
    held.get(FILES[1]!)!.resolve();
    await retry;
    expect(filled(dataset, [6])).toEqual([6]);
  });

  it('fails the load itself when chunk 0 or the test set is missing', async () => {
    const bad: ByteSource = (name) =>
      name === MNIST_MANIFEST ? Promise.resolve(manifest()) : Promise.reject(new Error(`${name}: HTTP 404`));
    await expect(loadMnist(bad)).rejects.toThrow(/HTTP 404/);
  });

  it('refuses files of an older format', async () => {
    const old: ByteSource = () =>
      Promise.resolve(new TextEncoder().encode(JSON.stringify({ format: 'isometry-lab/mnist-u8@1' })));
    await expect(loadMnist(old)).rejects.toThrow(/expected "isometry-lab\/mnist-u8@2"/);
  });
});
