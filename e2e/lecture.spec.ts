import { expect, test, type Locator, type Page } from '@playwright/test';
import { LAB_PANELS } from '../src/config/panels.ts';
import { LECTURE_CONTROLS } from '../src/config/presentation.ts';
import { PRESETS } from '../src/config/presets.ts';
import { PARAMS } from '../src/config/schema.ts';

/** Small enough to train within seconds on WASM: the shortcuts are tested, not the networks. */
const SMALL =
  'v=1&act=tanh&sw2=1.05&sb2=2.01e-5&L=3&N=16&data=teacher&seeds=1&bs=32&steps=5000&lr=0.05&backend=wasm';

function query(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

async function fontSize(locator: Locator): Promise<number> {
  return locator.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
}

const progress = (page: Page) => page.getByTestId('training-progress');
const stepsDone = async (page: Page) => Number(await progress(page).locator('strong').textContent());
const slot = (page: Page, id: string) => page.locator(`[data-panel="${id}"]`);

function presetNamed(id: string): (typeof PRESETS)[number] {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`the walk-through's preset "${id}" is gone from PRESETS`);
  return preset;
}

/** Takes the focus off whatever has it, as a click on the page's background would. */
async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** The panels shown in the grid (a slot hidden by lecture mode has no box). */
async function visiblePanels(page: Page): Promise<string[]> {
  const shown: string[] = [];
  for (const { id } of LAB_PANELS) if (await slot(page, id).isVisible()) shown.push(id);
  return shown;
}

test('a lecture=1 link opens in lecture mode: large type, the lecture’s controls, a caption', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`/?${SMALL}&lecture=1`);
  await expect(page.locator('.app')).toHaveClass(/\blecture\b/);
  await expect(page.getByRole('button', { name: 'Lecture' })).toHaveAttribute('aria-pressed', 'true');
  // No preset yet: the caption bar says how to choose one.
  await expect(page.getByTestId('caption-bar')).toContainText('→');

  // Only the lecture's controls, in the control panel; the rest (batch size, seed, backend) hidden.
  const controls = page.getByTestId('controls');
  const controlNames = () => controls.locator('.control-head > :first-child').allTextContents();
  await expect
    .poll(async () => (await controlNames()).sort())
    .toEqual(LECTURE_CONTROLS.map((key) => PARAMS[key].label).sort());
  // Help lines are hidden; the panels' view options too.
  await expect(page.locator('.controls .control-help').first()).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'diagram shows' })).toBeHidden();

  // "Show all controls" shows them and writes every key into the link; pressed again, back.
  const showAll = page.getByRole('button', { name: 'Show all controls' });
  await showAll.click();
  await expect(showAll).toHaveAttribute('aria-pressed', 'true');
  await expect(controls.getByRole('slider', { name: 'B batch size' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'diagram shows' })).toBeVisible();
  await expect.poll(() => query(page).get('show')?.split(',')).toContain('bs');
  await showAll.click();
  await expect(controls.getByRole('slider', { name: 'B batch size' })).toHaveCount(0);
  await expect.poll(() => query(page).has('show')).toBe(false);

  // A link's own list decides which controls lecture mode shows.
  await page.goto(`/?${SMALL}&lecture=1&show=L,bs`);
  await expect(controls.getByRole('slider', { name: 'depth L' })).toBeVisible();
  await expect(controls.getByRole('slider', { name: 'B batch size' })).toBeVisible();
  await expect.poll(controlNames).toEqual([PARAMS.L.label, PARAMS.bs.label]);

  // Type read from the back of the room: axis ticks ≥ 16 px, readouts ≥ 20 px.
  await expect(progress(page)).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  const tick = slot(page, 'phase').locator('.tick text').first();
  await expect(tick).toBeVisible();
  expect(await fontSize(tick)).toBeGreaterThanOrEqual(16);
  const lossTick = slot(page, 'training').locator('.tick text').first();
  expect(await fontSize(lossTick)).toBeGreaterThanOrEqual(16);
  expect(await fontSize(progress(page))).toBeGreaterThanOrEqual(20);
  expect(await fontSize(page.getByTestId('readout-chi1'))).toBeGreaterThanOrEqual(20);
  await expect(page.getByTestId('tau-readout')).toBeVisible({ timeout: 30_000 });
  expect(await fontSize(page.getByTestId('tau-readout'))).toBeGreaterThanOrEqual(20);

  // The same text outside lecture mode is the usual size (the L key leaves lecture mode).
  await page.keyboard.press('l');
  await expect(page.locator('.app')).not.toHaveClass(/\blecture\b/);
  await expect.poll(() => query(page).has('lecture')).toBe(false);
  expect(await fontSize(tick)).toBeLessThan(16);
});

test('each shortcut works, and none fires while typing', async ({ page }) => {
  test.setTimeout(150_000);
  await page.addInitScript(() => {
    // Headless Chromium may refuse full screen: count the requests the F key makes.
    const calls = { request: 0, exit: 0 };
    (window as unknown as { fullscreenCalls: typeof calls }).fullscreenCalls = calls;
    const request = Element.prototype.requestFullscreen;
    Element.prototype.requestFullscreen = function (this: Element, options?: FullscreenOptions) {
      calls.request++;
      return request.call(this, options);
    };
    const exit = Document.prototype.exitFullscreen;
    Document.prototype.exitFullscreen = function (this: Document) {
      calls.exit++;
      return exit.call(this);
    };
  });
  await page.goto(`/?${SMALL}&lecture=1`);
  await expect(progress(page)).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  const scrollBefore = await page.evaluate(() => window.scrollY);

  // Space pauses and starts, without scrolling the page.
  await page.keyboard.press(' ');
  await expect(progress(page)).toHaveAttribute('data-state', 'paused');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  await page.keyboard.press(' ');
  await expect(progress(page)).toHaveAttribute('data-state', 'running');
  await page.keyboard.press(' ');
  await expect(progress(page)).toHaveAttribute('data-state', 'paused');

  // S: one step.
  const paused = await stepsDone(page);
  await page.keyboard.press('s');
  await expect.poll(() => stepsDone(page)).toBe(paused + 1);

  // R: new runs from the same seed (a new generation, the counter back to 0).
  const generation = await progress(page).getAttribute('data-generation');
  await page.keyboard.press('r');
  await expect(progress(page)).not.toHaveAttribute('data-generation', generation ?? '');
  await expect.poll(() => stepsDone(page)).toBe(0);

  // 1: the phase diagram alone; Shift+2 adds the training panel beside it; Escape restores.
  await page.keyboard.press('1');
  await expect.poll(() => visiblePanels(page)).toEqual(['phase']);
  await expect.poll(() => query(page).get('focus')).toBe('phase');
  await page.keyboard.press('Shift+Digit2');
  await expect.poll(() => visiblePanels(page)).toEqual(['phase', 'training']);
  await expect.poll(() => query(page).get('focus')).toBe('phase,training');
  const phaseBox = await slot(page, 'phase').boundingBox();
  const trainingBox = await slot(page, 'training').boundingBox();
  expect(trainingBox!.x).toBeGreaterThan(phaseBox!.x + phaseBox!.width - 1);
  expect(Math.abs(trainingBox!.y - phaseBox!.y)).toBeLessThan(2);
  await page.keyboard.press('Escape');
  await expect.poll(() => visiblePanels(page)).toEqual(LAB_PANELS.map((panel) => panel.id));
  await expect.poll(() => query(page).has('focus')).toBe(false);
  // The same digit twice: enlarged, then restored; 0 restores too.
  await page.keyboard.press('3');
  await expect.poll(() => visiblePanels(page)).toEqual(['spectrum']);
  await page.keyboard.press('3');
  await expect.poll(() => visiblePanels(page)).toHaveLength(LAB_PANELS.length);
  await page.keyboard.press('7');
  await expect.poll(() => visiblePanels(page)).toEqual(['readout']);
  await page.keyboard.press('0');
  await expect.poll(() => visiblePanels(page)).toHaveLength(LAB_PANELS.length);

  // F: full screen requested (and left again with a second F where headless granted it).
  await page.keyboard.press('f');
  await expect
    .poll(() =>
      page.evaluate(
        () => (window as unknown as { fullscreenCalls: { request: number } }).fullscreenCalls.request,
      ),
    )
    .toBe(1);
  if (await page.evaluate(() => document.fullscreenElement !== null)) {
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
  }

  // ?: the help, a modal dialog listing the keys, focus inside; Escape closes it and gives focus back.
  const lectureButton = page.getByRole('button', { name: 'Lecture' });
  await lectureButton.focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Start or pause training');
  expect(await help.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await help.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  // Keys other than Escape and ? do nothing while it is open.
  await page.keyboard.press('1');
  await expect.poll(() => query(page).has('focus')).toBe(false);
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(lectureButton).toBeFocused();
  await page.keyboard.press('?');
  await expect(help).toBeVisible();
  await page.keyboard.press('?');
  await expect(help).toBeHidden();

  // L: lecture mode off and on again, by key and by button.
  await page.keyboard.press('l');
  await expect(lectureButton).toHaveAttribute('aria-pressed', 'false');
  await lectureButton.click();
  await expect(lectureButton).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => query(page).get('lecture')).toBe('1');
  await blur(page);

  // While typing in a field or moving a slider, keys are the field's.
  await page.keyboard.press(' ');
  await expect(progress(page)).toHaveAttribute('data-state', 'running');
  const depth = page.getByRole('spinbutton', { name: 'depth L value' });
  await depth.focus();
  await page.keyboard.press('1');
  await page.keyboard.press(' ');
  await page.keyboard.press('s');
  await expect(progress(page)).toHaveAttribute('data-state', 'running');
  expect(query(page).has('focus')).toBe(false);
  await page.keyboard.press('Escape');
  await page.getByRole('slider', { name: 'σ_w² weight variance' }).focus();
  await page.keyboard.press('2');
  await page.keyboard.press('ArrowLeft');
  expect(query(page).has('focus')).toBe(false);
  expect(query(page).has('preset')).toBe(false);
  // Ctrl/Alt combinations are the browser's.
  await blur(page);
  await page.keyboard.press('Alt+1');
  await page.keyboard.press('Control+s');
  expect(query(page).has('focus')).toBe(false);
});

test('← / → step through the presets, ↓ / ↑ through a caption, and the lecture walk-through', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.goto('/?backend=wasm&lecture=1');
  const caption = page.getByTestId('caption-bar');
  await expect(caption).toBeVisible();

  // → from no preset: the first; ← wraps round to the last; → back to the first.
  await page.keyboard.press('ArrowRight');
  const first = PRESETS[0]!;
  await expect.poll(() => query(page).get('preset')).toBe(first.id);
  await expect(caption).toHaveAttribute('data-preset', first.id);
  await expect(caption).toContainText(first.title);
  await expect(caption.getByTestId('preset-modified')).toHaveCount(0);
  // Lecture mode enlarges the preset's panels.
  await expect
    .poll(() => visiblePanels(page))
    .toEqual(LAB_PANELS.map((panel) => panel.id).filter((id) => first.focus.includes(id)));
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => query(page).get('preset')).toBe(PRESETS.at(-1)!.id);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => query(page).get('preset')).toBe(first.id);

  // ↓ / ↑: the caption, then each step, formulas typeset by KaTeX.
  await expect(caption).toHaveAttribute('data-step', '0');
  await expect(caption.locator('.katex').first()).toBeVisible();
  for (let step = 1; step <= first.steps.length; step++) {
    await page.keyboard.press('ArrowDown');
    await expect(caption).toHaveAttribute('data-step', String(step));
  }
  await page.keyboard.press('ArrowDown');
  await expect(caption).toHaveAttribute('data-step', String(first.steps.length));
  await page.keyboard.press('ArrowUp');
  await expect(caption).toHaveAttribute('data-step', String(first.steps.length - 1));

  // Changing a parameter shows that the configuration has left the preset.
  const depth = page.getByRole('slider', { name: 'depth L' });
  await depth.focus();
  await depth.press('ArrowRight');
  await expect(caption.getByTestId('preset-modified')).toBeVisible();
  await blur(page);

  // The walk-through for the README: three presets, each given its time to make its point.
  const walk = [first, presetNamed('orthogonal-depth'), presetNamed('relu-no-isometry')];
  let index = 0;
  for (const [n, preset] of walk.entries()) {
    const target = PRESETS.indexOf(preset);
    // From the modified first preset, → applies the next one; step on to the target.
    if (n === 0) {
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowRight');
      index = 0;
    }
    while (index !== target) {
      await page.keyboard.press('ArrowRight');
      index = (index + 1) % PRESETS.length;
    }
    await expect.poll(() => query(page).get('preset')).toBe(preset.id);
    // Paused for the previous screenshot, the new runs wait for Space.
    await expect(progress(page)).toHaveAttribute('data-state', /ready|running/, { timeout: 60_000 });
    if ((await progress(page).getAttribute('data-state')) === 'ready') await page.keyboard.press(' ');
    await expect(progress(page)).toHaveAttribute('data-state', 'running');
    // Enough steps for the point to show: τ of the orthogonal twin in the first preset (about 70
    // steps), the Gaussian twin still at chance in the second. Each preset gets there within 30 s
    // on two free cores; a loaded machine may take longer.
    await expect
      .poll(() => stepsDone(page), { timeout: 150_000, intervals: [1000] })
      .toBeGreaterThanOrEqual(150);
    await page.keyboard.press(' ');
    await expect(progress(page)).toHaveAttribute('data-state', 'paused');
    await page.keyboard.press('ArrowDown');
    await page.screenshot({ path: `docs/lecture-${n + 1}.png` });
  }
});
