import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';
import { EXPERIMENTS } from '../src/experiments/registry.ts';

/**
 * Sweeps in the page: a sweep link runs in its own worker with progress and partial points, can be
 * cancelled, reruns from its link, saves a file that reopens to the same drawing, and the
 * Experiments view lists the named experiments with their last result. Networks are tiny (teacher
 * task, L ≤ 5, N = 16) so that every sweep takes seconds on WASM.
 */
const BASE = 'act=tanh&sw2=1.05&sb2=2.01e-5&N=16&data=teacher&bs=32&init=both&backend=wasm';
/** Three learning rates, two seeds: τ reached at some, not at others (one stacked group). */
const SMALL = `?${BASE}&L=3&seeds=2&steps=150&thr=0.5&over=lr=0.01,0.1,1`;
/** Four depths (four groups, one after another), a threshold never reached: runs to the end. */
const LONG = `?${BASE}&seeds=1&steps=6000&thr=1e-9&over=L=2,3,4,5`;

const status = (page: Page) => page.getByTestId('sweep-status');

/** Drawn points of the τ chart: markers of reached cells plus marks of cells without τ. */
async function drawnCells(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      document.querySelectorAll('[data-testid="sweep-tau-svg"] .sweep-marker').length +
      document.querySelectorAll('[data-testid="sweep-tau-svg"] [data-testid="sweep-failure"]').length,
  );
}

test('a sweep link runs with progress, draws its points, and the same link reruns it', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('view-tab-sweep')).toHaveAttribute('aria-current', 'page');
  // The address bar holds the canonical link of the sweep: every base key, then the axes.
  await expect.poll(() => page.url()).toContain('over=lr=0.01,0.1,1&measure=tau');
  await expect(status(page)).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('sweep-summary')).toContainText('complete, 12 runs');
  // 3 learning rates × 2 inits: each cell drawn once, as a τ or as "not reached"/"diverged" at the top.
  const cells = await drawnCells(page);
  expect(cells).toBeGreaterThanOrEqual(6);
  for (const init of ['gaussian', 'orthogonal'])
    await expect(page.getByTestId(`sweep-line-${init}`)).toBeAttached();
  const drawing = await page.getByTestId('sweep-tau-svg').innerHTML();

  // The link reruns the same sweep on a fresh page: computed there again, seeded alike, drawn alike.
  const link = page.url();
  const again = await page.context().newPage();
  await again.goto(link);
  await expect(status(again)).toHaveAttribute('data-phase', /starting|running/);
  await expect(status(again)).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await expect(again.getByTestId('sweep-summary')).toHaveText(/^complete, 12 runs .* on wasm/);
  expect(await again.getByTestId('sweep-definition').textContent()).toBe(
    await page.getByTestId('sweep-definition').textContent(),
  );
  await expect.poll(() => again.getByTestId('sweep-tau-svg').innerHTML()).toBe(drawing);
  expect(problems).toEqual([]);
});

test('a running sweep shows progress and partial points, and can be cancelled', async ({ page }) => {
  test.setTimeout(150_000);
  const problems = watchConsole(page);
  await page.goto(`/${LONG}`);
  await expect(status(page)).toHaveAttribute('data-phase', 'running', { timeout: 60_000 });
  await expect(page.getByTestId('sweep-progress')).toBeVisible();
  await expect(page.getByTestId('sweep-progress-text')).toContainText(/\/ 8 runs/);
  // The first group (L = 2) finishes first: its points are drawn while the others train.
  await expect(page.getByTestId('sweep-runs-done')).not.toHaveText('0', { timeout: 90_000 });
  await expect.poll(() => drawnCells(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  expect(await page.getByTestId('sweep-progress-text').textContent()).toMatch(/left|estimating/);
  // The page stays live while the worker trains: a click on a tab answers at once.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 20_000 });
  await expect(page.getByTestId('sweep-summary')).toContainText('cancelled');
  const kept = await drawnCells(page);
  expect(kept).toBeGreaterThanOrEqual(2);
  expect(kept).toBeLessThan(8);
  await expect(page.getByRole('button', { name: 'Save result' })).toBeEnabled();
  expect(problems).toEqual([]);
});

test('a saved result reopens to the same drawing without computing; a bad file is refused', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto(`/${SMALL}`);
  await expect(status(page)).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  const drawing = await page.getByTestId('sweep-tau-svg').innerHTML();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save result' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^isometry-lab-sweep-lr-.*\.json$/);
  const path = testInfo.outputPath('sweep.json');
  await download.saveAs(path);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as {
    format: string;
    points: unknown[];
    query: string;
  };
  expect(saved.format).toBe('isometry-lab-sweep');
  expect(saved.points).toHaveLength(12);
  expect(saved.query).toContain('over=lr=0.01,0.1,1');

  // A fresh page (nothing computed there) opens it: the same chart, drawn at once.
  const fresh = await page.context().newPage();
  await fresh.goto('/?view=sweep');
  await expect(fresh.getByTestId('sweep-panel')).toBeVisible();
  await fresh.getByTestId('sweep-open-input').setInputFiles(path);
  await expect(fresh.getByTestId('sweep-summary')).toContainText('Opened from a file', { timeout: 2000 });
  // (Polled: the chart's first frame has the fallback width until its container is measured.)
  await expect.poll(() => fresh.getByTestId('sweep-tau-svg').innerHTML(), { timeout: 2000 }).toBe(drawing);
  await expect(fresh.getByTestId('sweep-progress')).toHaveCount(0);

  // Not a sweep file: refused with the reason; the drawing stays.
  await fresh.getByTestId('sweep-open-input').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":"something else"}'),
  });
  await expect(fresh.getByTestId('sweep-file-error')).toContainText('“notes.json” cannot be opened');
  await expect(fresh.getByTestId('sweep-file-error')).toContainText('format');
  await expect.poll(() => fresh.getByTestId('sweep-tau-svg').innerHTML()).toBe(drawing);

  // The file's link reruns it: computed anew, the same drawing.
  expect(new URL(fresh.url()).search).toBe('?view=sweep');
  await fresh.getByRole('button', { name: 'Run it again here' }).click();
  await expect.poll(() => fresh.url()).toContain('over=lr=0.01,0.1,1');
  await expect(status(fresh)).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await expect(fresh.getByTestId('sweep-summary')).not.toContainText('Opened');
  await expect.poll(() => fresh.getByTestId('sweep-tau-svg').innerHTML()).toBe(drawing);
  expect(problems).toEqual([]);
});

test('the Experiments view lists every named experiment, with its last result', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto('/?view=experiments');
  const cards = page.locator('[data-testid^="experiment-"]:not([data-testid="experiment-result"])');
  await expect(cards).toHaveCount(EXPERIMENTS.length);
  for (const { title } of EXPERIMENTS) await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByTestId('run-deep-linear')).toHaveAttribute('href', /exp=deep-linear/);
  await expect(page.getByTestId('experiment-result')).toHaveCount(0);

  // A (small) run of a named experiment becomes its last result, redrawn in the list.
  await page.goto(`/?${BASE}&act=linear&sw2=1&sb2=0&seeds=1&steps=200&thr=0.5&over=L=2,4&exp=deep-linear`);
  await expect(status(page)).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await page.getByTestId('view-tab-experiments').click();
  const card = page.getByTestId('experiment-deep-linear');
  await expect(card.getByTestId('experiment-result')).toContainText('complete, 4 runs');
  await expect(card.getByTestId('sweep-tau-svg')).toBeVisible();
  // Back returns to the sweep as it was, without running it again.
  await page.goBack();
  await expect(status(page)).toHaveAttribute('data-phase', 'done');
  expect(problems).toEqual([]);
});

test('a sweep started from the lab pauses live training and says so', async ({ page }) => {
  test.setTimeout(150_000);
  const problems = watchConsole(page);
  await page.goto(`/?${BASE}&L=3&seeds=1&steps=100000&lr=0.01`);
  const progress = page.getByTestId('training-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await page.getByTestId('view-tab-experiments').click();
  await page.getByTestId('run-deep-linear').click();
  await expect(page.getByTestId('sweep-training-note')).toContainText('Live training is paused', {
    timeout: 30_000,
  });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 30_000 });
  // With the sweep over, the lab trains again.
  await page.getByTestId('view-tab-lab').click();
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  expect(problems).toEqual([]);
});

test('a sweep link that cannot run says why', async ({ page }) => {
  await page.goto(`/?${BASE}&L=3&over=lr=0.01..abc:3`);
  await expect(page.getByTestId('sweep-error')).toContainText('This sweep link cannot run');
  await expect(page.getByTestId('sweep-error')).toContainText('"abc" is not a number');
  await page.goto(`/?${BASE}&L=3&over=lr=0.01,0.1&exp=no-such-thing`);
  await expect(page.getByTestId('sweep-error')).toContainText('exp=no-such-thing is not a named experiment');
});

test('a sweep set up in the form runs over the Lab’s configuration, and a bad grid says why', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto(`/?${BASE}&L=3&seeds=1&steps=100&thr=0.5`);
  await page.getByTestId('view-tab-sweep').click();
  const form = page.getByTestId('sweep-form');
  await expect(form).toHaveAttribute('open', '');
  // The first axis is η, suggested around the Lab's value; the summary is the Lab's networks.
  await expect(form.getByTestId('sweep-form-summary')).toContainText('L = 3, N = 16');
  const values = form.getByRole('textbox', { name: /values of η/ });
  await values.fill('0..1:3:log');
  await expect(form.getByTestId('sweep-form-error')).toContainText('lr=0 is outside');
  await expect(form.getByRole('button', { name: /^Run/ })).toBeDisabled();
  await values.fill('0.01,0.1');
  await expect(form.getByRole('button', { name: 'Run 4 runs' })).toBeEnabled();
  await form.getByRole('button', { name: 'Run 4 runs' }).click();
  await expect(page).toHaveURL(/over=lr=0\.01,0\.1/);
  await expect(page).toHaveURL(/&L=3&/);
  await expect(status(page)).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  expect(await drawnCells(page)).toBe(4);
  expect(problems).toEqual([]);
});
