import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseQuery, toQuery } from '../src/config/index.ts';
import { watchConsole } from './watchConsole.ts';

/**
 * Result files made elsewhere, opened in the lab: a runs file in the Lab view's training panel, a
 * sweep file in the Sweep view, each labelled with where it ran; and the buttons that export the
 * PyTorch program of a link. runs-small.json and sweep-small.json are the lab's own CLIs' output
 * (npm run experiment, npm run sweep); pytorch-runs.json and pytorch-sweep.json the exported
 * program's.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const json = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

/** A small live configuration, different from the files', so that opening one visibly changes it. */
const LIVE = '/?data=teacher&L=3&N=16&seeds=1&steps=5000&lr=0.05';

const RUNS_FILES = ['runs-small.json', 'pytorch-runs.json'];
const SWEEP_FILES = ['sweep-small.json', 'pytorch-sweep.json'];

const progress = (page: Page) => page.getByTestId('training-progress');
const stepsDone = async (page: Page) => Number(await progress(page).locator('strong').textContent());

/** Accessibility violations of the page as it is, one line each. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('main').analyze();
  return results.violations.flatMap((rule) =>
    rule.nodes.map((node) => `${rule.id}: ${node.target.join(' ')}`),
  );
}

async function startLive(page: Page): Promise<void> {
  await page.goto(LIVE);
  await expect(progress(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect.poll(() => stepsDone(page), { timeout: 10_000 }).toBeGreaterThan(0);
}

for (const name of RUNS_FILES) {
  test(`a runs file (${name}) opens in the training panel, labelled, with live training stopped`, async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const problems = watchConsole(page);
    const file = json(name) as {
      backend: string;
      engine?: unknown;
      config: Record<string, unknown>;
      runs: { init: string; steps: number[] }[];
    };
    await startLive(page);
    await page.getByTestId('runs-open-input').setInputFiles(fixture(name));

    const banner = page.getByTestId('opened-runs-banner');
    await expect(banner).toBeVisible();
    await expect(page.getByTestId('opened-runs-file')).toHaveText(name);
    await expect(page.getByTestId('opened-runs-backend')).toContainText(
      file.engine === undefined ? `tfjs ${file.backend}` : file.backend,
    );
    await expect(banner).toContainText('Nothing recomputed');
    await expect(banner).toContainText('moving a slider or pressing Start returns to live training');
    await expect(page.getByTestId('loss-panel')).toHaveAttribute('data-source', 'file');

    // The file's configuration is on the controls and in the link.
    const link = new URL(page.url()).searchParams;
    for (const key of ['L', 'N', 'seeds', 'lr', 'data', 'steps'])
      expect(link.get(key), key).toBe(String(file.config[key]));

    // Drawn as live runs are: both inits, one point per training sample (none at step 0).
    const inits = [...new Set(file.runs.map((run) => run.init))];
    for (const init of inits) {
      const curve = page.getByTestId(`loss-curve-${init}`);
      await expect(curve).toBeVisible();
      expect(Number(await curve.getAttribute('data-points'))).toBe(file.runs[0]!.steps.length - 1);
    }
    await expect(page.getByTestId('tau-readout')).toContainText('τ_Gaussian');
    // Each metric of the `lm` option: held-out loss and accuracy have a point at step 0 too.
    for (const metric of ['test loss', 'test accuracy']) {
      await page.getByLabel('curve shows').selectOption({ label: metric });
      await expect(page.locator('.loss-chart')).toHaveAttribute(
        'data-last-step',
        String(file.runs[0]!.steps.at(-1)),
      );
      await expect(page.getByTestId(`loss-curve-${inits[0]}`)).toHaveAttribute(
        'data-points',
        String(file.runs[0]!.steps.length),
      );
    }
    // A view option keeps the file shown.
    await expect(banner).toBeVisible();
    expect(await violations(page)).toEqual([]);

    // Live training is stopped, and stays so.
    await expect(progress(page)).toContainText('showing a result file');
    await page.waitForTimeout(1000);
    await expect(banner).toBeVisible();

    // Back to live training: the file's configuration trains, running as before the file.
    await page.getByTestId('opened-runs-back').click();
    await expect(banner).toHaveCount(0);
    await expect(page.getByTestId('loss-panel')).toHaveAttribute('data-source', 'live');
    await expect(progress(page)).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('L')).toBe(String(file.config.L));
    expect(problems).toEqual([]);
  });
}

test('moving a slider leaves an opened file for live training; Back returns to the previous link', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  await startLive(page);
  await page.getByTestId('runs-open-input').setInputFiles(fixture(RUNS_FILES[0]!));
  await expect(page.getByTestId('opened-runs-banner')).toBeVisible();
  const slider = page.getByRole('slider', { name: 'σ_w²' });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('opened-runs-banner')).toHaveCount(0);
  await expect(progress(page)).toHaveAttribute('data-state', 'running', { timeout: 60_000 });

  // The file's configuration came in as a history entry: Back restores the live link.
  await page.getByTestId('runs-open-input').setInputFiles(fixture(RUNS_FILES[0]!));
  await expect(page.getByTestId('opened-runs-banner')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('opened-runs-banner')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a file that is not a runs file is refused in one line; a sweep file goes to the Sweep view', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto(LIVE);
  const runs = json(RUNS_FILES[0]!);
  await page.getByTestId('runs-open-input').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...runs, runs: [{ ...(runs.runs as object[])[0], lr: -1 }] })),
  });
  const error = page.getByTestId('opened-runs-error');
  await expect(error).toContainText('“broken.json” cannot be opened: runs[0].lr is not positive.');
  expect((await error.locator('span').innerText()).split('\n')).toHaveLength(1);
  await expect(page.getByTestId('opened-runs-banner')).toHaveCount(0);

  await page.getByTestId('runs-open-input').setInputFiles(fixture(SWEEP_FILES[0]!));
  await expect(page.getByTestId('sweep-panel')).toBeVisible();
  await expect(page.getByTestId('sweep-summary')).toContainText('Opened from a file');
  expect(problems).toEqual([]);
});

for (const name of SWEEP_FILES) {
  test(`a sweep file (${name}) opens in the Sweep view with where it ran`, async ({ page }) => {
    const problems = watchConsole(page);
    const file = json(name) as {
      backend: string;
      engine?: unknown;
      shard?: { index: number; count: number };
      mergedFrom?: unknown[];
    };
    await page.goto('/?view=sweep');
    await page.getByTestId('sweep-open-input').setInputFiles(fixture(name));
    await expect(page.getByTestId('sweep-summary')).toContainText('Opened from a file');
    await expect(page.getByTestId('sweep-tau-svg')).toBeVisible();
    if (file.engine !== undefined) await expect(page.getByTestId('sweep-ran-on')).toContainText(file.backend);
    else await expect(page.getByTestId('sweep-ran-on')).toHaveCount(0);
    if (file.mergedFrom)
      await expect(page.getByTestId('sweep-ran-on')).toContainText(
        `Merged from ${file.mergedFrom.length} parts (run.py --shard k/${file.mergedFrom.length}), their times added.`,
      );
    if (file.shard)
      await expect(page.getByTestId('sweep-shard-note')).toContainText(
        `Part ${file.shard.index} of ${file.shard.count}`,
      );
    expect(problems).toEqual([]);
  });
}

test('a sweep computed elsewhere says where it ran; a part of a sharded sweep says how to merge it', async ({
  page,
}) => {
  const problems = watchConsole(page);
  // The lab's own sweep file, as the PyTorch program labels its part 2 of 3 on a GPU.
  const part = {
    ...json(SWEEP_FILES[0]!),
    backend: 'pytorch 2.4 · cuda (NVIDIA H200)',
    engine: {
      name: 'pytorch',
      version: '2.4',
      device: 'cuda',
      deviceName: 'NVIDIA H200',
      precision: 'float32',
    },
    shard: { index: 2, count: 3, gridSize: 24, pointIndices: [] },
    complete: false,
  };
  await page.goto('/?view=sweep');
  await page.getByTestId('sweep-open-input').setInputFiles({
    name: 'part2.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(part)),
  });
  await expect(page.getByTestId('sweep-ran-on')).toContainText(
    'Ran on pytorch 2.4 · cuda (NVIDIA H200) (float32)',
  );
  const note = page.getByTestId('sweep-shard-note');
  await expect(note).toContainText('Part 2 of 3');
  await expect(page.getByTestId('sweep-summary')).toContainText('Opened from a file: part 2 of 3, ');
  await expect(note).toContainText('python3 run.py --merge part*.json --out result.json');
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

/** Clicks an export button and returns the downloaded file's name and text. */
async function exported(page: Page, button: ReturnType<Page['getByRole']>) {
  const downloading = page.waitForEvent('download');
  await button.click();
  const download = await downloading;
  const text = readFileSync((await download.path())!, 'utf8');
  return { name: download.suggestedFilename(), text };
}

test('the Lab, Sweep and Experiments views export the PyTorch program of their link', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  await page.goto(LIVE);
  await expect(progress(page)).toHaveAttribute('data-state', /running|building|ready/, { timeout: 30_000 });
  const lab = await exported(page, page.getByRole('button', { name: 'PyTorch (run.py)' }));
  expect(lab.name).toBe('run.py');
  expect(lab.text).toContain('CONFIG = {');
  // The program names the link it came from: the Lab view's configuration query.
  expect(lab.text).toContain(toQuery(parseQuery(new URL(page.url()).search).config));
  expect(lab.text).toContain('"L": 3,');

  // The Sweep view: the opened sweep's link.
  await page.goto('/?view=sweep');
  await page.getByTestId('sweep-open-input').setInputFiles(fixture(SWEEP_FILES[0]!));
  await expect(page.getByTestId('sweep-summary')).toContainText('Opened from a file');
  const sweepQuery = json(SWEEP_FILES[0]!).query as string;
  const sweep = await exported(page, page.getByRole('button', { name: 'Export as PyTorch program' }));
  expect(sweep.name).toBe('run.py');
  expect(sweep.text).toContain('CONFIG = {');
  expect(sweep.text).toContain(sweepQuery);

  // The Experiments view: each experiment's own link, in a file named after it.
  await page.goto('/?view=experiments');
  const card = page.getByTestId('experiment-tau-vs-lr-depth');
  const link = await card.getByTestId('run-tau-vs-lr-depth').getAttribute('href');
  const experiment = await exported(page, card.getByRole('button', { name: 'Export as PyTorch program' }));
  expect(experiment.name).toBe('tau-vs-lr-depth.py');
  expect(experiment.text).toContain('CONFIG = {');
  expect(experiment.text).toContain(link!);
  expect(problems).toEqual([]);
});
