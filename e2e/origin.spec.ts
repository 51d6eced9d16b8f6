import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../scripts/headers.mjs';

/** Small enough to train quickly on any backend. */
const SMALL = 'v=1&act=tanh&sw2=1.05&sb2=2.01e-5&L=3&N=16&data=teacher&seeds=1&bs=32&steps=400&lr=0.05';

/**
 * Aborts and records every request the pages and their workers make to another origin, and records
 * anything that looks like a Content-Security-Policy violation: console messages (the browser logs
 * each refusal, from the page and from workers) and the page's securitypolicyviolation events.
 */
async function watch(context: BrowserContext, page: Page, origin: string) {
  const outside: string[] = [];
  const violations: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  // Whatever routing might not see (WebSockets, requests from workers on other engines).
  context.on('request', (request) => {
    const url = request.url();
    if (/^(https?|wss?):/.test(url) && new URL(url).origin !== origin) outside.push(url);
  });
  page.on('websocket', (socket) => outside.push(socket.url()));
  page.on('console', (message) => {
    if (/content security policy|securitypolicyviolation/i.test(message.text()))
      violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  return { outside, violations };
}

async function stepsDone(page: Page): Promise<number> {
  return Number(await page.getByTestId('training-progress').locator('strong').textContent());
}

test.describe('origin and Content-Security-Policy', () => {
  test('the default link loads and trains without a request outside its origin or a CSP violation', async ({
    context,
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const origin = new URL(baseURL!).origin;
    const { outside, violations } = await watch(context, page, origin);

    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

    await expect(page.getByTestId('phase-diagram')).toHaveAttribute('data-status', 'ready', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('backend-badge')).toBeAttached({ timeout: 60_000 });
    await expect.poll(() => stepsDone(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
    await expect
      .poll(async () => Number(await page.getByTestId('loss-curve-orthogonal').getAttribute('data-points')))
      .toBeGreaterThan(0);

    expect(outside).toEqual([]);
    expect(violations).toEqual([]);

    // The watch does see a violation when there is one: an inline script is refused.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'globalThis.inlineRan = true';
      document.head.append(script);
    });
    expect(await page.evaluate(() => 'inlineRan' in globalThis)).toBe(false);
    await expect.poll(() => violations.length).toBeGreaterThan(0);
  });

  test('the WebAssembly backend runs with threads under the policy (no blob: workers, no eval)', async ({
    context,
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const origin = new URL(baseURL!).origin;
    const { outside, violations } = await watch(context, page, origin);
    // The lab leaves one core to the page, so on a two-core machine the pool has a single thread:
    // the training worker is told it has four cores, so that several threads really compute.
    await context.route(/\/assets\/training\.worker-[\w-]+\.js$/, async (route) => {
      const response = await route.fetch({
        headers: { ...route.request().headers(), 'accept-encoding': 'identity' },
      });
      const shim =
        "Object.defineProperty(WorkerNavigator.prototype, 'hardwareConcurrency', { get: () => 4 });\n";
      await route.fulfill({ response, body: shim + (await response.text()) });
    });
    const workers: string[] = [];
    // Dedicated workers, nested ones included (the pthread workers are started by the training worker).
    page.on('worker', (worker) => workers.push(worker.url()));

    await page.goto(`/?${SMALL}&backend=wasm`);
    const badge = page.getByTestId('backend-badge');
    await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
    // "WebAssembly, n threads": the threaded SIMD module, cross-origin isolated, several threads.
    const described = `${await badge.textContent()} ${await badge.getAttribute('title')}`;
    expect(described).toMatch(/WebAssembly, ([2-9]|\d{2,}) threads/);
    await expect.poll(() => stepsDone(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);

    // Emscripten's pool of pthread workers comes from the file the build emitted (not a Blob), and
    // the module does not start before each of them has loaded the factory script the same way.
    expect(
      workers.filter((url) => /\/tfjs-backend-wasm-threaded-simd\.worker-[\w-]+\.js$/.test(url)),
    ).not.toEqual([]);
    expect(workers.filter((url) => !url.startsWith(`${origin}/assets/`))).toEqual([]);
    expect(outside).toEqual([]);
    expect(violations).toEqual([]);
  });
});
