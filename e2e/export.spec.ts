import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_CONFIG } from '../src/config/index.ts';
import { csvNumber, parseCsv } from '../src/export/csv.ts';
import { sweepDefinition, sweepQuery } from '../src/sweep/definition.ts';
import { sweepResultText } from '../src/sweep/resultFile.ts';
import type { SweepResultFile } from '../src/sweep/types.ts';
import { watchConsole } from './watchConsole.ts';

/** Where a run also keeps the files it downloaded, to look at (EXPORT_DIR=… npx playwright test). */
const KEEP = process.env.EXPORT_DIR;

/** Exports `panel` in `format` through its menu, as a user does; the file as downloaded. */
async function exportAs(page: Page, panel: string, format: 'svg' | 'png' | 'csv' | 'json') {
  await page.getByTestId(`export-${panel}`).click();
  const item = page.getByRole('menu').locator(`[role="menuitem"][data-format="${format}"]`);
  await expect(item).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent('download'), item.click()]);
  const name = download.suggestedFilename();
  if (KEEP) await download.saveAs(`${KEEP}/${name}`);
  const bytes = await readFile((await download.path())!);
  return { name, bytes, text: bytes.toString('utf8') };
}

/** What a browser reads in an SVG file: whether it parsed, and its text without whitespace. */
async function readSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      namespace: doc.documentElement.namespaceURI,
      text: (doc.documentElement.textContent ?? '').replace(/\s+/g, ''),
      charts: doc.querySelectorAll('svg svg').length,
    };
  }, svg);
}

/** What the figure must hold: the panel's title, its axis titles and its legend's entries. */
async function shownTexts(page: Page, panel: string) {
  const section = page.locator(`[data-panel="${panel}"] section.panel`);
  return section.evaluate((element) => ({
    title: element.querySelector('h2')?.textContent ?? '',
    axes: Array.from(element.querySelectorAll('.axis-title'), (e) => e.textContent ?? ''),
    legend: Array.from(element.querySelectorAll('.legend li'), (e) => e.textContent ?? ''),
    width: element.getBoundingClientRect().width,
  }));
}

const squeeze = (s: string) => s.replace(/\s+/g, '');

async function expectFigure(page: Page, panel: string) {
  const shown = await shownTexts(page, panel);
  if (KEEP) await page.locator(`[data-panel="${panel}"]`).screenshot({ path: `${KEEP}/screen-${panel}.png` });
  const svg = await exportAs(page, panel, 'svg');
  expect(svg.name).toMatch(new RegExp(`^isometry-lab-${panel}-tanh-L\\d+\\.svg$`));
  const parsed = await readSvg(page, svg.text);
  expect(parsed.error).toBeNull();
  expect([parsed.root, parsed.namespace]).toEqual(['svg', 'http://www.w3.org/2000/svg']);
  expect(parsed.charts).toBeGreaterThan(0);
  expect(parsed.text).toContain(squeeze(shown.title));
  expect(shown.axes.length).toBeGreaterThan(0);
  for (const axis of shown.axes) expect(parsed.text).toContain(squeeze(axis));
  expect(shown.legend.length).toBeGreaterThan(0);
  for (const entry of shown.legend) expect(parsed.text).toContain(squeeze(entry));
  // The small print holds the link, query and all (wrapped over lines).
  const href = await page.evaluate(() => window.location.href);
  expect(parsed.text).toContain(squeeze(href));

  const png = await exportAs(page, panel, 'png');
  expect(png.name).toBe(svg.name.replace(/\.svg$/, '.png'));
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.bytes.readUInt32BE(16);
  expect(Math.abs(width - 2 * shown.width)).toBeLessThanOrEqual(1);
}

test('the training and spectrum panels export as figures and data, and the link as a QR code', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // Page errors and console errors: building a figure must not trip the page's CSP either.
  const problems = watchConsole(page);
  await page.goto('/');
  await expect(page.getByTestId('loss-curve-gaussian')).toHaveAttribute('d', /^M/, { timeout: 150_000 });
  await expect(page.getByTestId('spectrum-histogram-gaussian')).toHaveAttribute('d', /^M/, {
    timeout: 60_000,
  });
  const progress = page.getByTestId('training-progress');
  await expect
    .poll(async () => Number(await progress.locator('strong').textContent()), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(5);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toHaveAttribute('data-state', 'paused');
  const stepsDone = Number(await progress.locator('strong').textContent());

  // The menu: a small button, opened and closed by keyboard.
  const button = page.getByTestId('export-training');
  expect((await button.boundingBox())!.height).toBeLessThanOrEqual(28);
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  await expect(page.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem').nth(1)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(button).toBeFocused();

  await expectFigure(page, 'training');
  await expectFigure(page, 'spectrum');

  // Training data: one CSV row per step shown, and the same numbers in JSON.
  const csv = parseCsv((await exportAs(page, 'training', 'csv')).text);
  const json = JSON.parse((await exportAs(page, 'training', 'json')).text);
  const steps = new Set<number>();
  for (const run of json.runs) {
    expect(run.train.steps).toEqual(Array.from({ length: stepsDone }, (_, i) => i + 1));
    for (const s of [...run.train.steps, ...run.test.steps]) steps.add(s);
  }
  expect(csv.length - 1).toBe(steps.size);
  expect(Number(csv[csv.length - 1]![0])).toBe(stepsDone);
  expect(Number(await page.locator('.loss-chart').getAttribute('data-last-step'))).toBe(stepsDone);
  const header = csv[0]!;
  expect(header[0]).toBe('step');
  for (const run of json.runs) {
    const column = header.indexOf(`${run.init}_seed${run.seed}_train_loss`);
    expect(column).toBeGreaterThan(0);
    const fromCsv = new Map(csv.slice(1).map((row) => [Number(row[0]), csvNumber(row[column]!)]));
    run.train.steps.forEach((s: number, i: number) => expect(fromCsv.get(s)).toBe(run.train.loss[i]));
  }

  // Spectrum data: every singular value of each network of the shown snapshot, and the theory.
  const shownStep = Number(await page.getByTestId('spectrum-step').textContent());
  const spectrumCsv = parseCsv((await exportAs(page, 'spectrum', 'csv')).text);
  const spectrumJson = JSON.parse((await exportAs(page, 'spectrum', 'json')).text);
  expect(spectrumJson.step).toBe(shownStep);
  const measured = spectrumCsv.filter((row) => row[0] === 'measured');
  const values = spectrumJson.networks.flatMap((n: { singularValues: number[] }) => n.singularValues);
  expect(measured.map((row) => Number(row[5]))).toEqual(values);
  expect(measured.every((row) => Number(row[3]) === shownStep)).toBe(true);
  expect(spectrumCsv.filter((row) => row[0] === 'theory').length).toBeGreaterThan(10);
  expect(Object.keys(spectrumJson.theory).sort()).toEqual(['gaussian', 'orthogonal']);

  // Figures of a panel without data export too (kept for a look with EXPORT_DIR).
  if (KEEP) {
    for (const panel of ['ntk', 'phase', 'signal', 'weights', 'readout'])
      for (const format of ['svg', 'png'] as const) await exportAs(page, panel, format);
  }

  // The QR code of the link: a square of 17 + 4·version modules, large enough for a room.
  await page.getByTestId('qr-open').click();
  const dialog = page.getByTestId('qr-dialog');
  await expect(dialog).toBeVisible();
  const code = dialog.locator('svg.qr-code');
  const modules = Number(await code.getAttribute('data-modules'));
  const version = Number(await code.getAttribute('data-version'));
  expect(modules).toBe(17 + 4 * version);
  expect(version).toBeGreaterThanOrEqual(5);
  expect((await code.boundingBox())!.width).toBeGreaterThanOrEqual(320);
  await expect(dialog.getByTestId('qr-link')).toHaveText(await page.evaluate(() => window.location.href));
  if (KEEP) await dialog.screenshot({ path: `${KEEP}/qr-dialog.png` });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(problems).toEqual([]);
});

/** A τ sweep over the learning rate as the runner saves it: 3 rates × 2 inits, one curve each. */
function sweepFile(): SweepResultFile {
  const definition = sweepDefinition({ ...DEFAULT_CONFIG, data: 'teacher' }, ['lr=0.01,0.03,0.1'], 'tau');
  const points = [0.01, 0.03, 0.1].flatMap((lr, i) =>
    (['gaussian', 'orthogonal'] as const).map((init, j) => ({
      lr,
      init,
      seed: 1,
      tau: init === 'orthogonal' ? 40 + 10 * i : 120 + 30 * i,
      diverged: false,
      divergedAtStep: null,
      finalLoss: 0.25 / (1 + i + j),
      stepsTrained: 400,
    })),
  );
  return {
    format: 'isometry-lab-sweep',
    version: 1,
    labVersion: '0.1.0',
    createdAt: '2026-01-02T03:04:05.000Z',
    backend: 'wasm',
    experiment: null,
    query: sweepQuery(definition),
    config: definition.base,
    over: ['lr=0.01,0.03,0.1'],
    measure: 'tau',
    threshold: { metric: 'train', value: 0.5, rule: 'running mean of the training loss' },
    steps: 400,
    points,
    curves: points.map((_, point) => ({ point, steps: [100, 200, 300, 400], trainLoss: [2, 1, 0.6, 0.4] })),
    complete: true,
    seconds: 12.5,
  };
}

test('the sweep view exports its points as CSV, its result file as JSON, and its chart', async ({ page }) => {
  // Page errors and console errors: building a figure must not trip the page's CSP either.
  const problems = watchConsole(page);
  const file = sweepFile();
  await page.goto('/?view=sweep');
  await page.getByTestId('sweep-open-input').setInputFiles({
    name: 'sweep.json',
    mimeType: 'application/json',
    buffer: Buffer.from(sweepResultText(file)),
  });
  await expect(page.getByTestId('sweep-summary')).toContainText('Opened from a file');

  const csv = parseCsv((await exportAs(page, 'sweep', 'csv')).text);
  expect(csv[0]!.slice(0, 3)).toEqual(['lr', 'init', 'seed']);
  expect(csv).toHaveLength(1 + file.points.length);
  const tau = csv[0]!.indexOf('tau');
  expect(csv.slice(1).map((row) => Number(row[tau]))).toEqual(file.points.map((p) => p.tau));

  const json = await exportAs(page, 'sweep', 'json');
  expect(JSON.parse(json.text)).toEqual(file);

  const svg = await exportAs(page, 'sweep', 'svg');
  const parsed = await readSvg(page, svg.text);
  expect(parsed.error).toBeNull();
  expect(parsed.charts).toBeGreaterThan(0);
  expect(parsed.text).toContain('lr=0.01,0.03,0.1');
  if (KEEP) await page.getByTestId('sweep-panel').screenshot({ path: `${KEEP}/screen-sweep.png` });
  expect(problems).toEqual([]);
});
