import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import {
  BATCH_SIZE,
  BENCH_LEARNING_RATE,
  DEFAULT_BUDGET,
  FULL_GRID,
  PAIR,
  QUICK_GRID,
  measureGrid,
  measureJacobianGrid,
  type BenchGrid,
  type BenchResult,
  type JacobianBenchResult,
} from '../bench/measure.ts';
import { measurePages } from '../bench/pageBench.ts';
import { BENCH_SECTIONS } from '../bench/sections.ts';
import type { PageBenchReport } from '../bench/pageMetrics.ts';
import { formatBenchTable, formatJacobianTable, formatPageTable, type BenchReport } from '../bench/report.ts';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { DEFAULT_TEACHER } from '../engine/index.ts';
// @ts-expect-error -- plain ES module script shared with the tests; it has no type declarations.
import { findChromium } from '../../scripts/find-chromium.mjs';
import { UsageError, numberFlag, runCli, type CliFlag } from './args.ts';
import { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';
import { fileByteSource } from '../engine/data/fileByteSource.ts';
import { DATA_DIR } from './common.ts';

const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** The page-level section, "The lab in the browser". */
const PAGE = 'page';
/** Sections timing one part of the lab each (src/bench/sections.ts). */
const SECTION_NAMES = BENCH_SECTIONS.map((section) => section.name);
const DEFAULT_PAGE_SECONDS = 120;
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

const FLAGS: readonly CliFlag[] = [
  {
    name: 'quick',
    boolean: true,
    help: `small grid (L ${QUICK_GRID.depths}, N ${QUICK_GRID.widths})`,
  },
  { name: 'seconds', help: `time measured per cell after warm-up (default ${DEFAULT_BUDGET.seconds})` },
  {
    name: 'only',
    help: `comma-separated subset of node-cpu,node-wasm,webgpu,webgl,wasm,cpu,numpy,${SECTION_NAMES.join(',')},page (default: all but node-cpu, which the browser cpu row stands for)`,
  },
  {
    name: 'page-seconds',
    help: `training time measured per link by the page section (default ${DEFAULT_PAGE_SECONDS})`,
  },
  { name: 'depths', help: "comma-separated depths L instead of the grid's" },
  { name: 'widths', help: "comma-separated widths N instead of the grid's" },
  { name: 'no-readme', boolean: true, help: 'do not rewrite the README table' },
  { name: 'no-jacobian', boolean: true, help: 'skip the Jacobian + SVD timings' },
];

interface NumpyBaseline {
  readonly tool: string;
  readonly threads: string;
  readonly results: BenchResult[];
}

const NUMPY_SCRIPT = fileURLToPath(new URL('../../bench/numpy_step.py', import.meta.url));

/**
 * numpy's full training step (bench/numpy_step.py) for every size of the grid, single-threaded.
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this one command: they force slower
 * OpenBLAS kernels than the CPU's own.
 */
function numpyBaseline(grid: BenchGrid, seconds: number, maxSecondsPerStep: number): NumpyBaseline | null {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const spec = {
    cells: grid.depths.flatMap((depth) => grid.widths.map((width) => [depth, width])),
    runs: PAIR,
    batch: BATCH_SIZE,
    inputSize: DEFAULT_TEACHER.inputSize,
    outputSize: 1,
    seconds,
    maxSecondsPerStep,
    lr: BENCH_LEARNING_RATE,
    sw2: DEFAULT_CONFIG.sw2,
    sb2: DEFAULT_CONFIG.sb2,
  };
  try {
    const parsed = JSON.parse(
      execFileSync('python3', [NUMPY_SCRIPT, JSON.stringify(spec)], { encoding: 'utf8', env }),
    ) as {
      tool: string;
      threads: string;
      results: {
        depth: number;
        width: number;
        runs: number;
        msPerStep: number | null;
        gflops: number | null;
        stepsTimed: number;
        skipped?: string;
      }[];
    };
    return {
      tool: parsed.tool,
      threads: parsed.threads,
      results: parsed.results.map((r) => ({
        backend: 'numpy',
        environment: 'native',
        implementation: 'numpy',
        formulation: null,
        preferred: false,
        mode: 'separate',
        ...r,
      })),
    };
  } catch (error) {
    console.error(`bench: numpy baseline failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
    probe.on('error', reject);
  });
}

/** scripts/serve.mjs on a free port, serving dist/ until `fn` settles; `fn` gets its origin. */
async function withServer<T>(fn: (origin: string) => Promise<T>): Promise<T> {
  if (!existsSync('dist/index.html') || !existsSync('dist/bench.html'))
    throw new UsageError('no build found: run `npm run build` first');
  const port = await freePort();
  const server = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (data) => {
        if (String(data).includes('running at')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`scripts/serve.mjs exited with ${code}`)));
    });
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.kill();
  }
}

/** Headless Chromium (the one installed, never a downloaded one) until `fn` settles. */
async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const executablePath = findChromium() as string | null;
  if (!executablePath)
    throw new UsageError(
      'no Chromium found for the browser sections (set CHROMIUM_PATH, or --only node-cpu,node-wasm,numpy)',
    );
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** All browser backends in one page and one worker (so unit draws are made once), in turn. */
async function browserResults(
  browser: Browser,
  origin: string,
  backends: readonly string[],
  grid: BenchGrid,
  seconds: number,
) {
  const adapters: Record<string, string> = {};
  const page = await browser.newPage();
  const query = new URLSearchParams({
    backends: backends.join(','),
    depths: grid.depths.join(','),
    widths: grid.widths.join(','),
    seconds: String(seconds),
  });
  await page.goto(`${origin}/bench.html?${query.toString()}`);
  // Report progress as cells arrive.
  let reported = 0;
  const outcome = async () =>
    page.evaluate(() => {
      const w = window as unknown as {
        benchResults: BenchResult[];
        benchBackends: Record<string, { active: string; adapter: string }>;
        benchErrors: Record<string, string>;
        benchDone: boolean;
        benchError: string | null;
      };
      return {
        results: w.benchResults,
        backends: w.benchBackends,
        errors: w.benchErrors,
        done: w.benchDone,
        error: w.benchError,
      };
    });
  const deadline = Date.now() + 30 * 60_000;
  let state = await outcome();
  while (!state.done && state.error === null && Date.now() < deadline) {
    for (const r of state.results.slice(reported))
      console.error(`bench: browser ${r.backend} ${describe(r)}`);
    reported = state.results.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    state = await outcome();
  }
  for (const r of state.results.slice(reported)) console.error(`bench: browser ${r.backend} ${describe(r)}`);
  if (state.error !== null) console.error(`bench: browser: ${state.error}`);
  else if (!state.done) console.error('bench: browser: gave up after 30 minutes');
  for (const [backend, message] of Object.entries(state.errors))
    console.error(`bench: browser ${backend}: ${message}`);
  for (const selected of Object.values(state.backends))
    adapters[`browser ${selected.active}`] = selected.adapter;
  await page.close();
  return { results: state.results, adapters };
}

type BenchFile = BenchReport & {
  readonly secondsPerCell?: number;
  readonly jacobian?: JacobianBenchResult[];
  readonly page?: PageBenchReport | null;
} & {
  /** Each section's rows, by its name (ntk, sweep, orth, …). */
  readonly [section: string]: unknown;
};

/** A section's rows as bench/results.json keeps them. */
interface SectionRows {
  readonly date: string;
  readonly rows: readonly object[];
}

/** The previous bench/results.json, or null when there is none or it is not of this format. */
function readPreviousResults(): BenchFile | null {
  try {
    const parsed = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Partial<BenchFile>;
    return Array.isArray(parsed.results) && parsed.grid && parsed.machine ? (parsed as BenchFile) : null;
  } catch {
    return null;
  }
}

function describe(r: BenchResult): string {
  const what = r.implementation === 'engine' ? `engine ${r.formulation}` : r.implementation;
  const time =
    r.msPerStep === null
      ? r.skipped
      : `${(1000 / r.msPerStep).toFixed(1)} steps/s, ${r.gflops?.toFixed(2)} GFLOP/s`;
  return `L=${r.depth} N=${r.width} R=${r.runs} ${what}${r.mode === 'separate' && r.implementation === 'engine' ? ' separate' : ''}: ${time}`;
}

runCli('bench', FLAGS, ({ flags, values }) => {
  const positive = (name: string, fallback: number) => {
    const raw = values.get(name);
    return raw === undefined ? fallback : numberFlag(name, raw, { above: 0 });
  };
  const seconds = positive('seconds', DEFAULT_BUDGET.seconds);
  const preset: BenchGrid = flags.has('quick') ? QUICK_GRID : FULL_GRID;
  const sizes = (name: string) => {
    const value = values.get(name);
    if (value === undefined) return undefined;
    return value.split(',').map((item) => numberFlag(name, item, { integer: true, min: 1 }));
  };
  const grid: BenchGrid = {
    depths: sizes('depths') ?? preset.depths,
    widths: sizes('widths') ?? preset.widths,
  };
  const pageSeconds = positive('page-seconds', DEFAULT_PAGE_SECONDS);
  const all = ['node-cpu', 'node-wasm', ...BROWSER_BACKENDS, 'numpy', ...SECTION_NAMES, PAGE];
  // Node's cpu backend is the browser's plain-JavaScript one again, only slower to measure.
  const only = values.get('only')?.split(',') ?? all.filter((name) => name !== 'node-cpu');
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length > 0)
    throw new UsageError(`--only: unknown ${unknown.join(', ')}; known: ${all.join(', ')}`);

  const main = async () => {
    const results: BenchResult[] = [];
    const adapters: Record<string, string> = {};
    for (const backend of NODE_BACKENDS) {
      if (!only.includes(`node-${backend}`)) continue;
      await selectNodeBackend(backend);
      await measureGrid(grid, { backend, environment: 'node' }, { ...DEFAULT_BUDGET, seconds }, (r) => {
        results.push(r);
        console.error(`bench: node ${backend} ${describe(r)}`);
      });
    }
    // numpy right after the Node backends, on the same quiet machine.
    const numpy = only.includes('numpy')
      ? numpyBaseline(grid, seconds, DEFAULT_BUDGET.maxSecondsPerStep)
      : null;
    for (const r of numpy?.results ?? []) console.error(`bench: ${describe(r)}`);
    results.push(...(numpy?.results ?? []));
    const jacobian: JacobianBenchResult[] = [];
    if (!flags.has('no-jacobian') && only.includes('node-wasm')) {
      await selectNodeBackend('wasm');
      await measureJacobianGrid('node wasm', (r) => {
        jacobian.push(r);
        console.error(`bench: jacobian L=${r.depth} N=${r.width}: ${r.seconds?.toFixed(2) ?? 'skipped'} s`);
      });
    }
    const sections: Record<string, SectionRows> = {};
    for (const section of BENCH_SECTIONS) {
      if (!only.includes(section.name)) continue;
      const rows = await section.run({
        seconds,
        dataSource: fileByteSource(DATA_DIR),
        log: (line) => console.error(`bench: ${line}`),
      });
      sections[section.name] = { date: new Date().toISOString(), rows };
    }
    const browserBackends = BROWSER_BACKENDS.filter((b) => only.includes(b));
    let page: PageBenchReport | null = null;
    if (browserBackends.length > 0 || only.includes(PAGE)) {
      await withServer((origin) =>
        withBrowser(async (browser) => {
          if (browserBackends.length > 0) {
            const measured = await browserResults(browser, origin, browserBackends, grid, seconds);
            results.push(...measured.results);
            Object.assign(adapters, measured.adapters);
          }
          // Last, on a machine that the other sections have left quiet.
          if (only.includes(PAGE))
            page = await measurePages(browser, origin, pageSeconds, cpus().length, (line) =>
              console.error(`bench: ${line}`),
            );
        }),
      );
    }
    const native = numpy ? { tool: numpy.tool, threads: numpy.threads } : null;
    const measuredNow = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      grid,
      secondsPerCell: seconds,
      adapters,
      native,
      results,
      jacobian,
    };
    // A section not run keeps its previous figures (each carries its date): `--only page` leaves
    // the grid as it was, and a grid run leaves the page section as it was.
    const previous = readPreviousResults();
    const gridRun = only.some((name) => name !== PAGE && !SECTION_NAMES.includes(name));
    const report: BenchFile = {
      ...(gridRun || previous === null ? measuredNow : previous),
      page: page ?? previous?.page ?? null,
      ...Object.fromEntries(
        BENCH_SECTIONS.map((section) => [
          section.name,
          sections[section.name] ?? previous?.[section.name] ?? null,
        ]),
      ),
    };
    mkdirSync('bench', { recursive: true });
    writeFileSync('bench/results.json', `${JSON.stringify(report, null, 2)}\n`);
    const table = [
      formatBenchTable(report),
      formatJacobianTable(report.jacobian ?? []),
      formatPageTable(report.page ?? null),
      ...BENCH_SECTIONS.map((section) => {
        const kept = report[section.name] as SectionRows | null | undefined;
        return kept ? `${section.title} (${kept.date.slice(0, 10)}):\n\n${section.format(kept.rows)}` : '';
      }),
    ]
      .filter((part) => part !== '')
      .join('\n\n');
    console.log(table);
    if (!flags.has('no-readme') && existsSync('README.md')) {
      const readme = readFileSync('README.md', 'utf8');
      const start = readme.indexOf(README_START);
      const end = readme.indexOf(README_END);
      if (start >= 0 && end > start) {
        writeFileSync(
          'README.md',
          `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`,
        );
        // Keep the README as the formatter wants it, so that `npm run lint` stays green.
        execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--write', 'README.md']);
        console.error('bench: README table updated');
      }
    }
  };
  main().catch((error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
});
