import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import {
  FULL_GRID,
  QUICK_GRID,
  measureGrid,
  measureJacobianGrid,
  type BenchGrid,
  type BenchResult,
  type JacobianBenchResult,
} from '../bench/measure.ts';
import { formatBenchTable, formatJacobianTable } from '../bench/report.ts';
// @ts-expect-error -- plain ES module script shared with the tests; it has no type declarations.
import { findChromium } from '../../scripts/find-chromium.mjs';
import { UsageError, runCli, type CliFlag } from './args.ts';
import { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';

const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const PORT = 4321;
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

const FLAGS: readonly CliFlag[] = [
  {
    name: 'quick',
    boolean: true,
    help: `small grid (L ${QUICK_GRID.depths}, N ${QUICK_GRID.widths}, R ${QUICK_GRID.runs})`,
  },
  { name: 'seconds', help: 'time measured per cell after warm-up (default 1.5)' },
  { name: 'only', help: 'comma-separated subset: node-cpu,node-wasm,webgpu,webgl,wasm,cpu,native' },
  { name: 'no-readme', boolean: true, help: 'do not rewrite the README table' },
  { name: 'no-jacobian', boolean: true, help: 'skip the Jacobian + SVD timings' },
];

interface NativeReference {
  readonly tool: string;
  /** Achieved GFLOP/s of float32 matrix products shaped like one layer of the grid. */
  readonly gflopsByWidth: Record<string, number>;
}

/** numpy's float32 matMul of a batch-64 layer, the plain baseline the ratios are read against. */
function nativeReference(widths: readonly number[], seconds: number): NativeReference | null {
  const script = `
import json, sys, time
import numpy as np
out = {}
for n in ${JSON.stringify(widths)}:
    a = np.random.rand(64, n).astype(np.float32); w = np.random.rand(n, n).astype(np.float32)
    a @ w
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < ${seconds}:
        a @ w; reps += 1
    out[str(n)] = 2 * 64 * n * n * reps / (time.perf_counter() - start) / 1e9
print(json.dumps({"tool": "numpy " + np.__version__, "gflops": out}))
`;
  try {
    const parsed = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as {
      tool: string;
      gflops: Record<string, number>;
    };
    return { tool: parsed.tool, gflopsByWidth: parsed.gflops };
  } catch {
    return null;
  }
}

async function browserResults(backends: readonly string[], grid: 'quick' | 'full', seconds: number) {
  const executablePath = findChromium() as string | null;
  if (!executablePath)
    throw new UsageError(
      'no Chromium found for the browser backends (set CHROMIUM_PATH, or --only node-cpu,node-wasm)',
    );
  if (!existsSync('dist/bench.html')) throw new UsageError('no build found: run `npm run build` first');
  const server = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, PORT: String(PORT) },
    stdio: 'ignore',
  });
  const results: BenchResult[] = [];
  const adapters: Record<string, string> = {};
  try {
    await new Promise((resolve) => setTimeout(resolve, 800));
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
      for (const backend of backends) {
        const page = await browser.newPage();
        await page.goto(
          `http://127.0.0.1:${PORT}/bench.html?backend=${backend}&grid=${grid}&seconds=${seconds}`,
        );
        await page.waitForFunction(
          () => {
            const w = window as unknown as { benchDone: boolean; benchError: string | null };
            return w.benchDone || w.benchError !== null;
          },
          null,
          { timeout: 30 * 60_000, polling: 1000 },
        );
        const outcome = await page.evaluate(() => {
          const w = window as unknown as {
            benchResults: BenchResult[];
            benchError: string | null;
            benchBackend: { active: string; adapter: string } | null;
          };
          return { results: w.benchResults, error: w.benchError, backend: w.benchBackend };
        });
        if (outcome.error) console.error(`bench: browser ${backend}: ${outcome.error}`);
        if (outcome.backend) adapters[`browser ${backend}`] = outcome.backend.adapter;
        results.push(...outcome.results);
        console.error(`bench: browser ${backend}: ${outcome.results.length} cells`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
  return { results, adapters };
}

runCli('bench', FLAGS, ({ flags, values }) => {
  const seconds = Number(values.get('seconds') ?? 1.5);
  if (!(seconds > 0)) throw new UsageError(`--seconds ${values.get('seconds')}: expected a positive number`);
  const grid: BenchGrid = flags.has('quick') ? QUICK_GRID : FULL_GRID;
  const all = ['node-cpu', 'node-wasm', ...BROWSER_BACKENDS, 'native'];
  const only = values.get('only')?.split(',') ?? all;
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length > 0)
    throw new UsageError(`--only: unknown ${unknown.join(', ')}; known: ${all.join(', ')}`);

  const main = async () => {
    const results: BenchResult[] = [];
    const adapters: Record<string, string> = {};
    for (const backend of NODE_BACKENDS) {
      if (!only.includes(`node-${backend}`)) continue;
      await selectNodeBackend(backend);
      await measureGrid(
        grid,
        { backend, environment: 'node' },
        { seconds, maxSecondsPerStep: 4, maxMemoryBytes: 768 * 2 ** 20 },
        (r) => {
          results.push(r);
          console.error(
            `bench: node ${backend} L=${r.depth} N=${r.width} R=${r.runs} ${r.mode}: ${r.msPerStep?.toFixed(1) ?? r.skipped} ms/step`,
          );
        },
      );
    }
    const jacobian: JacobianBenchResult[] = [];
    if (!flags.has('no-jacobian') && only.includes('node-wasm')) {
      await selectNodeBackend('wasm');
      await measureJacobianGrid('node wasm', (r) => {
        jacobian.push(r);
        console.error(`bench: jacobian L=${r.depth} N=${r.width}: ${r.seconds?.toFixed(2) ?? 'skipped'} s`);
      });
    }
    const browserBackends = BROWSER_BACKENDS.filter((b) => only.includes(b));
    if (browserBackends.length > 0) {
      const browser = await browserResults(browserBackends, flags.has('quick') ? 'quick' : 'full', seconds);
      results.push(...browser.results);
      Object.assign(adapters, browser.adapters);
    }
    const native = only.includes('native') ? nativeReference(grid.widths, seconds) : null;
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      grid,
      secondsPerCell: seconds,
      adapters,
      native,
      results,
      jacobian,
    };
    mkdirSync('bench', { recursive: true });
    writeFileSync('bench/results.json', `${JSON.stringify(report, null, 2)}\n`);
    const table = `${formatBenchTable(report)}\n\n${formatJacobianTable(jacobian)}`;
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
