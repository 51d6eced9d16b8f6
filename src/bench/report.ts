import type { BenchGrid, BenchResult, JacobianBenchResult } from './measure.ts';
import {
  WINDOW_STEPS,
  type LongTaskSummary,
  type PageBenchReport,
  type PageBenchResult,
} from './pageMetrics.ts';

export interface BenchReport {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly grid: BenchGrid;
  readonly adapters: Record<string, string>;
  /** The numpy baseline's tool and thread count; its cells are in `results` (implementation 'numpy'). */
  readonly native: { readonly tool: string; readonly threads: string } | null;
  readonly results: readonly BenchResult[];
}

/** What the engine is asked to reach (issue 8). */
export const TARGETS = {
  /** Engine pair steps/s ÷ tfjs-layers pair steps/s, at least. */
  overLayers: 2,
  /** Best CPU backend's GFLOP/s ÷ numpy single-thread's, at least, at this size. */
  overNumpy: 0.2,
  numpySize: { depth: 50, width: 400 },
  /** WebGPU: stacked pair time ÷ one run's time, at most. */
  stackedPair: 1.3,
} as const;

const CPU_BACKENDS = ['wasm', 'cpu'];

const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/** Steps per second with three significant figures or so. */
const rate = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return '—';
  const perSecond = 1000 / ms;
  return perSecond.toFixed(perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2);
};

const mark = (met: boolean) => (met ? '✓' : '✗');

interface Row {
  readonly place: string;
  readonly backend: string;
  readonly pair: BenchResult;
  readonly layers?: BenchResult;
  readonly numpy?: BenchResult;
  readonly single?: BenchResult;
  readonly separate?: BenchResult;
}

const measured = (r: BenchResult | undefined): r is BenchResult & { msPerStep: number; gflops: number } =>
  r !== undefined && r.msPerStep !== null && r.gflops !== null;

const overLayers = (row: Row) =>
  measured(row.pair) && measured(row.layers) ? row.layers.msPerStep / row.pair.msPerStep : null;
const overNumpy = (row: Row) =>
  measured(row.pair) && measured(row.numpy) ? row.pair.gflops / row.numpy.gflops : null;
const pairOverSingle = (row: Row) =>
  measured(row.pair) && measured(row.single) ? row.pair.msPerStep / row.single.msPerStep : null;
const isNumpySize = (r: BenchResult) =>
  r.depth === TARGETS.numpySize.depth && r.width === TARGETS.numpySize.width;

/** The targets a row is judged on, each with ✓ (met) or ✗ (missed); measured cells only. */
function rowTargets(row: Row): string {
  const out: string[] = [];
  const layers = overLayers(row);
  if (layers !== null) out.push(`${mark(layers >= TARGETS.overLayers)} ≥ ${TARGETS.overLayers}× layers`);
  const numpy = overNumpy(row);
  if (numpy !== null && isNumpySize(row.pair) && CPU_BACKENDS.includes(row.backend))
    out.push(`${mark(numpy >= TARGETS.overNumpy)} ≥ ${TARGETS.overNumpy * 100}% numpy`);
  const stacking = pairOverSingle(row);
  if (stacking !== null && row.backend === 'webgpu' && row.pair.formulation === 'stacked')
    out.push(`${mark(stacking <= TARGETS.stackedPair)} pair ≤ ${TARGETS.stackedPair}× one run`);
  return out.join(', ');
}

/** Every engine pair cell with the cells it is compared with. */
function rows(report: BenchReport): Row[] {
  const engine = report.results.filter((r) => r.environment !== 'native');
  const places = [...new Set(engine.map((r) => `${r.environment} ${r.backend}`))];
  const out: Row[] = [];
  for (const place of places) {
    const here = engine.filter((r) => `${r.environment} ${r.backend}` === place);
    for (const depth of report.grid.depths) {
      for (const width of report.grid.widths) {
        const size = here.filter((r) => r.depth === depth && r.width === width);
        const pairs = size
          .filter((r) => r.implementation === 'engine' && r.runs > 1 && r.mode === 'stacked')
          .sort((a, b) => Number(b.preferred) - Number(a.preferred));
        const find = (test: (r: BenchResult) => boolean) => size.find(test);
        for (const pair of pairs)
          out.push({
            place,
            backend: pair.backend,
            pair,
            layers: find((r) => r.implementation === 'tfjs-layers'),
            numpy: report.results.find(
              (r) => r.implementation === 'numpy' && r.depth === depth && r.width === width,
            ),
            single: find((r) => r.implementation === 'engine' && r.runs === 1),
            separate: find((r) => r.implementation === 'engine' && r.runs > 1 && r.mode === 'separate'),
          });
      }
    }
  }
  return out;
}

/** The three target lines under the table. */
function targetSummary(all: readonly Row[]): string[] {
  const preferred = all.filter((row) => row.pair.preferred);
  const layerRatios = preferred
    .map((row) => ({ row, ratio: overLayers(row) }))
    .filter((e): e is { row: Row; ratio: number } => e.ratio !== null);
  const worst = layerRatios.reduce<(typeof layerRatios)[number] | null>(
    (w, e) => (w === null || e.ratio < w.ratio ? e : w),
    null,
  );
  const met = layerRatios.filter((e) => e.ratio >= TARGETS.overLayers).length;
  const layersLine =
    layerRatios.length === 0
      ? `- Engine ≥ ${TARGETS.overLayers}× tfjs-layers: not measured.`
      : `- Engine (default formulation) ≥ ${TARGETS.overLayers}× tfjs-layers: ${met === layerRatios.length ? 'met' : 'missed'} in ${met === layerRatios.length ? 'all' : `${layerRatios.length - met} of`} ${layerRatios.length} measured cells (lowest ${worst!.ratio.toFixed(2)}× on ${worst!.row.place} at L = ${worst!.row.pair.depth}, N = ${worst!.row.pair.width}).`;

  const cpu = all
    .filter((row) => CPU_BACKENDS.includes(row.backend) && isNumpySize(row.pair))
    .map((row) => ({ row, ratio: overNumpy(row) }))
    .filter((e): e is { row: Row; ratio: number } => e.ratio !== null);
  const best = cpu.reduce<(typeof cpu)[number] | null>(
    (b, e) => (b === null || e.ratio > b.ratio ? e : b),
    null,
  );
  const { depth, width } = TARGETS.numpySize;
  const numpyLine = best
    ? `- Best CPU backend ≥ ${TARGETS.overNumpy * 100}% of numpy single-thread at L = ${depth}, N = ${width}: ${best.row.place} (${best.row.pair.formulation}) at ${(best.ratio * 100).toFixed(1)}%, ${best.ratio >= TARGETS.overNumpy ? 'met' : 'missed'}.`
    : `- Best CPU backend ≥ ${TARGETS.overNumpy * 100}% of numpy single-thread at L = ${depth}, N = ${width}: not measured.`;

  const webgpu = all
    .filter((row) => row.backend === 'webgpu' && row.pair.formulation === 'stacked')
    .map((row) => ({ row, ratio: pairOverSingle(row) }))
    .filter((e): e is { row: Row; ratio: number } => e.ratio !== null);
  const webgpuLine =
    webgpu.length === 0
      ? `- WebGPU stacked pair ≤ ${TARGETS.stackedPair}× one run: not measured.`
      : `- WebGPU stacked pair ≤ ${TARGETS.stackedPair}× one run: ${webgpu.every((e) => e.ratio <= TARGETS.stackedPair) ? 'met' : 'missed'} (${webgpu.map((e) => `${e.ratio.toFixed(2)} at L = ${e.row.pair.depth}, N = ${e.row.pair.width}`).join('; ')}).`;
  return ['Targets:', '', layersLine, numpyLine, webgpuLine];
}

/**
 * One row per backend, size and engine formulation (the default one first): steps/s and GFLOP/s
 * of the engine's Gaussian/orthogonal pair, the tfjs-layers pair on the same backend and the
 * engine ÷ layers ratio, the ratio to numpy single-thread, one run and the pair as two programs
 * (the stacking comparison), and the targets the row is judged on. numpy's own rows come last.
 */
export function formatBenchTable(report: BenchReport): string {
  const all = rows(report);
  const numpy = report.results.filter((r) => r.implementation === 'numpy');
  const time = (cell: BenchResult | undefined) => (cell?.skipped ? 'skipped' : fixed(cell?.msPerStep));
  const lines = [
    `Measured ${report.date.slice(0, 10)} on ${report.machine.cpus} CPU cores, Node ${report.machine.node}. A step trains a Gaussian/orthogonal pair (R = 2) one SGD step: batch 64, teacher task (32 inputs, 1 output, MSE), tanh; GFLOP/s counts 6 × batch × weights × R per step.`,
    `tfjs-layers: two \`tf.sequential\` models of the same shapes and initial weights, \`optimizer.minimize\` (autodiff), on the same backend, timed in turns with the engine.`,
    report.native
      ? `numpy: ${report.native.tool}, ${report.native.threads === '1' ? 'single-threaded' : `${report.native.threads} threads`}, float32, backward pass by hand (bench/numpy_step.py).`
      : 'numpy: python3 with numpy not found.',
    ...Object.entries(report.adapters).map(([place, adapter]) => `${place}: ${adapter}.`),
    '',
    '| where | L | N | engine step | pair steps/s | GFLOP/s | tfjs-layers steps/s | ÷ layers | ÷ numpy | 1 run ms | 2 separate ms | pair ÷ 1 run | targets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of all) {
    const { pair } = row;
    const layers = overLayers(row);
    const ratio = overNumpy(row);
    const stacking = pairOverSingle(row);
    const formulation = `${pair.formulation ?? '—'}${pair.preferred ? ' (default)' : ''}`;
    lines.push(
      `| ${row.place} | ${pair.depth} | ${pair.width} | ${formulation} | ${pair.skipped ? 'skipped' : rate(pair.msPerStep)} | ${fixed(pair.gflops, 2)} | ${row.layers?.skipped ? 'skipped' : rate(row.layers?.msPerStep)} | ${layers === null ? '—' : `${layers.toFixed(2)}×`} | ${ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`} | ${time(row.single)} | ${time(row.separate)} | ${fixed(stacking, 2)} | ${rowTargets(row)} |`,
    );
  }
  for (const cell of numpy)
    lines.push(
      `| numpy ${report.native?.threads === '1' ? '1 thread' : 'native'} | ${cell.depth} | ${cell.width} | by hand | ${cell.skipped ? 'skipped' : rate(cell.msPerStep)} | ${fixed(cell.gflops, 2)} | — | — | 100% | — | — | — | |`,
    );
  return [...lines, '', ...targetSummary(all)].join('\n');
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

/** What the lab in the browser is asked to reach (issue 8), on the default configuration. */
export const PAGE_TARGETS = {
  /** Seconds from navigation to the first drawn training step, at most. */
  firstStepSeconds: 3,
  /** Training steps per second, at least. */
  stepsPerSecond: 10,
  /** Main-thread tasks over 50 ms while training: none. */
  longTasksWhileTraining: 0,
} as const;

interface PageVerdict {
  readonly name: string;
  /** The row's value as shown in the summary, or null when not measured. */
  readonly value: (r: PageBenchResult) => string | null;
  readonly met: (r: PageBenchResult) => boolean;
}

const PAGE_VERDICTS: readonly PageVerdict[] = [
  {
    name: `first step ≤ ${PAGE_TARGETS.firstStepSeconds} s`,
    value: (r) => (r.secondsToFirstStep === null ? null : `${r.secondsToFirstStep.toFixed(2)} s`),
    met: (r) => r.secondsToFirstStep !== null && r.secondsToFirstStep <= PAGE_TARGETS.firstStepSeconds,
  },
  {
    name: `≥ ${PAGE_TARGETS.stepsPerSecond} steps/s`,
    value: (r) => (r.stepsPerSecond === null ? null : `${r.stepsPerSecond.toFixed(1)} steps/s`),
    met: (r) => r.stepsPerSecond !== null && r.stepsPerSecond >= PAGE_TARGETS.stepsPerSecond,
  },
  {
    name: 'no long task > 50 ms while training',
    value: (r) =>
      r.windowLongTasks === null
        ? null
        : r.windowLongTasks.count === 0
          ? 'none'
          : `${r.windowLongTasks.count}, longest ${Math.round(r.windowLongTasks.longestMs ?? 0)} ms`,
    met: (r) => r.windowLongTasks !== null && r.windowLongTasks.count <= PAGE_TARGETS.longTasksWhileTraining,
  },
];

const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

const longTasksCell = (summary: LongTaskSummary | null) =>
  summary === null
    ? '—'
    : summary.count === 0
      ? '0'
      : `${summary.count} (longest ${Math.round(summary.longestMs ?? 0)} ms)`;

/**
 * "The lab in the browser": per link, seconds to the first drawn training step, bytes before it,
 * long tasks at start-up, steps/s and long tasks while training (with their histogram), and the
 * targets each row meets or misses; then one line per target over all links.
 */
export function formatPageTable(report: PageBenchReport | null): string {
  if (report === null) return 'The lab in the browser: not measured.';
  const lines = [
    `The lab in the browser: ${report.browser}, headless, ${report.viewport.width} × ${report.viewport.height}, on ${report.cpus} CPU cores, measured ${report.date.slice(0, 10)}; every load in a fresh browser context (no cached backend choice). First step: seconds from the start of \`page.goto\` to the first point of the loss curve, on the link itself, and the KB on the wire before it. Steps/s and long tasks while training: over ${report.seconds} s from the first step, on the link with \`steps=${WINDOW_STEPS}\` added (so that training outlasts the window; T is 1000 by default). Long tasks: main-thread tasks of 50 ms or more (PerformanceObserver 'longtask'); start-up counts those before the first step.`,
    '',
    '| link | backend | first step s | KB before first step | long tasks at start-up | steps/s | long tasks while training | 50–100 / 100–200 / > 200 ms | targets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of report.results) {
    const window = r.windowLongTasks;
    const histogram =
      window === null
        ? '—'
        : `${window.histogram['50-100 ms']} / ${window.histogram['100-200 ms']} / ${window.histogram['over 200 ms']}`;
    const steps =
      r.stepsPerSecond === null
        ? '—'
        : `${r.stepsPerSecond.toFixed(1)}${r.finishedEarly || r.windowSeconds < report.seconds - 1 ? ` (over ${r.windowSeconds.toFixed(0)} s${r.finishedEarly ? ', T reached' : ''})` : ''}`;
    const targets = PAGE_VERDICTS.filter((v) => v.value(r) !== null)
      .map((v) => `${mark(v.met(r))} ${v.name}`)
      .join(', ');
    lines.push(
      `| \`${r.link}\` | ${r.backend === null ? '—' : cellText(r.backend)} | ${fixed(r.secondsToFirstStep, 2)} | ${r.bytesBeforeFirstStep === null ? '—' : (r.bytesBeforeFirstStep / 1000).toFixed(0)} | ${longTasksCell(r.startupLongTasks)} | ${steps} | ${longTasksCell(window)} | ${histogram} | ${r.error ? `${targets}${targets ? '; ' : ''}${cellText(r.error)}` : targets} |`,
    );
  }
  const summary = PAGE_VERDICTS.map((v) => {
    const measuredRows = report.results.filter((r) => v.value(r) !== null);
    if (measuredRows.length === 0) return `- ${capitalize(v.name)}: not measured.`;
    const verdict = measuredRows.every(v.met) ? 'met' : 'missed';
    return `- ${capitalize(v.name)}: ${verdict} (${measuredRows.map((r) => `\`${r.link}\` ${v.value(r)!} ${mark(v.met(r))}`).join(', ')}).`;
  });
  return [...lines, '', 'Targets in the browser:', '', ...summary].join('\n');
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
