import { expect, test, type Locator, type Page } from '@playwright/test';

function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return problems;
}

const points = async (locator: Locator) => Number((await locator.getAttribute('data-points')) ?? 0);

/** The heatmaps of both inits and of theory, and a scatter with every distinct entry of each kernel. */
async function expectKernelsDrawn(page: Page) {
  const panel = page.getByTestId('ntk-panel');
  for (const map of ['gaussian', 'orthogonal', 'analytic'])
    await expect(panel.getByTestId(`ntk-heatmap-${map}`).locator('canvas')).toBeVisible({ timeout: 90_000 });
  await expect(panel.getByTestId('ntk-colour-bar')).toBeVisible();
  for (const init of ['gaussian', 'orthogonal']) {
    // 32 probe inputs: 32·33/2 distinct entries.
    await expect(panel.getByTestId(`ntk-scatter-${init}`)).toHaveAttribute('data-points', '528');
    const error = Number(await panel.getByTestId(`ntk-error-${init}`).textContent());
    expect(error).toBeGreaterThan(0);
    expect(Number.isFinite(error)).toBe(true);
  }
  return panel;
}

test('the default link draws the three kernels and the scatter, and the change curves grow as it trains', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const problems = watchErrors(page);
  await page.goto('/');
  const panel = await expectKernelsDrawn(page);
  await expect(panel).toContainText('f = the logit of digit 0');
  await expect(panel).toContainText('D = 32');
  await expect(panel).toContainText(
    'Standard parameterization: Θ grows in proportion to the width (here N = 128)',
  );
  // Class blocks of the sorted digits are labelled on the heatmaps.
  await expect(panel.getByTestId('ntk-heatmap-analytic').locator('.ntk-class-label text').first()).toHaveText(
    '0',
  );

  // Live: the change since step 0 gets points for both inits while training runs, and more later.
  const change = (init: string) => panel.getByTestId('ntk-change').locator(`g.ntk-init-${init}`);
  await expect.poll(() => points(change('gaussian')), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect.poll(() => points(change('orthogonal')), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await points(change('gaussian'));
  await expect.poll(() => points(change('gaussian')), { timeout: 60_000 }).toBeGreaterThan(before);
  const weights = panel.getByTestId('ntk-weight-change').locator('g.ntk-init-orthogonal.ntk-layer-3');
  expect(await points(weights)).toBeGreaterThan(0);

  // The toggle shows the kernels of the newest snapshot.
  await panel.getByRole('radio', { name: /^now \(step \d+\)/ }).check();
  await expect(panel.getByTestId('ntk-heatmap-gaussian').locator('figcaption')).not.toHaveText(/step 0$/);
  expect(problems).toEqual([]);
});

test('a link in the NTK parameterization draws the kernels too and says the limit is finite', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems = watchErrors(page);
  await page.goto('/?v=1&param=ntk&act=erf&sw2=1.5&sb2=0.05&L=3&N=256&steps=300&lr=0.5');
  const panel = await expectKernelsDrawn(page);
  await expect(panel).toContainText('NTK parameterization: Θ has a finite limit as the width grows');
  // Wide and shallow: the kernel of either init lies within 25 % of theory.
  for (const init of ['gaussian', 'orthogonal'])
    expect(Number(await panel.getByTestId(`ntk-error-${init}`).textContent())).toBeLessThan(0.25);
  expect(problems).toEqual([]);
});
