import { ChunkedSplit } from './chunkedSplit.ts';
import { writeStandardized, type ByteSource, type Dataset } from './dataset.ts';

/** Written by scripts/prepare-mnist.mjs next to the .u8 files. */
export const MNIST_MANIFEST = 'mnist.json';

/** Must match FORMAT in scripts/prepare-mnist.mjs. */
export const MNIST_FORMAT = 'isometry-lab/mnist-u8@2';

/**
 * Every .u8 file holds `count` examples: their labels (one byte each), then their images
 * (rows × cols bytes each, 0 … 255, row-major). The training set comes in files of `chunkSize`
 * examples (the last may be shorter), so training can start on the first while the rest arrive.
 */
interface MnistManifest {
  readonly format: string;
  readonly rows: number;
  readonly cols: number;
  readonly classes: number;
  readonly train: { readonly count: number; readonly chunkSize: number; readonly files: readonly string[] };
  readonly test: { readonly count: number; readonly file: string };
}

/** A block of examples as stored: labels, then count × pixels image bytes. */
export interface MnistExamples {
  readonly count: number;
  readonly labels: Uint8Array;
  /** count × pixels, 0 … 255, row-major per image. */
  readonly images: Uint8Array;
}

export interface MnistData {
  readonly pixels: number;
  readonly classes: number;
  /** Loading in the background, in order; chunk 0 has arrived when loadMnist resolves. */
  readonly train: ChunkedSplit<MnistExamples>;
  readonly test: MnistExamples;
}

/** Loaded files per source, so recreating an experiment (a slider moved) fetches nothing again. */
const loaded = new WeakMap<ByteSource, Promise<MnistData>>();

/**
 * Resolves once the test set and the first training chunk have arrived; the other chunks keep
 * arriving in the background (see Dataset.ensureTrain).
 */
export function loadMnist(source: ByteSource): Promise<MnistData> {
  let pending = loaded.get(source);
  if (!pending) {
    pending = readMnist(source);
    // A failed load (file missing) is not cached: the next attempt tries again.
    pending.catch(() => loaded.delete(source));
    loaded.set(source, pending);
  }
  return pending;
}

async function readMnist(source: ByteSource): Promise<MnistData> {
  const manifest = JSON.parse(new TextDecoder().decode(await source(MNIST_MANIFEST))) as MnistManifest;
  if (manifest.format !== MNIST_FORMAT)
    throw new Error(
      `${MNIST_MANIFEST}: format "${manifest.format}", expected "${MNIST_FORMAT}"; run scripts/prepare-mnist.mjs`,
    );
  const { classes, train } = manifest;
  const pixels = manifest.rows * manifest.cols;
  const expectedChunks = Math.ceil(train.count / train.chunkSize);
  if (train.files.length !== expectedChunks)
    throw new Error(`${MNIST_MANIFEST}: ${train.files.length} training files, expected ${expectedChunks}`);
  const read = async (file: string, count: number) =>
    parseExamples(file, await source(file), count, pixels, classes);
  const chunks = new ChunkedSplit(
    train.count,
    train.chunkSize,
    (chunk) => read(train.files[chunk]!, Math.min(train.chunkSize, train.count - chunk * train.chunkSize)),
    (chunk) => `MNIST training chunk ${chunk} (${train.files[chunk]})`,
  );
  const [test] = await Promise.all([read(manifest.test.file, manifest.test.count), chunks.chunk(0)]);
  return { pixels, classes, train: chunks, test };
}

function parseExamples(
  file: string,
  bytes: Uint8Array,
  count: number,
  pixels: number,
  classes: number,
): MnistExamples {
  if (bytes.length !== count * (1 + pixels))
    throw new Error(`${file}: ${bytes.length} bytes, expected ${count * (1 + pixels)}`);
  const labels = bytes.subarray(0, count);
  if (labels.some((label) => label >= classes)) throw new Error(`${file}: a label is ≥ ${classes}`);
  return { count, labels, images: bytes.subarray(count) };
}

/** MNIST as a classification dataset: per-image standardized pixels, one-hot targets. */
export function mnistDataset(data: MnistData): Dataset {
  const { pixels, classes, train, test } = data;
  const write = (
    block: MnistExamples,
    example: number,
    b: number,
    scale: number,
    x: Float32Array,
    y: Float32Array,
  ) => {
    writeStandardized(block.images, example * pixels, pixels, scale, x, b * pixels);
    y[b * classes + block.labels[example]!] = 1;
  };
  return {
    name: 'mnist',
    task: 'classification',
    inputSize: pixels,
    outputSize: classes,
    trainCount: train.count,
    testCount: test.count,
    trainChunkSize: train.chunkSize,
    ensureTrain: (indices) => train.ensure(indices),
    fillTrain: (indices, scale, x, y) => {
      y.fill(0, 0, indices.length * classes);
      for (let b = 0; b < indices.length; b++) {
        const { data: block, offset } = train.chunkOf(indices[b]!);
        write(block, offset, b, scale, x, y);
      }
    },
    fillTest: (start, count, scale, x, y) => {
      y.fill(0, 0, count * classes);
      for (let b = 0; b < count; b++) write(test, start + b, b, scale, x, y);
    },
  };
}

/** Reads files from a URL prefix (the app's own origin: nothing from the network at run time). */
export function fetchByteSource(baseUrl: string): ByteSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (fileName) => {
    const response = await fetch(`${base}${fileName}`);
    if (!response.ok)
      throw new Error(
        `${base}${fileName}: HTTP ${response.status}; the MNIST files are made by scripts/prepare-mnist.mjs at install`,
      );
    return new Uint8Array(await response.arrayBuffer());
  };
}
