import { expect, test, type Page, type Worker } from '@playwright/test';

/**
 * The lab recovers from a training worker that dies, from an uncaught error in it, and from a lost
 * GPU device. Nothing in the page helps: the test reaches into the worker through Playwright and
 * closes it, throws in it, or destroys tfjs's WebGPU device (tfjs keeps its engine on the worker's
 * global object as `_tfengine`).
 */

/** A tiny regression that trains quickly everywhere, SwiftShader's WebGPU included. */
const TINY = 'v=1&act=tanh&sw2=1.05&sb2=2.01e-5&L=2&N=16&data=teacher&seeds=1&bs=8&steps=100000&lr=0.05';

async function trainingWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes('training.worker'))).toBe(true);
  // The newest: a replaced one may linger in the list for a moment.
  return page
    .workers()
    .filter((w) => w.url().includes('training.worker'))
    .at(-1)!;
}

const progress = (page: Page) => page.getByTestId('training-progress');

async function stepsDone(page: Page): Promise<number> {
  return Number(await progress(page).locator('strong').textContent());
}

async function generation(page: Page): Promise<number> {
  return Number(await progress(page).getAttribute('data-generation'));
}

/** Waits until a generation after `after` has trained at least `steps` steps; returns when. */
async function trainsAgain(page: Page, after: number, steps = 3, timeout = 30_000): Promise<number> {
  await expect
    .poll(async () => (await generation(page)) > after && (await stepsDone(page)) >= steps, { timeout })
    .toBe(true);
  return Date.now();
}

function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

test('a training worker that is closed mid-training is replaced within seconds, and Reset works after', async ({
  page,
}, testInfo) => {
  const problems = watchConsole(page);
  await page.goto(`/?${TINY}`);
  await expect.poll(() => stepsDone(page), { timeout: 30_000 }).toBeGreaterThan(20);
  const before = await generation(page);
  const worker = await trainingWorker(page);

  const killed = Date.now();
  // Closed from the next task, so that evaluate itself returns. No error event reaches the page.
  await worker.evaluate(() => {
    setTimeout(() => self.close(), 0);
  });
  const notice = page.getByTestId('training-notice');
  await expect(notice).toContainText('The training worker stopped (it was closed or crashed).', {
    timeout: 10_000,
  });
  const told = Date.now();
  await expect(notice).toContainText(/Restarted on WebAssembly from step 0 \(it had reached step \d+\)/);
  await expect(notice).toContainText('with the same configuration.');
  const trained = await trainsAgain(page, before);
  testInfo.annotations.push({
    type: 'timing',
    description: `closed → message ${told - killed} ms, → 3 steps of the new runs ${trained - killed} ms`,
  });
  expect(told - killed).toBeLessThan(5000);
  expect(trained - killed).toBeLessThan(15_000);
  await expect(progress(page)).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('training-error')).toHaveCount(0);

  // Reset on the replacement: new runs from step 0 that train, not "drawing weights…" forever.
  const replaced = await generation(page);
  await page.getByRole('button', { name: 'Reset' }).click();
  await trainsAgain(page, replaced);
  // The notice stays until dismissed.
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a destroyed WebGPU device is reported and training restarts on another backend', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  await page.goto(`/?${TINY}&backend=webgpu`);
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu', { timeout: 45_000 });
  await expect.poll(() => stepsDone(page), { timeout: 45_000 }).toBeGreaterThan(3);
  const before = await generation(page);
  const worker = await trainingWorker(page);

  const destroyed = Date.now();
  await worker.evaluate(() => {
    const engine = (self as unknown as { _tfengine: { backendInstance: { device: { destroy(): void } } } })
      ._tfengine;
    engine.backendInstance.device.destroy();
  });
  const notice = page.getByTestId('training-notice');
  await expect(notice).toContainText('The GPU device was lost (reason: destroyed).', { timeout: 10_000 });
  const told = Date.now();
  await expect(notice).toContainText(/Restarted on WebAssembly from step 0 .*with the same configuration\./);
  await expect(notice).toContainText(
    'backend=webgpu in the link cannot be used again until the page is reloaded.',
  );
  await expect(notice).not.toContainText('mapAsync');
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  await expect(badge).toContainText('webgpu left out after a failure');
  const trained = await trainsAgain(page, before);
  testInfo.annotations.push({
    type: 'timing',
    description: `destroyed → message ${told - destroyed} ms, → 3 steps of the new runs ${trained - destroyed} ms`,
  });
  expect(trained - destroyed).toBeLessThan(15_000);
  await expect(page.getByTestId('training-error')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('recovered-from-device-loss.png') });
  expect(problems).toEqual([]);
});

test('a lost WebGL context is reported and training restarts on another backend', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto(`/?${TINY}&backend=webgl`);
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgl', { timeout: 45_000 });
  await expect.poll(() => stepsDone(page), { timeout: 45_000 }).toBeGreaterThan(3);
  const before = await generation(page);
  const worker = await trainingWorker(page);
  await worker.evaluate(() => {
    type Gl = { getExtension(name: string): { loseContext(): void } };
    const engine = (self as unknown as { _tfengine: { backendInstance: { gpgpu: { gl: Gl } } } })._tfengine;
    engine.backendInstance.gpgpu.gl.getExtension('WEBGL_lose_context').loseContext();
  });
  const notice = page.getByTestId('training-notice');
  await expect(notice).toContainText('The WebGL context was lost. Restarted on WebAssembly from step 0', {
    timeout: 10_000,
  });
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  await trainsAgain(page, before);
  expect(problems).toEqual([]);
});

test('an uncaught error in the worker is reported, and training that goes on is not called stopped', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto(`/?${TINY}`);
  await expect.poll(() => stepsDone(page), { timeout: 30_000 }).toBeGreaterThan(20);
  const before = await generation(page);
  const worker = await trainingWorker(page);
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('injected fault');
    }, 0);
  });
  const notice = page.getByTestId('training-notice');
  await expect(notice).toContainText('The training worker reported an error', { timeout: 10_000 });
  await expect(notice).toContainText('injected fault');
  await expect(notice).toContainText('but is still running; training goes on.');
  // Still the same runs, still training.
  const steps = await stepsDone(page);
  await expect.poll(() => stepsDone(page)).toBeGreaterThan(steps + 20);
  expect(await generation(page)).toBe(before);
  await expect(progress(page)).toHaveAttribute('data-state', 'running');
  await expect(page.getByRole('toolbar', { name: 'Training' })).not.toContainText('stopped');
  await expect(page.getByTestId('training-error')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a worker that keeps dying is given up on after a few restarts, and Retry brings training back', async ({
  page,
}) => {
  // On the CPU backend, which is never left out, restarts are quick: it fails there three times.
  await page.goto(`/?${TINY}&backend=cpu`);
  await expect.poll(() => stepsDone(page), { timeout: 30_000 }).toBeGreaterThan(3);
  for (let kill = 0; kill < 3; kill++) {
    const before = await generation(page);
    const worker = await trainingWorker(page);
    await worker.evaluate(() => {
      setTimeout(() => self.close(), 0);
    });
    if (kill < 2) await trainsAgain(page, before, 1);
  }
  const error = page.getByTestId('training-error');
  await expect(error).toContainText(
    'The training worker failed 3 times on plain JavaScript (cpu), so the lab stopped restarting it.',
    { timeout: 10_000 },
  );
  await expect(progress(page)).toHaveAttribute('data-state', 'failed');
  await expect(progress(page)).toContainText('stopped');
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
  const stopped = await generation(page);
  await error.getByRole('button', { name: 'Retry' }).click();
  await trainsAgain(page, stopped);
  await expect(error).toHaveCount(0);
});

test('a configuration the engine refuses says why instead of "drawing weights…"', async ({ page }) => {
  // Far beyond the worker's memory budget: refused before a weight is drawn.
  await page.goto('/?v=1&L=1000&N=2048&bs=1024&seeds=8&data=teacher&backend=wasm');
  await expect(progress(page)).toHaveAttribute('data-state', 'refused', { timeout: 30_000 });
  await expect(progress(page)).toContainText('not started');
  await expect(progress(page)).not.toContainText('drawing weights');
  await expect(page.getByTestId('training-error')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Reset' })).toBeEnabled();
});
