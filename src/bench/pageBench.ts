/**
 * "The lab in the browser": opens the built app in headless Chromium, each load in a fresh browser
 * context (no cached backend choice), and measures what a visitor gets: time from navigation to
 * the first drawn training step, bytes before it, long main-thread tasks at start-up and while
 * training, and training steps/s. Node only (Playwright); the arithmetic is in pageMetrics.ts.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  PAGE_LINKS,
  WINDOW_STEPS,
  summarizeLongTasks,
  withSteps,
  type LongTask,
  type PageBenchReport,
  type PageBenchResult,
  unmeasuredPage,
} from './pageMetrics.ts';

export const PAGE_VIEWPORT = { width: 1280, height: 720 } as const;
const FIRST_STEP_TIMEOUT_MS = 120_000;
const POLL_MS = 1000;

/**
 * Runs in the page before its own scripts: records long tasks and the page-clock time at which the
 * Gaussian run's loss curve first has a point. A string, so that nothing the TypeScript runner adds
 * to functions (name helpers) ends up in the page.
 */
const INIT_SCRIPT = `(() => {
  const bench = { long: [], firstStepAt: null };
  window.__pageBench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.long.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    bench.noLongTasks = String(error);
  }
  const observer = new MutationObserver(() => {
    const curve = document.querySelector('[data-testid="loss-curve-gaussian"]');
    if (curve && Number(curve.getAttribute('data-points')) > 0) {
      bench.firstStepAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
})();`;

interface PageState {
  readonly firstStepAt: number | null;
  readonly timeOrigin: number;
  readonly now: number;
  readonly steps: number;
  readonly state: string | null;
  readonly badge: string | null;
  readonly long: LongTask[];
  readonly error: string | null;
}

const READ_STATE = `(() => {
  const bench = window.__pageBench;
  const progress = document.querySelector('[data-testid="training-progress"]');
  const error = document.querySelector('.training-error');
  return {
    firstStepAt: bench ? bench.firstStepAt : null,
    timeOrigin: performance.timeOrigin,
    now: performance.now(),
    steps: Number(progress?.querySelector('strong')?.textContent ?? NaN),
    state: progress?.getAttribute('data-state') ?? null,
    badge: document.querySelector('[data-testid="backend-badge"]')?.textContent ?? null,
    long: bench ? bench.long : [],
    error: error ? error.textContent : null,
  };
})()`;

const readState = (page: Page) => page.evaluate(READ_STATE) as Promise<PageState>;

interface Opened {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Wall-clock ms (Date.now) at the start of page.goto. */
  readonly started: number;
  /** The page's state when the first step was drawn, or null when none was within the timeout. */
  readonly first: PageState | null;
  /** Requests finished (wall-clock ms) and their bytes on the wire. */
  readonly transfers: Promise<{ finished: number; bytes: number }[]>;
}

/** Opens `origin + link` in a fresh context and waits for the first drawn training step. */
async function open(browser: Browser, origin: string, link: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: PAGE_VIEWPORT });
  await context.addInitScript(INIT_SCRIPT);
  const sizes: Promise<{ finished: number; bytes: number } | null>[] = [];
  // Requests of the page and of its workers, each counted when its last byte has arrived: headers
  // plus the body as sent (Content-Length; Chromium reports no body size for worker scripts), as
  // scripts/measure-download.mjs counts them.
  context.on('requestfinished', (request) => {
    const finished = Date.now();
    if (!request.url().startsWith(origin)) return;
    sizes.push(
      (async () => {
        try {
          const [size, response] = await Promise.all([request.sizes(), request.response()]);
          const headers = (await response?.allHeaders()) ?? {};
          const body = Number(headers['content-length'] ?? size.responseBodySize);
          return { finished, bytes: size.responseHeadersSize + body };
        } catch {
          return null; // the context closed first
        }
      })(),
    );
  });
  const page = await context.newPage();
  const started = Date.now();
  try {
    await page.goto(`${origin}${link}`);
  } catch (error) {
    await context.close();
    throw error;
  }
  const drawn = await page
    .waitForFunction('window.__pageBench && window.__pageBench.firstStepAt !== null', null, {
      timeout: FIRST_STEP_TIMEOUT_MS,
      polling: 100,
    })
    .then(
      () => true,
      () => false,
    );
  const first = drawn ? await readState(page) : null;
  const transfers = Promise.all(sizes).then((all) =>
    all.filter((t): t is { finished: number; bytes: number } => t !== null),
  );
  return { context, page, started, first, transfers };
}

const wallMs = (state: PageState, pageMs: number) => state.timeOrigin + pageMs;

/** Measures one link: start-up on the link itself, steps/s and long tasks on it with a long run. */
export async function measureLink(
  browser: Browser,
  origin: string,
  link: string,
  seconds: number,
): Promise<PageBenchResult> {
  const windowLink = withSteps(link, WINDOW_STEPS);
  const empty = unmeasuredPage(link, windowLink);

  // 1. Start-up, on the link as given.
  const startup = await open(browser, origin, link);
  let result: PageBenchResult;
  try {
    const { first } = startup;
    if (first === null || first.firstStepAt === null) {
      const state = await readState(startup.page).catch(() => null);
      return {
        ...empty,
        error: `no training step drawn within ${FIRST_STEP_TIMEOUT_MS / 1000} s${state?.error ? ` (${state.error})` : ''}`,
      };
    }
    const firstWall = wallMs(first, first.firstStepAt);
    const transfers = await startup.transfers;
    result = {
      ...empty,
      backend: first.badge?.trim() ?? null,
      secondsToFirstStep: (firstWall - startup.started) / 1000,
      bytesBeforeFirstStep: transfers.filter((t) => t.finished <= firstWall).reduce((s, t) => s + t.bytes, 0),
      startupLongTasks: summarizeLongTasks(first.long, 0, first.firstStepAt),
    };
  } finally {
    await startup.context.close();
  }

  // 2. Steps/s and long tasks while training, on the link with a run that outlasts the window.
  const training = await open(browser, origin, windowLink);
  try {
    const { first } = training;
    if (first === null || first.firstStepAt === null)
      return { ...result, error: `no training step drawn on ${windowLink}` };
    const start = first;
    let last = start;
    let finishedEarly = false;
    while (last.now - start.now < seconds * 1000) {
      await training.page.waitForTimeout(Math.min(POLL_MS, seconds * 1000 - (last.now - start.now)));
      const state = await readState(training.page);
      if (state.state === 'done' || state.state === 'paused' || state.error !== null) {
        // Training stopped: count up to the last sample at which it was still running.
        finishedEarly = state.state === 'done';
        if (state.error !== null) result = { ...result, error: state.error };
        break;
      }
      last = state;
    }
    const elapsed = (last.now - start.now) / 1000;
    const steps = last.steps - start.steps;
    const all = (await readState(training.page)).long;
    return {
      ...result,
      stepsPerSecond: elapsed > 0 && Number.isFinite(steps) ? steps / elapsed : null,
      windowSeconds: elapsed,
      stepsInWindow: steps,
      finishedEarly,
      windowLongTasks: summarizeLongTasks(all, start.now, last.now),
    };
  } finally {
    await training.context.close();
  }
}

/** Every link of PAGE_LINKS in turn, with progress on stderr. */
export async function measurePages(
  browser: Browser,
  origin: string,
  seconds: number,
  cpus: number,
  log: (line: string) => void,
): Promise<PageBenchReport> {
  const results: PageBenchResult[] = [];
  for (const link of PAGE_LINKS) {
    log(`page ${link}: opening (then ${seconds} s of training on ${withSteps(link, WINDOW_STEPS)})`);
    const result = await measureLink(browser, origin, link, seconds).catch(
      (error: unknown): PageBenchResult => ({
        ...unmeasuredPage(link, withSteps(link, WINDOW_STEPS)),
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    log(
      `page ${link}: ${result.backend ?? 'no backend'}, first step ${result.secondsToFirstStep?.toFixed(2) ?? '—'} s, ` +
        `${result.stepsPerSecond?.toFixed(1) ?? '—'} steps/s, long tasks at start-up ${result.startupLongTasks?.count ?? '—'}, ` +
        `while training ${result.windowLongTasks?.count ?? '—'} (longest ${result.windowLongTasks?.longestMs ?? '—'} ms)` +
        (result.error ? `; ${result.error}` : ''),
    );
    results.push(result);
  }
  return {
    date: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    cpus,
    viewport: PAGE_VIEWPORT,
    seconds,
    results,
  };
}
