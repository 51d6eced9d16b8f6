import { expect, test } from '@playwright/test';

/** A small recurrent network on row-sequential MNIST: both inits, a few dozen steps on WASM. */
const RNN =
  'v=1&arch=rnn&act=tanh&sw2=1&sb2=1e-4&N=32&data=mnist&seeds=1&init=both&bs=32&steps=60&opt=adam&lr=0.002&orth=gain&olam=0.01';

test('?arch=rnn trains the recurrent network, draws its loss and W spectrum, and says which panels do not apply', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`/?${RNN}&backend=wasm`);

  for (const init of ['gaussian', 'orthogonal']) {
    await expect
      .poll(async () => Number(await page.getByTestId(`loss-curve-${init}`).getAttribute('data-points')), {
        timeout: 90_000,
      })
      .toBeGreaterThan(5);
  }
  const weights = page.getByTestId('weights-panel');
  await expect(weights).toContainText('Recurrent kernel W');
  await expect(weights.getByTestId('weights-singular-values')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('signal-panel')).toContainText('Not for the recurrent network');
  await expect(page.getByTestId('spectrum-panel')).toContainText('No spectrum for this configuration');
  await expect(page.getByTestId('ntk-panel')).toContainText('No NTK for this configuration');
  // Depth L does nothing here: its control is disabled, with the reason.
  await expect(page.getByRole('spinbutton', { name: 'depth L value' })).toBeDisabled();
  await expect(page.getByTestId('training-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 90_000,
  });
  expect(problems).toEqual([]);
});
