import { expect, test, type Page } from '@playwright/test';
import { PRESETS, presetQuery } from '../src/config/index.ts';
import { watchConsole } from './watchConsole.ts';

/** The link's keys as a map, so that two links compare whatever their order. */
function keysOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

async function expectPresetState(page: Page, index: number) {
  const preset = PRESETS[index];
  if (!preset) throw new Error(`no preset ${index}`);
  await expect.poll(() => keysOf(page.url())).toEqual(keysOf(`http://x/${presetQuery(preset, false)}`));
  await expect(page.getByTestId('preset-select')).toHaveValue(preset.id);
  await expect(page.getByTestId('preset-restore')).toHaveCount(0);
}

test('every preset loads to its exact state whatever was set before, and says when it is modified', async ({
  page,
}) => {
  const problems = watchConsole(page);
  // View options and parameters no preset uses, set before: a preset must override all of them.
  await page.goto(
    '/?backend=cpu&pd=qStar&pdy=linear&ly=linear&lm=acc&sv=abs&sx=linear&jp=data&thr=0.9&seeds=2&seed=9',
  );
  const select = page.getByTestId('preset-select');
  for (const [index, preset] of PRESETS.entries()) {
    await select.selectOption(preset.id);
    await expectPresetState(page, index);
    await expect(page.getByTestId('preset-story')).toContainText(
      preset.caption.slice(0, 12).replace(/\$.*$/, ''),
    );
  }

  // Moving one control: "modified", and the menu says so; restore brings the preset back.
  const last = PRESETS.length - 1;
  const entry = page.getByRole('spinbutton', { name: 'σ_w² weight variance value', exact: true });
  await entry.fill('1.3');
  await entry.press('Enter');
  await expect(page.getByTestId('preset-restore')).toBeVisible();
  await expect(select.locator('option:checked')).toContainText('(modified)');
  await page.getByTestId('preset-restore').click();
  await expectPresetState(page, last);

  // Back goes to the state before the preset, and its caption goes with it (it used to stay).
  await select.selectOption(PRESETS[0]?.id ?? '');
  await expectPresetState(page, 0);
  await page.goBack();
  await expectPresetState(page, last);
  await expect(page.getByTestId('preset-story')).toContainText((PRESETS[last]?.caption ?? '').slice(0, 10));
  expect(problems).toEqual([]);
});

test('the gallery lists every preset with its caption and source, and opens one in the lab', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto('/?view=gallery');
  await expect(page.getByTestId('gallery-view')).toBeVisible();
  for (const preset of PRESETS) {
    const card = page.getByTestId(`preset-${preset.id}`);
    await expect(card).toContainText(preset.title);
    await expect(card).toContainText(preset.figure);
  }
  // Formulas are typeset (KaTeX), not shown as TeX source.
  await expect(page.locator('.gallery-caption .katex').first()).toBeVisible();
  const untypeset = await page.locator('.gallery-caption').evaluateAll((captions) =>
    captions
      .map((caption) => {
        const plain = caption.cloneNode(true) as HTMLElement;
        for (const formula of plain.querySelectorAll('.katex')) formula.remove();
        return plain.textContent ?? '';
      })
      .filter((text) => /[$\\]/.test(text)),
  );
  expect(untypeset).toEqual([]);

  const preset = PRESETS[2];
  if (!preset) throw new Error('fewer than 3 presets');
  await page.getByTestId(`open-${preset.id}`).click();
  await expect(page.getByTestId('loss-panel')).toBeVisible();
  await expectPresetState(page, 2);
  expect(problems).toEqual([]);
});
