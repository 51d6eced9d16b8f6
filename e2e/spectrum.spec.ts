import { expect, test } from '@playwright/test';

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
  await expect(panel).toContainText('J over 8 square layers');
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
