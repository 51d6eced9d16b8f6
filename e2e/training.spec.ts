import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';

/** Small enough to train quickly on SwiftShader's CPU-emulated WebGPU. */
const SMALL = 'v=1&act=tanh&sw2=1.05&sb2=2.01e-5&L=3&N=16&data=teacher&seeds=2&bs=32&steps=40&lr=0.05';

async function expectCurvesFor(page: Page) {
  for (const init of ['gaussian', 'orthogonal']) {
    await expect
      .poll(async () => Number(await page.getByTestId(`loss-curve-${init}`).getAttribute('data-points')), {
        timeout: 90_000,
      })
      .toBeGreaterThan(5);
  }
}

test('a small training on WebGPU shows curves for both inits', async ({ page }) => {
  test.setTimeout(150_000);
  const problems = watchConsole(page);
  // Forced: auto selection would (rightly) prefer wasm to WebGPU on SwiftShader.
  await page.goto(`/?${SMALL}&backend=webgpu`);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-selection', 'forced');
  await expectCurvesFor(page);
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('training-progress')).toContainText('40 / 40');
  expect(problems).toEqual([]);
});

test('auto selection prefers wasm to a software GPU without spending time on it', async ({ page }) => {
  test.setTimeout(150_000);
  const problems = watchConsole(page);
  await page.goto(`/?${SMALL}`);
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  // Here WebGPU and WebGL both run on SwiftShader: recognized from the adapter, neither checked nor timed.
  await expect(badge).toHaveAttribute('data-selection', 'only');
  await expect(badge).toContainText(/webgpu \(SwiftShader\).*software, not used/);
  expect(await badge.getAttribute('title')).toMatch(/webgpu \(SwiftShader\): not tried: a software GPU/);
  await expectCurvesFor(page);
  expect(problems).toEqual([]);
});

test('with backend=wasm it trains too, and pause, step and reset work', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(`/?${SMALL.replace('steps=40', 'steps=400')}&backend=wasm`);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm', {
    timeout: 60_000,
  });
  await expectCurvesFor(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'paused');
  const progress = page.getByTestId('training-progress').locator('strong');
  const paused = Number(await progress.textContent());
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(progress).toHaveText(String(paused + 1));
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(progress).toHaveText('0');
});

test('a configuration change resets the runs at once, even mid-training', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(`/?${SMALL.replace('steps=40', 'steps=5000')}&backend=wasm`);
  await expectCurvesFor(page);
  const progress = page.getByTestId('training-progress');
  const before = Number(await progress.getAttribute('data-generation'));
  const stepsBefore = Number(await progress.locator('strong').textContent());
  expect(stepsBefore).toBeGreaterThan(0);
  const entry = page.getByRole('spinbutton', { name: 'σ_w²' });
  await entry.fill('1.5');
  await entry.press('Enter');
  // The runs are replaced by new ones from the same seed: a new generation, counting from 0 again.
  await expect(progress).toHaveAttribute('data-generation', String(before + 1), { timeout: 1000 });
  await expect
    .poll(async () => Number(await progress.locator('strong').textContent()))
    .toBeLessThan(stepsBefore + 50);
  await expectCurvesFor(page);
});

test('a chaotic network with a large learning rate is marked diverged and nothing crashes', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems = watchConsole(page);
  await page.goto('/?v=1&act=relu&sw2=4&sb2=0.1&L=12&N=16&data=teacher&seeds=1&lr=10&steps=30&backend=wasm');
  await expect(page.getByTestId('diverged-mark').first()).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('loss-panel')).toContainText('diverged at step');
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 90_000,
  });
  expect(problems).toEqual([]);
});

test('training never blocks the page: no main-thread task over 50 ms', async ({ page }) => {
  test.setTimeout(150_000);
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`/?${SMALL.replace('steps=40', 'steps=300')}&backend=wasm`);
  await expectCurvesFor(page);
  // Start measuring once the page has loaded: the first curves are up and the panels of the
  // initial networks (measured after the first steps, then drawn once with their theory) are
  // drawn. Then train for a while.
  await expect(page.getByTestId('spectrum-theory-gaussian')).toBeAttached({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
  await page.waitForTimeout(4000);
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  expect(await page.getByTestId('training-progress').getAttribute('data-state')).toMatch(/running|done/);
  expect(longTasks.filter((d) => d > 50)).toEqual([]);
});

test('runs over the budget are refused before drawing, with the nearest configuration within it', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto('/?v=1&L=1000&N=2048&seeds=8&backend=cpu');
  const refusal = page.getByRole('alert').filter({ hasText: 'Refused before drawing anything' });
  await expect(refusal).toContainText(/Nearest within the budget: .*seeds=1/, { timeout: 60_000 });
  // Refused, not "drawing weights…", and the cost readout said so before the worker did.
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'refused');
  await expect(page.getByTestId('cost-refusal')).toBeVisible();
  // The lab keeps working: a feasible size trains.
  await page.getByRole('spinbutton', { name: 'width N' }).fill('16');
  await page.getByRole('spinbutton', { name: 'width N' }).press('Enter');
  await page.getByRole('spinbutton', { name: 'depth L' }).fill('2');
  await page.getByRole('spinbutton', { name: 'depth L' }).press('Enter');
  await expect(refusal).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('cost-refusal')).toHaveCount(0);
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', /running|done/, {
    timeout: 30_000,
  });
  expect(problems).toEqual([]);
});
