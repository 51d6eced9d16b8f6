/**
 * What the page-level benchmark ("The lab in the browser") records, and the pure arithmetic on it:
 * long tasks summed up over a window, the link with a longer training run. The browser driving is
 * in pageBench.ts; the table is in report.ts.
 */

/** One PerformanceObserver 'longtask' entry: a main-thread task of 50 ms or more, page clock. */
export interface LongTask {
  readonly startMs: number;
  readonly durationMs: number;
}

/** Long tasks of one window: how many, the longest, and how many per duration bucket. */
export interface LongTaskSummary {
  readonly count: number;
  readonly longestMs: number | null;
  readonly histogram: {
    readonly '50-100 ms': number;
    readonly '100-200 ms': number;
    readonly 'over 200 ms': number;
  };
}

/** One link, measured in two fresh browser contexts (start-up on the link itself, training on `windowLink`). */
export interface PageBenchResult {
  /** The link opened for the time to the first step and the start-up long tasks, e.g. '/'. */
  readonly link: string;
  /** The link opened for steps/s and the long tasks while training (the link with a longer run). */
  readonly windowLink: string;
  /** The backend badge's text once the first step was drawn, or null without one. */
  readonly backend: string | null;
  /** From the start of `page.goto` to the first point of the Gaussian run's loss curve, or null. */
  readonly secondsToFirstStep: number | null;
  /** Bytes on the wire (headers and body as sent) that finished arriving before that first step. */
  readonly bytesBeforeFirstStep: number | null;
  readonly startupLongTasks: LongTaskSummary | null;
  /** Training steps per second over the window, or null when it was not measured. */
  readonly stepsPerSecond: number | null;
  readonly windowSeconds: number;
  readonly stepsInWindow: number;
  /** True when training stopped (T reached) before the window's time was up. */
  readonly finishedEarly: boolean;
  readonly windowLongTasks: LongTaskSummary | null;
  /** What went wrong, when something did. */
  readonly error?: string;
}

export interface PageBenchReport {
  readonly date: string;
  readonly browser: string;
  readonly cpus: number;
  readonly viewport: { readonly width: number; readonly height: number };
  /** The window asked for (--page-seconds). */
  readonly seconds: number;
  readonly results: readonly PageBenchResult[];
}

/** The links measured: the default configuration with the automatic backend choice, and on WASM. */
export const PAGE_LINKS = ['/', '/?backend=wasm'] as const;

/** Steps for the steps/s window's link, so that training outlasts the window (T = 1000 by default). */
export const WINDOW_STEPS = 100_000;

/** The link with `steps=<steps>` set in its query (replacing one already there). */
/** A result with nothing measured yet (or nothing measurable: add `error`). */
export function unmeasuredPage(link: string, windowLink: string): PageBenchResult {
  return {
    link,
    windowLink,
    backend: null,
    secondsToFirstStep: null,
    bytesBeforeFirstStep: null,
    startupLongTasks: null,
    stepsPerSecond: null,
    windowSeconds: 0,
    stepsInWindow: 0,
    finishedEarly: false,
    windowLongTasks: null,
  };
}

export function withSteps(link: string, steps: number): string {
  const [path, query = ''] = link.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('steps', String(steps));
  return `${path}?${params.toString()}`;
}

/** The long tasks that started in [fromMs, toMs), summed up. */
export function summarizeLongTasks(
  tasks: readonly LongTask[],
  fromMs: number,
  toMs: number,
): LongTaskSummary {
  const within = tasks.filter((task) => task.startMs >= fromMs && task.startMs < toMs);
  const durations = within.map((task) => task.durationMs);
  return {
    count: within.length,
    longestMs: durations.length === 0 ? null : Math.max(...durations),
    histogram: {
      '50-100 ms': durations.filter((d) => d < 100).length,
      '100-200 ms': durations.filter((d) => d >= 100 && d < 200).length,
      'over 200 ms': durations.filter((d) => d >= 200).length,
    },
  };
}
