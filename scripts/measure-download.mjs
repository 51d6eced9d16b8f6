#!/usr/bin/env node
// Measures what the lab downloads: bytes on the wire (compressed, with headers) until the first
// training step is drawn, and in all once every MNIST file has arrived (or 60 s after that step).
//   node scripts/measure-download.mjs ["?query", default "" (the default link)]
// Serves DIST_DIR (default dist/) with scripts/serve.mjs on a free port, in headless Chromium.
// Prints JSON: { bytesBeforeFirstStep, bytesTotal, secondsToFirstStep, files: [...] }.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { INSTALL_HINT, findChromium } from './find-chromium.mjs';

const query = process.argv[2] ?? '';
const FIRST_STEP_TIMEOUT_MS = 120_000;
const AFTER_FIRST_STEP_MS = 60_000;

const executablePath = findChromium();
if (!executablePath) {
  console.error(INSTALL_HINT);
  process.exit(1);
}

const port = await new Promise((resolve, reject) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
  probe.on('error', reject);
});
const server = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  server.stdout.on('data', (data) => String(data).includes('running at') && resolve());
  server.on('exit', (code) => reject(new Error(`scripts/serve.mjs exited with ${code}`)));
});

const origin = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath,
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  const files = [];
  const sizes = [];
  // Requests of the page and of its workers, each counted when its last byte has arrived: headers
  // plus the body as sent (Content-Length, which sirv always sets; Chromium reports no body size
  // for worker scripts).
  context.on('requestfinished', (request) => {
    const finishedMs = Date.now() - started;
    if (!request.url().startsWith(origin)) return; // blob: URLs of the WASM threads
    sizes.push(
      (async () => {
        const [size, response] = await Promise.all([request.sizes(), request.response()]);
        const headers = (await response?.allHeaders()) ?? {};
        const body = Number(headers['content-length'] ?? size.responseBodySize);
        files.push({
          path: request.url().slice(origin.length),
          status: response?.status() ?? 0,
          encoding: headers['content-encoding'] ?? 'identity',
          bytes: size.responseHeadersSize + body,
          finishedMs,
        });
      })(),
    );
  });

  await page.goto(`${origin}/${query}`);
  const firstStep = page.waitForFunction(
    () =>
      Number(
        globalThis.document.querySelector('[data-testid="loss-curve-gaussian"]')?.getAttribute('data-points'),
      ) > 0,
    null,
    { timeout: FIRST_STEP_TIMEOUT_MS, polling: 100 },
  );
  // Without a first step in time, what arrived is still reported (secondsToFirstStep null, exit 1).
  const drawn = await firstStep.then(
    () => true,
    () => false,
  );
  const firstStepMs = Date.now() - started;
  await Promise.all(sizes);
  const beforeFirstStep = files.filter((file) => file.finishedMs <= firstStepMs);

  // Every .u8 file the manifest names, in either format.
  const manifest = await (await fetch(`${origin}/data/mnist.json`)).json();
  const dataFiles = JSON.stringify(manifest).match(/[\w.-]+\.u8/g) ?? [];
  const arrived = () => dataFiles.every((name) => files.some((file) => file.path === `/data/${name}`));
  while (drawn && !arrived() && Date.now() - started < firstStepMs + AFTER_FIRST_STEP_MS) {
    await page.waitForTimeout(250);
    await Promise.all(sizes);
  }
  await Promise.all(sizes);
  const sum = (list) => list.reduce((total, file) => total + file.bytes, 0);
  files.sort((a, b) => a.finishedMs - b.finishedMs);
  console.log(
    JSON.stringify(
      {
        url: `/${query}`,
        bytesBeforeFirstStep: drawn ? sum(beforeFirstStep) : null,
        bytesTotal: sum(files),
        secondsToFirstStep: drawn ? firstStepMs / 1000 : null,
        allDataArrived: arrived(),
        files,
      },
      null,
      2,
    ),
  );
  if (!drawn) {
    console.error(`measure-download: no training step drawn within ${FIRST_STEP_TIMEOUT_MS / 1000} s`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.kill();
}
