#!/usr/bin/env node
// A long run of a link in headless Chromium, watching what a leak would show: the training
// worker's live tensors and their bytes (tfjs's engine, read inside the worker) and memory as
// Chromium attributes it (measureUserAgentSpecificMemory, which needs cross-origin isolation):
// the training worker, the page and the whole tab. Serves the current build.
// Usage: node scripts/soak.mjs [query, default "?steps=10000"] [--every seconds, default 30]
// Prints one JSON line per sample and a summary; the README's figures come from it.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { INSTALL_HINT, findChromium } from './find-chromium.mjs';

const args = process.argv.slice(2);
const everyAt = args.indexOf('--every');
const everySeconds = everyAt >= 0 ? Number(args.splice(everyAt, 2)[1]) : 30;
const query = args[0] ?? '?steps=10000';
const port = Number(process.env.PORT ?? 4390);
const executablePath = findChromium();
if (!executablePath) throw new Error(INSTALL_HINT);
if (!(everySeconds > 0)) throw new Error('--every needs a positive number of seconds');

const server = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
const browser = await chromium.launch({
  executablePath,
  args: ['--enable-unsafe-webgpu', '--no-sandbox'],
});
try {
  await waitForServer();
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  const stepsDone = () =>
    page.evaluate(() =>
      Number(globalThis.document.querySelector('[data-testid="training-progress"] strong')?.textContent ?? 0),
    );
  const trainingState = () =>
    page.evaluate(
      () => globalThis.document.querySelector('[data-testid="training-progress"]')?.textContent ?? '',
    );
  const start = Date.now();
  const samples = [];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, everySeconds * 1000));
    const worker = page.workers().find((w) => /training\.worker/.test(w.url()));
    const tensors = worker
      ? await worker.evaluate(() => {
          const memory = globalThis._tfengine?.memory();
          return { tensors: memory?.numTensors ?? null, tensorMB: memory ? memory.numBytes / 2 ** 20 : null };
        })
      : { tensors: null, tensorMB: null };
    // Memory as the browser attributes it (after a garbage collection): the training worker
    // (its JavaScript heap and the WebAssembly memory it owns), the page, and the whole tab.
    const memory = await page.evaluate(async () => {
      const result = await performance.measureUserAgentSpecificMemory();
      const sum = (test) =>
        result.breakdown
          .filter((entry) => entry.attribution.some((a) => test(a)))
          .reduce((total, entry) => total + entry.bytes, 0);
      return {
        trainingWorker: sum((a) => /training\.worker/.test(a.url)),
        page: sum((a) => a.scope === 'Window'),
        tab: result.bytes,
      };
    });
    const mb = (bytes) => (bytes == null ? null : +(bytes / 2 ** 20).toFixed(1));
    const sample = {
      seconds: Math.round((Date.now() - start) / 1000),
      steps: await stepsDone(),
      tensors: tensors.tensors,
      tensorMB: mb(tensors.tensorMB * 2 ** 20),
      trainingWorkerMB: mb(memory.trainingWorker),
      pageMB: mb(memory.page),
      tabMB: mb(memory.tab),
    };
    samples.push(sample);
    console.log(JSON.stringify(sample));
    if (/done|finished/i.test(await trainingState())) break;
  }
  console.log(JSON.stringify({ query, summary: summarize(samples) }));
} finally {
  await browser.close();
  server.kill();
}

/** First and last samples after the first quarter, and the largest of each quantity after it. */
function summarize(samples) {
  const warm = samples.slice(Math.floor(samples.length / 4));
  const keys = ['tensors', 'tensorMB', 'trainingWorkerMB', 'pageMB', 'tabMB'];
  const pick = (s) => Object.fromEntries(keys.map((k) => [k, s?.[k] ?? null]));
  return {
    samples: samples.length,
    steps: samples.at(-1)?.steps ?? 0,
    firstWarm: pick(warm[0]),
    last: pick(warm.at(-1)),
    maxWarm: Object.fromEntries(keys.map((k) => [k, Math.max(...warm.map((s) => s[k] ?? -Infinity))])),
  };
}

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start on port ${port}`);
}
