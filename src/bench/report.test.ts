import { describe, expect, it } from 'vitest';
import type { BenchResult } from './measure.ts';
import type { PageBenchReport, PageBenchResult } from './pageMetrics.ts';
import { formatBenchTable, formatPageTable, type BenchReport } from './report.ts';

const cell = (
  over: Partial<BenchResult> & Pick<BenchResult, 'implementation' | 'runs' | 'msPerStep'>,
): BenchResult => {
  const flops = 6 * 64 * 100_000 * over.runs;
  return {
    backend: 'wasm',
    environment: 'node',
    formulation: over.implementation === 'engine' ? 'per-run' : null,
    preferred: over.implementation === 'engine',
    depth: 50,
    width: 400,
    mode: 'stacked',
    gflops: over.msPerStep === null ? null : flops / (over.msPerStep / 1000) / 1e9,
    stepsTimed: over.msPerStep === null ? 0 : 10,
    ...(over.msPerStep === null ? { skipped: 'a step took over 3 s' } : {}),
    ...over,
  };
};

const report = (results: BenchResult[]): BenchReport => ({
  date: '2026-12-03T00:00:00.000Z',
  machine: { cpus: 2, node: 'v20' },
  grid: { depths: [50], widths: [400] },
  adapters: {},
  native: { tool: 'numpy 2', threads: '1' },
  results,
});

const rowsOf = (table: string, prefix: string) => table.split('\n').filter((line) => line.startsWith(prefix));

describe('benchmark table', () => {
  const wasm = [
    cell({ implementation: 'engine', runs: 1, msPerStep: 5 }),
    cell({ implementation: 'engine', runs: 2, msPerStep: 8 }),
    cell({ implementation: 'engine', runs: 2, msPerStep: 20, formulation: 'stacked', preferred: false }),
    cell({ implementation: 'engine', runs: 2, mode: 'separate', msPerStep: 10 }),
    cell({ implementation: 'tfjs-layers', runs: 2, mode: 'separate', msPerStep: 24 }),
    cell({
      implementation: 'numpy',
      runs: 2,
      mode: 'separate',
      msPerStep: 2,
      backend: 'numpy',
      environment: 'native',
    }),
  ];

  it('shows steps/s, GFLOP/s, the ratios to tfjs-layers and numpy, and the targets per formulation', () => {
    const table = formatBenchTable(report(wasm));
    expect(rowsOf(table, '| node wasm')).toEqual([
      '| node wasm | 50 | 400 | per-run (default) | 125 | 9.60 | 41.7 | 3.00× | 25.0% | 5.0 | 10.0 | 1.60 | ✓ ≥ 2× layers, ✓ ≥ 20% numpy |',
      '| node wasm | 50 | 400 | stacked | 50.0 | 3.84 | 41.7 | 1.20× | 10.0% | 5.0 | 10.0 | 4.00 | ✗ ≥ 2× layers, ✗ ≥ 20% numpy |',
    ]);
    expect(rowsOf(table, '| numpy')).toEqual([
      '| numpy 1 thread | 50 | 400 | by hand | 500 | 38.40 | — | — | 100% | — | — | — | |',
    ]);
    expect(table).toContain('- Engine (default formulation) ≥ 2× tfjs-layers: met in all 1 measured cells');
    expect(table).toContain(
      '- Best CPU backend ≥ 20% of numpy single-thread at L = 50, N = 400: node wasm (per-run) at 25.0%, met.',
    );
    expect(table).toContain('- WebGPU stacked pair ≤ 1.3× one run: not measured.');
  });

  it('judges the WebGPU stacking target and shows skipped cells', () => {
    const webgpu = (over: Parameters<typeof cell>[0]) =>
      cell({ backend: 'webgpu', environment: 'browser', formulation: 'stacked', ...over });
    const table = formatBenchTable(
      report([
        webgpu({ implementation: 'engine', runs: 1, msPerStep: 100 }),
        webgpu({ implementation: 'engine', runs: 2, msPerStep: 140 }),
        webgpu({ implementation: 'engine', runs: 2, mode: 'separate', msPerStep: null }),
        webgpu({ implementation: 'tfjs-layers', runs: 2, mode: 'separate', msPerStep: null }),
      ]),
    );
    expect(rowsOf(table, '| browser webgpu')).toEqual([
      '| browser webgpu | 50 | 400 | stacked (default) | 7.14 | 0.55 | skipped | — | — | 100.0 | skipped | 1.40 | ✗ pair ≤ 1.3× one run |',
    ]);
    expect(table).toContain('- WebGPU stacked pair ≤ 1.3× one run: missed (1.40 at L = 50, N = 400).');
    expect(table).toContain('- Engine ≥ 2× tfjs-layers: not measured.');
  });
});

describe('the lab in the browser table', () => {
  const histogram = (a: number, b: number, c: number) => ({
    '50-100 ms': a,
    '100-200 ms': b,
    'over 200 ms': c,
  });
  const page = (over: Partial<PageBenchResult> & Pick<PageBenchResult, 'link'>): PageBenchResult => ({
    windowLink: `${over.link}?steps=100000`,
    backend: 'wasm · WebAssembly, 2 threads',
    secondsToFirstStep: 1.5,
    bytesBeforeFirstStep: 2_587_185,
    startupLongTasks: { count: 2, longestMs: 121, histogram: histogram(1, 1, 0) },
    stepsPerSecond: 15.06,
    windowSeconds: 120,
    stepsInWindow: 1807,
    finishedEarly: false,
    windowLongTasks: { count: 0, longestMs: null, histogram: histogram(0, 0, 0) },
    ...over,
  });
  const pageReport = (results: PageBenchResult[]): PageBenchReport => ({
    date: '2026-12-03T05:00:00.000Z',
    browser: 'Chromium 156',
    cpus: 2,
    viewport: { width: 1280, height: 720 },
    seconds: 120,
    results,
  });

  it('shows first step, bytes, long tasks, steps/s and the targets met per link', () => {
    const table = formatPageTable(pageReport([page({ link: '/' })]));
    expect(table).toContain('over 120 s from the first step, on the link with `steps=100000` added');
    expect(rowsOf(table, '| `')).toEqual([
      '| `/` | wasm · WebAssembly, 2 threads | 1.50 | 2587 | 2 (longest 121 ms) | 15.1 | 0 | 0 / 0 / 0 | ✓ first step ≤ 3 s, ✓ ≥ 10 steps/s, ✓ no long task > 50 ms while training |',
    ]);
    expect(table).toContain('- First step ≤ 3 s: met (`/` 1.50 s ✓).');
    expect(table).toContain('- ≥ 10 steps/s: met (`/` 15.1 steps/s ✓).');
    expect(table).toContain('- No long task > 50 ms while training: met (`/` none ✓).');
  });

  it('marks missed targets, a run that ended early, and a link that never drew a step', () => {
    const table = formatPageTable(
      pageReport([
        page({
          link: '/?backend=wasm',
          secondsToFirstStep: 3.4,
          stepsPerSecond: 8.25,
          windowSeconds: 80.4,
          finishedEarly: true,
          windowLongTasks: { count: 4, longestMs: 230.6, histogram: histogram(2, 1, 1) },
        }),
        page({
          link: '/',
          backend: null,
          secondsToFirstStep: null,
          bytesBeforeFirstStep: null,
          startupLongTasks: null,
          stepsPerSecond: null,
          windowSeconds: 0,
          stepsInWindow: 0,
          windowLongTasks: null,
          error: 'no training step drawn within 120 s',
        }),
      ]),
    );
    expect(rowsOf(table, '| `')).toEqual([
      '| `/?backend=wasm` | wasm · WebAssembly, 2 threads | 3.40 | 2587 | 2 (longest 121 ms) | 8.3 (over 80 s, T reached) | 4 (longest 231 ms) | 2 / 1 / 1 | ✗ first step ≤ 3 s, ✗ ≥ 10 steps/s, ✗ no long task > 50 ms while training |',
      '| `/` | — | — | — | — | — | — | — | no training step drawn within 120 s |',
    ]);
    expect(table).toContain('- First step ≤ 3 s: missed (`/?backend=wasm` 3.40 s ✗).');
    expect(table).toContain('- ≥ 10 steps/s: missed (`/?backend=wasm` 8.3 steps/s ✗).');
    expect(table).toContain(
      '- No long task > 50 ms while training: missed (`/?backend=wasm` 4, longest 231 ms ✗).',
    );
  });

  it('says when the section was not measured', () => {
    expect(formatPageTable(null)).toBe('The lab in the browser: not measured.');
    expect(formatPageTable(pageReport([page({ link: '/', stepsPerSecond: null })]))).toContain(
      '- ≥ 10 steps/s: not measured.',
    );
  });
});
