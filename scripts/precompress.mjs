#!/usr/bin/env node
// Writes a Brotli (.br) and a gzip (.gz) copy next to every compressible file of the build, once,
// at build time; scripts/serve.mjs answers with them when the browser accepts the encoding.
// Usage: node scripts/precompress.mjs [folder, default dist]
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const COMPRESSIBLE = new Set('.js .mjs .css .html .svg .json .wasm .map .u8 .txt'.split(' '));
/**
 * Above this size Brotli's best quality (11) costs seconds per megabyte: large files get 9, or 5
 * for source maps (only developer tools fetch them), except the data on the path to the first
 * training step, which is worth the best quality (10 % smaller for MNIST).
 */
const LARGE = 2 * 2 ** 20;
/** Copies that would save less than this fraction are not written (the original is served). */
const MIN_SAVING = 0.05;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* walk(folder) {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

/** The MNIST files the first training step waits for (test set, training chunk 0), if any. */
async function firstStepFiles(root) {
  const manifest = await readFile(join(root, 'data', 'mnist.json'), 'utf8').then(JSON.parse, () => null);
  const names = [manifest?.test?.file, manifest?.train?.files?.[0]].filter(
    (name) => typeof name === 'string',
  );
  return new Set(names.map((name) => join(root, 'data', name)));
}

function quality(path, size, firstStep) {
  if (size <= LARGE || firstStep.has(path)) return 11;
  return extname(path) === '.map' ? 5 : 9;
}

async function compress(path, firstStep) {
  const data = await readFile(path);
  const [br, gzipped] = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality(path, data.length, firstStep),
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]:
          extname(path) === '.u8' || extname(path) === '.wasm'
            ? constants.BROTLI_MODE_GENERIC
            : constants.BROTLI_MODE_TEXT,
      },
    }),
    gz(data, { level: 9 }),
  ]);
  for (const [suffix, copy] of [
    ['.br', br],
    ['.gz', gzipped],
  ]) {
    if (copy.length > data.length * (1 - MIN_SAVING)) continue;
    await writeFile(`${path}${suffix}`, copy);
  }
  return { size: data.length, br: Math.min(br.length, data.length) };
}

async function main() {
  const root = resolve(process.argv[2] ?? 'dist');
  if (!(await stat(root).catch(() => null))?.isDirectory()) {
    console.error(`precompress: ${root} is not a folder; run \`vite build\` first.`);
    process.exit(1);
  }
  const started = performance.now();
  const firstStep = await firstStepFiles(root);
  const paths = [];
  for await (const path of walk(root)) paths.push(path);
  // Two at a time (Brotli is single-threaded per call), the slowest first.
  paths.sort((a, b) => Number(firstStep.has(b)) - Number(firstStep.has(a)) || a.localeCompare(b));
  let total = 0;
  let totalBr = 0;
  const queue = [...paths];
  const worker = async () => {
    for (let path = queue.shift(); path; path = queue.shift()) {
      const result = await compress(path, firstStep);
      total += result.size;
      totalBr += result.br;
    }
  };
  await Promise.all([worker(), worker()]);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log(
    `precompress: ${paths.length} files in ${relative(process.cwd(), root) || '.'}, ` +
      `${mb(total)} MiB → ${mb(totalBr)} MiB with Brotli (${seconds} s)`,
  );
}

await main();
