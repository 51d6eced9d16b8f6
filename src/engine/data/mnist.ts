import { writeStandardized, type ByteSource, type Dataset } from './dataset.ts';

/** Written by scripts/prepare-mnist.mjs next to the four .u8 files. */
export const MNIST_MANIFEST = 'mnist.json';

interface SplitManifest {
  readonly count: number;
  readonly images: string;
  readonly labels: string;
}

interface MnistManifest {
  readonly format: string;
  readonly rows: number;
  readonly cols: number;
  readonly classes: number;
  readonly train: SplitManifest;
  readonly test: SplitManifest;
}

export const MNIST_FORMAT = 'isometry-lab/mnist-u8@1';

export interface MnistSplit {
  readonly count: number;
  /** count × rows × cols pixels, 0 … 255, row-major per image. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

export interface MnistData {
  readonly pixels: number;
  readonly classes: number;
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

/** Loaded files per source, so recreating an experiment (a slider moved) parses nothing again. */
const loaded = new WeakMap<ByteSource, Promise<MnistData>>();

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
  const pixels = manifest.rows * manifest.cols;
  const [train, test] = await Promise.all([
    readSplit(source, manifest.train, pixels, manifest.classes),
    readSplit(source, manifest.test, pixels, manifest.classes),
  ]);
  return { pixels, classes: manifest.classes, train, test };
}

async function readSplit(
  source: ByteSource,
  split: SplitManifest,
  pixels: number,
  classes: number,
): Promise<MnistSplit> {
  const [images, labels] = await Promise.all([source(split.images), source(split.labels)]);
  if (images.length !== split.count * pixels)
    throw new Error(`${split.images}: ${images.length} bytes, expected ${split.count * pixels}`);
  if (labels.length !== split.count)
    throw new Error(`${split.labels}: ${labels.length} bytes, expected ${split.count}`);
  if (labels.some((label) => label >= classes)) throw new Error(`${split.labels}: a label is ≥ ${classes}`);
  return { count: split.count, images, labels };
}

/** MNIST as a classification dataset: per-image standardized pixels, one-hot targets. */
export function mnistDataset(data: MnistData): Dataset {
  const { pixels, classes } = data;
  const fill = (
    split: MnistSplit,
    index: (b: number) => number,
    batch: number,
    scale: number,
    x: Float32Array,
    y: Float32Array,
  ): void => {
    y.fill(0, 0, batch * classes);
    for (let b = 0; b < batch; b++) {
      const example = index(b);
      writeStandardized(split.images, example * pixels, pixels, scale, x, b * pixels);
      y[b * classes + split.labels[example]!] = 1;
    }
  };
  return {
    name: 'mnist',
    task: 'classification',
    inputSize: pixels,
    outputSize: classes,
    trainCount: data.train.count,
    testCount: data.test.count,
    fillTrain: (indices, scale, x, y) => fill(data.train, (b) => indices[b]!, indices.length, scale, x, y),
    fillTest: (start, count, scale, x, y) => fill(data.test, (b) => start + b, count, scale, x, y),
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
