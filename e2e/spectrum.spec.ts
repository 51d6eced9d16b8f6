import { expect, test, type Locator, type Page } from '@playwright/test';

/** The smallest and largest of a grey interval "lo–hi" under a measured value. */
async function interval(panel: Locator, statistic: string, init: string): Promise<[number, number]> {
  const text = (await panel.getByTestId(`spectrum-spread-${statistic}-${init}`).textContent()) ?? '';
  const match = /^([\d.]+)–([\d.]+)$/.exec(text);
  if (!match) throw new Error(`no interval in "${text}"`);
  return [Number(match[1]), Number(match[2])];
}

/** Shows the step-0 snapshot once training has taken a second one (the scrubber then stays there). */
async function backToInitialization(page: Page, panel: Locator) {
  const scrubber = panel.getByRole('slider', { name: 'spectrum snapshot' });
  await expect(scrubber).toBeEnabled({ timeout: 60_000 });
  await scrubber.focus();
  await page.keyboard.press('Home');
  await expect(panel.getByTestId('spectrum-step')).toHaveText('0');
}

async function screenshot(page: Page, name: string) {
  await page
    .getByTestId('spectrum-panel')
    .screenshot({ path: test.info().outputPath(`${name}-spectrum.png`) });
  await page.locator('.panel.readout').screenshot({ path: test.info().outputPath(`${name}-readout.png`) });
}

test('the Jacobian spectrum shows both inits with their theory curves, and moves with training', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // Teacher inputs are 32-dimensional, so with N = 32 the Jacobian spans all L layers.
  await page.goto(
    '/?v=1&act=tanh&sw2=1.05&sb2=2.01e-5&L=8&N=32&data=teacher&seeds=2&steps=400&lr=0.05&backend=wasm',
  );
  const panel = page.getByTestId('spectrum-panel');
  for (const init of ['gaussian', 'orthogonal']) {
    await expect(panel.getByTestId(`spectrum-histogram-${init}`)).toHaveAttribute('d', /^M/, {
      timeout: 60_000,
    });
    await expect(panel.getByTestId(`spectrum-theory-${init}`)).toHaveAttribute('d', /^M/, {
      timeout: 60_000,
    });
  }
  await expect(panel.getByTestId('spectrum-depth-note')).toContainText(
    'The readout and the spectrum panel both use all 8 square hidden layers',
  );
  // Signal propagation: one line per run and a theory line, forward and backward.
  for (const chart of ['signal-forward', 'signal-backward']) {
    // 4 runs now, and 4 more, paler, at initialization once training has moved on.
    await expect(page.getByTestId(chart).locator('path.signal-line').first()).toHaveAttribute('d', /^M/);
    expect([4, 8]).toContain(await page.getByTestId(chart).locator('path.signal-line').count());
    await expect(page.getByTestId(chart).locator('path.signal-theory')).toHaveAttribute('d', /^M/);
  }
  // Orthogonal weights at criticality: eigenvalues of JJᵀ crowd at 1, far less spread than Gaussian ones.
  const variance = async (init: string) =>
    Number(await panel.getByTestId(`spectrum-variance-${init}`).textContent());
  expect(await variance('orthogonal')).toBeLessThan((await variance('gaussian')) / 3);
  // Hidden weights: singular-value summaries and the distance from orthogonality, per init.
  for (const chart of ['weights-singular-values', 'weights-deviation']) {
    for (const init of ['gaussian', 'orthogonal']) {
      await expect(
        page.getByTestId(chart).locator(`.weights-${init} path.weights-line`).first(),
      ).toHaveAttribute('d', /^M/);
    }
  }
  // Snapshots during training can be replayed with the scrubber.
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  const scrubber = panel.getByRole('slider', { name: 'spectrum snapshot' });
  await expect(scrubber).toBeEnabled();
  const newest = Number(await panel.getByTestId('spectrum-step').textContent());
  expect(newest).toBeGreaterThan(0);
  await scrubber.focus();
  await page.keyboard.press('Home');
  await expect(panel.getByTestId('spectrum-step')).toHaveText('0');
  expect(problems).toEqual([]);
});

test('the default link shows the spread of the moments over networks at initialization, and the depth both panels use', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const started = Date.now();
  await page.goto('/');
  const progress = page.getByTestId('training-progress');
  await expect(progress.locator('strong')).not.toHaveText('0', { timeout: 60_000 });
  const firstStep = (Date.now() - started) / 1000;
  const panel = page.getByTestId('spectrum-panel');
  await expect(panel.getByTestId('spectrum-histogram-gaussian')).toHaveAttribute('d', /^M/, {
    timeout: 60_000,
  });
  const firstSpectrum = (Date.now() - started) / 1000;
  // MNIST's 784 inputs against N = 128: both panels use the 49 square hidden layers, and say so.
  const note =
    'The readout and the spectrum panel both use the 49 square hidden layers (128 × 128): the first layer maps 784 inputs to 128 units and is left out';
  await expect(panel.getByTestId('spectrum-depth-note')).toContainText(note);
  await expect(page.getByTestId('jacobian-depth-note')).toContainText(note);
  await expect(page.getByTestId('jacobian-depth')).toContainText('over 49 square hidden layers');
  // Right away an interval (a bootstrap until the extra networks come), then the range over 9
  // networks at initialization: on the step-0 snapshot, which training soon scrolls past.
  await expect(panel.getByTestId('spectrum-spread-variance-gaussian')).toBeVisible();
  await backToInitialization(page, panel);
  const spreadNote = panel.getByTestId('spectrum-spread-note');
  await expect(spreadNote).toContainText(
    'over 9 networks at initialization, this one and 8 more drawn the same way with seeds 2–9',
    { timeout: 90_000 },
  );
  const allDrawn = (Date.now() - started) / 1000;
  await expect(spreadNote).not.toContainText('drawing');
  console.log(
    `default link: first step ${firstStep.toFixed(1)} s, first spectrum ${firstSpectrum.toFixed(1)} s, 8 more networks ${allDrawn.toFixed(1)} s`,
  );
  await expect(panel.getByTestId('spectrum-spread-kind-gaussian')).toHaveText('range of 9');
  const [lo, hi] = await interval(panel, 'variance', 'gaussian');
  const measured = Number(await panel.getByTestId('spectrum-variance-gaussian').textContent());
  expect(lo).toBeLessThanOrEqual(measured);
  expect(hi).toBeGreaterThanOrEqual(measured);
  // One Gaussian network's variance of σ² is heavy-tailed: the range spans a factor of several.
  expect(hi / lo).toBeGreaterThan(2);
  await screenshot(page, 'default');
  expect(problems).toEqual([]);
});

test('ReLU at L = 50: both inits show their range and theory at the same 49 layers as the readout', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto('/?act=relu&sw2=2&sb2=0&L=50&N=128');
  const panel = page.getByTestId('spectrum-panel');
  // Theory L(μ₂/μ₁² − 1 − s₁) over 49 layers: 98 (Gaussian) and 49 (orthogonal), in both panels.
  for (const [init, theory] of [
    ['gaussian', '98'],
    ['orthogonal', '49'],
  ] as const) {
    await expect(panel.getByTestId(`spectrum-theory-variance-${init}`)).toHaveText(theory, {
      timeout: 60_000,
    });
    await expect(page.getByTestId(`variance-${init}`)).toHaveText(theory);
  }
  await backToInitialization(page, panel);
  await expect(panel.getByTestId('spectrum-spread-note')).toContainText('over 9 networks at initialization', {
    timeout: 90_000,
  });
  for (const init of ['gaussian', 'orthogonal']) {
    await expect(panel.getByTestId(`spectrum-spread-kind-${init}`)).toHaveText('range of 9');
    const [lo, hi] = await interval(panel, 'variance', init);
    expect(hi / lo, init).toBeGreaterThan(1.3);
  }
  // Told apart without colour: hatched Gaussian bars, dashed orthogonal outline and theory line.
  const fill = await panel
    .getByTestId('spectrum-histogram-gaussian')
    .evaluate((e) => getComputedStyle(e).fill);
  expect(fill).toContain('spectrum-hatch-gaussian');
  const dash = (testId: string) =>
    panel.getByTestId(testId).evaluate((e) => getComputedStyle(e).strokeDasharray);
  expect(await dash('spectrum-histogram-orthogonal')).not.toBe('none');
  expect(await dash('spectrum-theory-orthogonal')).not.toBe('none');
  expect(await dash('spectrum-theory-gaussian')).toBe('none');
  await screenshot(page, 'relu-L50');
  expect(problems).toEqual([]);
});

test('at L = 1 on MNIST neither panel shows Jacobian moments, and both say why', async ({ page }) => {
  await page.goto('/?L=1');
  await expect(page.getByTestId('jacobian-depth-note')).toContainText(
    'No square hidden layer: the only layer maps 784 inputs to 128 units',
  );
  await expect(page.getByTestId('variance-gaussian')).toHaveCount(0);
  await expect(page.getByTestId('spectrum-panel')).toContainText('there is no square hidden layer', {
    timeout: 60_000,
  });
});
