import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';

/** One line per violated rule and element, so that a failure names what to fix. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.flatMap((rule) =>
    rule.nodes.map(
      (node) =>
        `${rule.impact ?? 'unknown'} ${rule.id}: ${node.target.join(' ')} — ${node.failureSummary ?? ''}`,
    ),
  );
}

test('the lab view, with every panel drawn, has no accessibility violations', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = watchConsole(page);
  await page.goto('/');
  const timeout = 120_000;
  await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready', { timeout });
  await expect(page.getByTestId('spectrum-histogram-gaussian')).toHaveAttribute('d', /^M/, { timeout });
  await expect(page.getByTestId('ntk-heatmap-analytic').locator('canvas')).toBeAttached({ timeout });
  await expect(page.getByTestId('weights-singular-values')).toBeAttached({ timeout });
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the sweep view, with a small sweep drawn, has no accessibility violations', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  // Two learning rates of a tiny network on the teacher task: seconds on WASM (as in sweep.spec.ts).
  const base = 'act=tanh&sw2=1.05&sb2=2.01e-5&N=16&data=teacher&bs=32&init=both&backend=wasm';
  await page.goto(`/?${base}&L=3&seeds=1&steps=100&thr=0.5&over=lr=0.01,0.1`);
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('sweep-tau-svg')).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the experiments view has no accessibility violations', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/?view=experiments');
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the gallery and a preset in lecture mode, help open, have no accessibility violations', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto('/?view=gallery');
  await expect(page.locator('.gallery-caption .katex').first()).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.getByTestId('lecture-edge-of-chaos').click();
  await expect(page.locator('.app.lecture')).toBeVisible();
  await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('loss-curve-gaussian')).toHaveAttribute('data-points', /^[1-9]/, {
    timeout: 60_000,
  });
  expect(await violations(page)).toEqual([]);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('with reduced motion asked for, nothing on the lab page transitions or animates', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/');
  await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready', {
    timeout: 60_000,
  });
  const moving = await page.evaluate(() => {
    // A probe with a transition and an animation of its own: the global rule must still stop them.
    const probe = document.createElement('div');
    probe.style.transition = 'opacity 2s';
    probe.style.animation = 'probe-spin 3s infinite';
    document.querySelector('.panel')!.append(probe);
    const seconds = (list: string) =>
      Math.max(...list.split(',').map((t) => parseFloat(t) / (t.trim().endsWith('ms') ? 1000 : 1)));
    const found = [...document.querySelectorAll('*')]
      .map((element) => {
        const style = getComputedStyle(element);
        return {
          element: `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}`,
          transition: seconds(style.transitionDuration),
          animation: style.animationName === 'none' ? 0 : seconds(style.animationDuration),
          smooth: style.scrollBehavior === 'smooth',
        };
      })
      .filter((e) => e.transition > 0.001 || e.animation > 0.001 || e.smooth);
    probe.remove();
    return found;
  });
  expect(moving).toEqual([]);
});
