import { expect, test } from '@playwright/test';

/** Sliders move by keyboard to the next value each parameter holds; the seed is typed or drawn anew. */
test('arrow keys and PageUp/PageDown move every kind of slider; the seed has an entry and a new-seed button', async ({
  page,
}) => {
  await page.goto('/?backend=wasm&L=50&N=128&sw2=1.05');
  const entry = (label: string) => page.getByRole('spinbutton', { name: `${label} value`, exact: true });

  // A whole-number log slider: one press is one layer, both ways (the browser's own step did nothing).
  const depth = page.getByRole('slider', { name: 'depth L' });
  await depth.focus();
  await depth.press('ArrowRight');
  await expect(entry('depth L')).toHaveValue('51');
  await depth.press('ArrowLeft');
  await depth.press('ArrowLeft');
  await expect(entry('depth L')).toHaveValue('49');
  await depth.press('PageUp');
  await expect.poll(async () => Number(await entry('depth L').inputValue())).toBeGreaterThan(80);
  await expect.poll(() => page.url()).toMatch(/[?&]L=(8\d|9\d|1\d\d)&/);

  const width = page.getByRole('slider', { name: 'width N' });
  await width.focus();
  await width.press('ArrowDown');
  await expect(entry('width N')).toHaveValue('127');

  // A real-valued slider: the next position that changes the value.
  const sw2 = page.getByRole('slider', { name: 'σ_w² weight variance' });
  await sw2.focus();
  await sw2.press('ArrowRight');
  await expect
    .poll(async () => Number(await entry('σ_w² weight variance').inputValue()))
    .toBeGreaterThan(1.05);

  // The seed: no slider, an entry and a button that draws another seed.
  await expect(page.getByRole('slider', { name: 'seed', exact: true })).toHaveCount(0);
  const seedBefore = await entry('seed').inputValue();
  await page.getByRole('button', { name: 'New seed' }).click();
  await expect(entry('seed')).not.toHaveValue(seedBefore);
  await expect.poll(() => page.url()).toContain(`seed=${await entry('seed').inputValue()}&`);
});
