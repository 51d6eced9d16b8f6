import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './watchConsole.ts';

/** The screens the lab is laid out for: projector and laptops, a wide monitor, a phone. */
const VIEWPORTS = [
  { name: 'projector 1280×720', width: 1280, height: 720 },
  { name: 'laptop 1366×768', width: 1366, height: 768 },
  { name: 'monitor 1920×1080', width: 1920, height: 1080 },
  { name: 'phone 390×844', width: 390, height: 844 },
] as const;

interface Card {
  readonly name: string;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Waits until the panels whose height comes with data (spectrum, weights, NTK) have drawn. */
async function waitForPanels(page: Page) {
  const timeout = 120_000;
  await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready', { timeout });
  await expect(page.getByTestId('spectrum-histogram-gaussian')).toHaveAttribute('d', /^M/, { timeout });
  await expect(page.getByTestId('weights-singular-values')).toBeAttached({ timeout });
  await expect(page.getByTestId('ntk-heatmap-analytic').locator('canvas')).toBeAttached({ timeout });
  // The spectrum's spread over independent draws comes last and widens its table.
  await expect(page.locator('[data-testid^="spectrum-spread-"]').first()).toBeAttached({ timeout });
  // Then wait until the page keeps its size for two seconds (or 40 s have passed; training runs on).
  let last = '';
  for (let waited = 0; waited < 40_000; waited += 2000) {
    const size = await page.evaluate(() => {
      const root = document.scrollingElement!;
      return `${root.scrollWidth}×${root.scrollHeight}`;
    });
    if (size === last) return;
    last = size;
    await page.waitForTimeout(2000);
  }
}

/** The visible cards of the lab, in page coordinates: the parameters, the training bar, each panel. */
async function cards(page: Page): Promise<Card[]> {
  return page.evaluate(() => {
    const elements = [
      ...document.querySelectorAll('.layout > .controls, .training-bar, .panel-slot > .panel'),
    ];
    return elements.map((element) => {
      const box = element.getBoundingClientRect();
      const slot = element.closest('[data-panel]');
      return {
        name: slot?.getAttribute('data-panel') ?? element.className,
        left: box.left + scrollX,
        right: box.right + scrollX,
        top: box.top + scrollY,
        bottom: box.bottom + scrollY,
      };
    });
  });
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Empty space between a card and the next one below it in the same column: for each pair that
 * shares some width, with no third card between them across that shared width, the distance.
 */
function verticalGaps(all: readonly Card[]): { above: string; below: string; gap: number }[] {
  const gaps: { above: string; below: string; gap: number }[] = [];
  for (const upper of all) {
    for (const lower of all) {
      if (lower.top < upper.bottom - 1) continue;
      const from = Math.max(upper.left, lower.left);
      const to = Math.min(upper.right, lower.right);
      if (to - from < 20) continue;
      const between = all.some(
        (c) =>
          c !== upper &&
          c !== lower &&
          c.top >= upper.bottom - 1 &&
          c.bottom <= lower.top + 1 &&
          overlap(c.left, c.right, from, to) > 0,
      );
      if (!between) gaps.push({ above: upper.name, below: lower.name, gap: lower.top - upper.bottom });
    }
  }
  return gaps;
}

for (const viewport of VIEWPORTS) {
  test(`lab layout at ${viewport.name}: no sideways scroll, no overlap, no holes`, async ({ page }) => {
    test.setTimeout(180_000);
    const problems = watchConsole(page);
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.goto('/');
    await waitForPanels(page);

    const widths = await page.evaluate(() => ({
      page: document.scrollingElement!.scrollWidth,
      window: innerWidth,
      toolbar: document.querySelector('.toolbar')!.scrollWidth,
      toolbarBox: document.querySelector('.toolbar')!.clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    expect(widths.toolbar).toBeLessThanOrEqual(widths.toolbarBox);

    const all = await cards(page);
    expect(all.map((c) => c.name)).toEqual(
      expect.arrayContaining(['phase', 'training', 'spectrum', 'signal', 'weights', 'readout', 'ntk']),
    );
    for (const [i, a] of all.entries()) {
      for (const b of all.slice(i + 1)) {
        const shared = overlap(a.left, a.right, b.left, b.right) * overlap(a.top, a.bottom, b.top, b.bottom);
        expect(shared, `${a.name} overlaps ${b.name}`).toBeLessThan(1);
      }
    }

    // The sidebar of parameters ends where its content ends; the panels' columns leave no hole.
    const gap = await page.evaluate(() =>
      parseFloat(getComputedStyle(document.querySelector('.layout')!).rowGap),
    );
    const panels = all.filter((c) => !c.name.includes('controls'));
    for (const { above, below, gap: distance } of verticalGaps(panels)) {
      expect(distance, `hole between ${above} and ${below}`).toBeLessThanOrEqual(2 * gap);
    }

    // The parameters are reachable from the top: on a phone the first one is on the first screen.
    await page.evaluate(() => window.scrollTo(0, 0));
    const first = page.locator('.controls').locator('input, select').first();
    const box = await first.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);

    if (viewport.width >= 1600) {
      // A wide screen puts three panels side by side, beside the parameters.
      const tops = panels.filter((c) => c.top < all.find((c) => c.name === 'phase')!.bottom);
      expect(new Set(tops.map((c) => Math.round(c.left))).size).toBeGreaterThanOrEqual(3);
    }
    if (viewport.width < 700) {
      // A phone stacks the panels: each takes the page's width, one under another.
      for (const c of panels) expect(c.right - c.left).toBeGreaterThan(viewport.width * 0.85);
    }
    expect(problems).toEqual([]);
  });
}
