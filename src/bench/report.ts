import type { BenchGrid, BenchResult, JacobianBenchResult } from './measure.ts';

export interface BenchReport {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly grid: BenchGrid;
  readonly adapters: Record<string, string>;
  readonly native: { readonly tool: string; readonly gflopsByWidth: Record<string, number> } | null;
  readonly results: readonly BenchResult[];
}

const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/**
 * One row per backend and size: time per step of one run, of a stacked pair (and the pair ÷ single
 * ratio the stacking target is about), of six runs stacked and as six programs, and the best
 * GFLOP/s against numpy's on the same machine.
 */
export function formatBenchTable(report: BenchReport): string {
  const find = (
    backend: string,
    environment: string,
    depth: number,
    width: number,
    runs: number,
    mode: string,
  ) =>
    report.results.find(
      (r) =>
        r.backend === backend &&
        r.environment === environment &&
        r.depth === depth &&
        r.width === width &&
        r.runs === runs &&
        r.mode === mode,
    );
  const places = [...new Set(report.results.map((r) => `${r.environment} ${r.backend}`))];
  const lines = [
    `Measured ${report.date.slice(0, 10)} on ${report.machine.cpus} CPU cores, Node ${report.machine.node}; ms per training step of all runs (batch 64, SGD, teacher task).`,
    report.native
      ? `Native reference: ${report.native.tool} float32 batch-64 layer matMul at ${Object.entries(
          report.native.gflopsByWidth,
        )
          .map(([n, g]) => `N = ${n}: ${g.toFixed(1)} GFLOP/s`)
          .join(', ')}.`
      : 'Native reference: python3 with numpy not found.',
    ...Object.entries(report.adapters).map(([place, adapter]) => `${place}: ${adapter}.`),
    '',
    '| where | L | N | 1 run | 2 stacked | 2 stacked ÷ 1 | 2 separate | 6 stacked | 6 separate | best GFLOP/s | ÷ numpy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const place of places) {
    const [environment, backend] = place.split(' ') as [string, string];
    for (const depth of report.grid.depths) {
      for (const width of report.grid.widths) {
        const single = find(backend, environment, depth, width, 1, 'stacked');
        if (!single) continue;
        const pair = find(backend, environment, depth, width, 2, 'stacked');
        const pairSeparate = find(backend, environment, depth, width, 2, 'separate');
        const six = find(backend, environment, depth, width, 6, 'stacked');
        const sixSeparate = find(backend, environment, depth, width, 6, 'separate');
        const cells = [single, pair, pairSeparate, six, sixSeparate];
        const best = Math.max(...cells.map((c) => c?.gflops ?? 0));
        const native = report.native?.gflopsByWidth[String(width)];
        const time = (cell: BenchResult | undefined) => (cell?.skipped ? 'skipped' : fixed(cell?.msPerStep));
        const ratio =
          single.msPerStep && pair?.msPerStep ? (pair.msPerStep / single.msPerStep).toFixed(2) : '—';
        lines.push(
          `| ${place} | ${depth} | ${width} | ${time(single)} | ${time(pair)} | ${ratio} | ${time(pairSeparate)} | ${time(six)} | ${time(sixSeparate)} | ${best > 0 ? best.toFixed(2) : '—'} | ${best > 0 && native ? (best / native).toFixed(3) : '—'} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/** Seconds per spectrum snapshot (two runs) against width and depth. */
export function formatJacobianTable(results: readonly JacobianBenchResult[]): string {
  if (results.length === 0) return 'Jacobian + SVD: not measured.';
  const depths = [...new Set(results.map((r) => r.depth))];
  const widths = [...new Set(results.map((r) => r.width))];
  const cell = (depth: number, width: number) =>
    results.find((r) => r.depth === depth && r.width === width)?.seconds?.toFixed(1) ?? 'skipped';
  return [
    `Jacobian + SVD, one snapshot of a Gaussian/orthogonal pair (${results[0]!.backend}), seconds:`,
    '',
    `| L \\ N | ${widths.join(' | ')} |`,
    `| --- | ${widths.map(() => '---').join(' | ')} |`,
    ...depths.map((depth) => `| ${depth} | ${widths.map((w) => cell(depth, w)).join(' | ')} |`),
  ].join('\n');
}
