import { describe, expect, it } from 'vitest';
import type { BenchResult } from './measure.ts';
import { formatBenchTable, type BenchReport } from './report.ts';

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
