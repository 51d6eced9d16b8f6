import { describe, expect, it } from 'vitest';
import type { BenchResult } from './measure.ts';
import { formatBenchTable, type BenchReport } from './report.ts';

const cell = (
  runs: number,
  mode: 'stacked' | 'separate',
  msPerStep: number | null,
  gflops: number | null,
): BenchResult => ({
  backend: 'wasm',
  environment: 'node',
  depth: 10,
  width: 128,
  runs,
  mode,
  msPerStep,
  gflops,
  stepsTimed: msPerStep === null ? 0 : 10,
  ...(msPerStep === null ? { skipped: 'a step took 9.0 s' } : {}),
});

describe('benchmark table', () => {
  it('reports the stacked-pair ratio, skipped cells and the ratio to numpy', () => {
    const report: BenchReport = {
      date: '2026-11-25T00:00:00.000Z',
      machine: { cpus: 2, node: 'v20' },
      grid: { depths: [10], widths: [128], runs: [1, 2, 6] },
      adapters: {},
      native: { tool: 'numpy 2', gflopsByWidth: { '128': 100 } },
      results: [
        cell(1, 'stacked', 10, 2),
        cell(2, 'stacked', 12.5, 3.2),
        cell(2, 'separate', 20, 2),
        cell(6, 'stacked', null, null),
        cell(6, 'separate', null, null),
      ],
    };
    const row = formatBenchTable(report)
      .split('\n')
      .find((line) => line.startsWith('| node wasm'));
    expect(row).toBe(
      '| node wasm | 10 | 128 | 10.0 | 12.5 | 1.25 | 20.0 | skipped | skipped | 3.20 | 0.032 |',
    );
  });
});
