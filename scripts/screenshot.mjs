#!/usr/bin/env node
// Takes screenshots of the built lab at 1280×720 for the README and for looking at panels:
//   node scripts/screenshot.mjs [out.png] ["?query"] ...   (pairs; defaults to docs/lab.png with the default state)
// With SCREENSHOT_STEPS=n it waits until the runs have trained n steps (for pictures of live curves);
// SCREENSHOT_FULL=1 takes the whole page.
// Serves dist/ itself, so run `npm run build` first.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { INSTALL_HINT, findChromium } from './find-chromium.mjs';

const executablePath = findChromium();
if (!executablePath) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
const args = process.argv.slice(2);
const shots = [];
for (let i = 0; i < args.length; i += 2) shots.push({ out: args[i], query: args[i + 1] ?? '' });
if (shots.length === 0) shots.push({ out: 'docs/lab.png', query: '' });

const port = 4311;
const server = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
try {
  await new Promise((resolve) => setTimeout(resolve, 600));
  const browser = await chromium.launch({
    executablePath,
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  for (const { out, query } of shots) {
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.waitForSelector('[data-testid="phase-diagram"][data-status="ready"]');
    const steps = Number(process.env.SCREENSHOT_STEPS ?? 0);
    if (steps > 0) {
      await page.waitForFunction(
        (n) =>
          Number(
            globalThis.document.querySelector('[data-testid="training-progress"] strong')?.textContent ?? 0,
          ) >= n,
        steps,
        { timeout: 15 * 60_000, polling: 500 },
      );
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: out, fullPage: Boolean(process.env.SCREENSHOT_FULL) });
    console.log(`wrote ${out}`);
  }
  await browser.close();
} finally {
  server.kill();
}
