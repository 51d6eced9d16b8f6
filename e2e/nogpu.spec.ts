import { expect, test } from '@playwright/test';
// @ts-expect-error -- plain ES module script shared with the test command; it has no type declarations.
import { findChromium } from '../scripts/find-chromium.mjs';

/**
 * Most of the suite runs Chromium with --enable-unsafe-webgpu. Without it (as in many browsers
 * today) `navigator.gpu` exists but offers no adapter: the default link must still train, on
 * WebAssembly, with no error. It once did not: the failed WebGPU check left tfjs without a backend.
 */
test.use({ launchOptions: { executablePath: findChromium() as string, args: ['--no-sandbox'] } });

test('the default link trains on WebAssembly in a browser whose WebGPU offers no adapter', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto('/');
  await expect
    .poll(async () => Number(await page.getByTestId('loss-curve-orthogonal').getAttribute('data-points')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('backend-badge')).toContainText('wasm');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(problems).toEqual([]);
});
