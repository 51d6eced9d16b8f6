import { expect, test } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';
import { EXPERIMENTS } from '../src/experiments/registry.ts';

/**
 * The named experiments of curvature, manifold training, recurrent networks and mirrored
 * initialization each start from their link and draw their own chart. Their full runs take minutes
 * on two cores (README, "Curvature, manifold training, …"); here each link runs a few steps only
 * (its `steps` replaced), long enough for the first group to be drawn, then is cancelled.
 */
const CHARTS: Record<string, string> = {
  'curvature-at-init': '[data-testid="curvature-point"]',
  'manifold-vs-euclidean': '[data-testid="lambda-line"]',
  'rnn-gain-penalty': '[data-testid^="sweep-sv-"][data-points]',
  'error-vs-n-mirrored': '[data-testid^="sample-size-"][data-points]',
};

for (const [id, marks] of Object.entries(CHARTS)) {
  test(`the named experiment ${id} starts from its link and draws its chart`, async ({ page }) => {
    test.setTimeout(150_000);
    const named = EXPERIMENTS.find((experiment) => experiment.id === id)!;
    const problems = watchConsole(page);
    const short = named.query.replace(/([?&])steps=\d+/, '$1steps=3');
    await page.goto(`/${short}&backend=wasm`);
    await expect(page.getByTestId('view-tab-sweep')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByText(named.title).first()).toBeVisible();
    await expect(page.locator(marks).first()).toBeAttached({ timeout: 120_000 });
    const cancel = page.getByRole('button', { name: 'Cancel' });
    if (await cancel.isVisible()) await cancel.click();
    expect(problems).toEqual([]);
  });
}
