import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';

/** Fails the test on any console error or uncaught exception, collected for the whole page life. */
function query(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

async function waitForDiagram(page: Page) {
  await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('critical-line')).toBeAttached();
}

async function markerCentre(page: Page) {
  const box = await page.getByTestId('phase-marker').boundingBox();
  if (!box) throw new Error('marker not drawn');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('loads without console errors and shows the diagram with the default point', async ({
  page,
}, testInfo) => {
  const problems = watchConsole(page);
  await page.goto('/');
  await waitForDiagram(page);
  await expect(page.getByRole('heading', { name: /Order–chaos phase diagram/ })).toBeVisible();
  await expect(page.getByTestId('phase')).toHaveText('critical');
  await expect(page.getByTestId('trainable-region')).toBeAttached();
  await expect.poll(() => query(page).get('v')).toBe('1');
  expect(query(page).get('sw2')).toBe('1.05');
  const path = testInfo.outputPath('lab-1280x720.png');
  await page.screenshot({ path, fullPage: false });
  await testInfo.attach('lab', { path, contentType: 'image/png' });
  expect(problems).toEqual([]);
});

test('moving the σ_w² slider changes the URL, the marker and the readout', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/');
  await waitForDiagram(page);
  const before = await markerCentre(page);
  const slider = page.getByRole('slider', { name: 'σ_w²' });
  await slider.focus();
  for (let i = 0; i < 100; i++) await page.keyboard.press('ArrowRight');
  const after = await markerCentre(page);
  // 100 of the slider's 1000 steps move σ_w² by a tenth of its range, so the marker by a tenth of the plot.
  const area = await page.getByTestId('phase-capture').boundingBox();
  expect(after.x - before.x).toBeCloseTo(area!.width / 10, -1);
  expect(Math.abs(after.y - before.y)).toBeLessThan(1);
  const shown = Number(await page.getByRole('spinbutton', { name: 'σ_w²' }).inputValue());
  expect(shown).toBeGreaterThan(1.05);
  await expect.poll(() => Number(query(page).get('sw2'))).toBe(shown);
  await expect(page.getByTestId('phase')).toHaveText('chaotic');
  expect(problems).toEqual([]);
});

test('opening a link shows its values and puts the marker there', async ({ page }) => {
  await page.goto('/?v=1&act=relu&sw2=2&sb2=0.1&L=20&pdy=linear');
  await waitForDiagram(page);
  await expect(page.getByRole('spinbutton', { name: 'σ_w²' })).toHaveValue('2');
  await expect(page.getByRole('spinbutton', { name: 'σ_b²' })).toHaveValue('0.1');
  await expect(page.getByRole('spinbutton', { name: 'depth L' })).toHaveValue('20');
  await expect(page.getByRole('combobox', { name: 'activation φ' })).toHaveValue('relu');
  await expect(page.getByRole('heading', { name: /ReLU/ })).toBeVisible();
  await expect(page.getByTestId('url-notice')).toHaveCount(0);

  // The marker sits where the axes say (σ_w² = 2 is halfway along [0.05, 4] minus a little; σ_b² = 0.1 of 0.5).
  const area = await page.getByTestId('phase-capture').boundingBox();
  const marker = await markerCentre(page);
  if (!area) throw new Error('no plot area');
  expect((marker.x - area.x) / area.width).toBeCloseTo((2 - 0.05) / (4 - 0.05), 2);
  expect((area.y + area.height - marker.y) / area.height).toBeCloseTo(0.1 / 0.5, 2);
  await expect(page.getByTestId('readout-chi1')).toHaveText('1');
});

test('a malformed link shows the notice and a valid state', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/?v=1&sw2=abc&sb2=-1&L=1e308&N=NaN&act=sigmoid&bogus=1');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toBeVisible();
  for (const key of ['sw2=abc', 'sb2=-1', 'L=1e308', 'N=NaN', 'act=sigmoid', 'bogus=1']) {
    await expect(notice).toContainText(key);
  }
  await waitForDiagram(page);
  await expect(page.getByRole('spinbutton', { name: 'σ_w²' })).toHaveValue('1.05');
  await expect(page.getByRole('spinbutton', { name: 'σ_b²' })).toHaveValue('0');
  await expect(page.getByRole('spinbutton', { name: 'depth L' })).toHaveValue('1000');
  await expect.poll(() => query(page).get('L')).toBe('1000');
  expect(query(page).has('bogus')).toBe(false);
  await page.getByRole('button', { name: 'Dismiss notice' }).click();
  await expect(notice).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('clicking the diagram sets σ_w² and σ_b²', async ({ page }) => {
  await page.goto('/?v=1&pdy=linear');
  await waitForDiagram(page);
  const area = await page.getByTestId('phase-capture').boundingBox();
  if (!area) throw new Error('no plot area');
  await page.mouse.click(area.x + area.width * 0.75, area.y + area.height * 0.5);
  const expectedSw2 = 0.05 + 0.75 * (4 - 0.05);
  await expect
    .poll(async () => Number(await page.getByRole('spinbutton', { name: 'σ_w²' }).inputValue()))
    .toBeCloseTo(expectedSw2, 1);
  expect(Number(await page.getByRole('spinbutton', { name: 'σ_b²' }).inputValue())).toBeCloseTo(0.25, 2);
  const slider = page.getByRole('slider', { name: 'σ_w²' });
  expect(Number(await slider.inputValue())).toBeCloseTo(750, -1);
  await expect.poll(() => Number(query(page).get('sb2'))).toBeCloseTo(0.25, 2);
  await expect(page.getByTestId('hover-readout')).toContainText('χ₁');

  // With the diagram focused, arrow keys move the point: right by 0.01 in σ_w², Shift for 0.1.
  const clicked = Number(await page.getByRole('spinbutton', { name: 'σ_w²' }).inputValue());
  await page.getByRole('group', { name: /Phase diagram/ }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(page.getByRole('spinbutton', { name: 'σ_w²' })).toHaveValue(
    String(Number((clicked - 0.09).toFixed(5))),
  );
});

test('a number typed in an entry is checked: bad text is refused, out of range is clamped', async ({
  page,
}) => {
  await page.goto('/');
  await waitForDiagram(page);
  const entry = page.getByRole('spinbutton', { name: 'σ_w²' });
  await entry.fill('banana');
  await entry.press('Enter');
  await expect(page.getByText('“banana” is not a number; kept 1.05.')).toBeVisible();
  await expect(entry).toHaveValue('1.05');
  await entry.fill('9');
  await entry.press('Enter');
  await expect(entry).toHaveValue('4');
  await expect(page.getByText(/clamped to the maximum 4/)).toBeVisible();
  await expect.poll(() => query(page).get('sw2')).toBe('4');
});

test('a preset makes a history entry that Back undoes', async ({ page }) => {
  await page.goto('/?v=1&act=tanh&sw2=1.5&sb2=0.05');
  await waitForDiagram(page);
  await page.getByRole('combobox', { name: 'Preset' }).selectOption('relu-no-isometry');
  await expect(page.getByRole('spinbutton', { name: 'σ_w²' })).toHaveValue('2');
  await expect(page.getByRole('combobox', { name: 'activation φ' })).toHaveValue('relu');
  await page.goBack();
  await expect(page.getByRole('spinbutton', { name: 'σ_w²' })).toHaveValue('1.5');
  await expect(page.getByRole('combobox', { name: 'activation φ' })).toHaveValue('tanh');
  await page.goForward();
  await expect(page.getByRole('combobox', { name: 'activation φ' })).toHaveValue('relu');
});

test('changing the activation recomputes the diagram while the page stays responsive', async ({ page }) => {
  await page.goto('/');
  await waitForDiagram(page);
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  const before = await page.getByTestId('critical-line').getAttribute('d');
  for (const act of ['erf', 'hardtanh', 'relu', 'tanh']) {
    await page.getByRole('combobox', { name: 'activation φ' }).selectOption(act);
    await waitForDiagram(page);
    await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-act', act);
  }
  await page.getByRole('combobox', { name: 'activation φ' }).selectOption('linear');
  await waitForDiagram(page);
  expect(await page.getByTestId('critical-line').getAttribute('d')).not.toBe(before);
  const longest = await page.evaluate(() =>
    Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks),
  );
  // Grid evaluation runs in a worker; the main thread only paints. 200 ms is far above a paint.
  expect(longest).toBeLessThan(200);
});
