import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery, toQuery } from '../config/index.ts';
import { parseRunsResult } from '../runs/runsFile.ts';
import { LAB_VERSION } from '../sweep/labVersion.ts';

/** Runs src/cli/experiment.ts as `npm run experiment` would (tsx). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/experiment.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CONFIG = '?data=teacher&L=3&N=16&seeds=1&init=both&lr=0.05&bs=32';

describe('experiment CLI', () => {
  it('prints the same JSON twice for the same config and seed', () => {
    const first = cli('--config', CONFIG, '--steps', '12', '--every', '5');
    const second = cli('--config', CONFIG, '--steps', '12', '--every', '5');
    expect(first.status, first.stderr).toBe(0);
    // The same numbers; only when it ran and how long it took differ.
    const timeless = (stdout: string) => {
      const {
        createdAt: _createdAt,
        seconds: _seconds,
        ...rest
      } = JSON.parse(stdout) as Record<string, unknown>;
      return rest;
    };
    expect(timeless(second.stdout)).toEqual(timeless(first.stdout));
    // The lab's runs result file, which the Lab view opens.
    const file = parseRunsResult(first.stdout);
    expect(file).toMatchObject({
      format: 'isometry-lab-runs',
      version: 1,
      labVersion: LAB_VERSION,
      query: toQuery({ ...parseQuery(CONFIG).config, steps: 12 }),
      task: 'regression',
      steps: 12,
      every: 5,
      complete: true,
    });
    expect(Math.abs(Date.parse(file.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(file.seconds).toBeGreaterThan(0);
    expect(parseQuery(file.query).config).toEqual(file.config);
    const report = JSON.parse(first.stdout) as {
      backend: string;
      info: { dataset: { name: string } };
      runs: {
        init: string;
        steps: number[];
        trainLoss: (number | null)[];
        testLoss: number[];
        testAcc: null;
      }[];
    };
    expect(report.backend).toBe('cpu');
    expect(report.info.dataset.name).toBe('teacher');
    expect(report.runs.map((r) => r.init)).toEqual(['gaussian', 'orthogonal']);
    expect(report.runs[0]!.steps).toEqual([0, 5, 10, 12]);
    expect(report.runs[0]!.trainLoss[0]).toBeNull();
    expect(report.runs[0]!.testLoss).toHaveLength(4);
    expect(report.runs[0]!.testAcc).toBeNull();
  }, 30_000);

  it('writes CSV', () => {
    const { status, stdout } = cli('--config', CONFIG, '--steps', '4', '--every', '2', '--format', 'csv');
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('run,init,seed,step,trainLoss,testLoss,testAcc,diverged');
    expect(lines).toHaveLength(1 + 2 * 3);
  }, 30_000);

  it('answers bad arguments with one line and exit code 2', () => {
    for (const args of [
      ['--every', '0'],
      ['--backend', 'gpu'],
      ['--steps', 'many'],
      ['--nope', '1'],
      // Whole numbers read as in links (decimal, an exponent allowed): no hex, fraction or infinity.
      ['--every', '0x1'],
      ['--every', '2.5'],
      ['--eval', '2.5e-1'],
      ['--eval', '-5'],
      ['--every', 'Infinity'],
      ['--probe', 'jacobian', '--at', 'data', '--example', '0x1'],
      ['--memory-budget-mb', 'lots'],
      ['--memory-budget-mb', '0'],
    ]) {
      const { status, stderr, stdout } = cli(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);

  it('refuses runs over the budget before building anything, with the nearest setting and the flags that raise it', () => {
    const started = Date.now();
    const runaway = cli('--config', '?L=1000&N=2048&seeds=8&init=both');
    expect(runaway.status).toBe(2);
    expect(runaway.stdout).toBe('');
    const lines = runaway.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/GB of memory \(budget 1\.50 GB\)/);
    expect(lines[0]).toMatch(/Nearest within the budget: seeds=1&N=\d+ /);
    expect(lines[0]).toMatch(/To run it anyway: --memory-budget-mb \d+ --allow-slow/);
    // Refused from the prediction, not after growing past 900 MB: within seconds.
    expect(Date.now() - started).toBeLessThan(20_000);

    const tight = cli('--config', CONFIG, '--steps', '2', '--memory-budget-mb', '0.1');
    expect(tight.status).toBe(2);
    expect(tight.stderr).toMatch(/budget 102 kB\)/);
    expect(tight.stderr).toMatch(/--memory-budget-mb 1\b/);
    // Slow on the cpu table (26 s a step predicted), refused for time only.
    const slow = cli('--config', '?L=1000', '--backend', 'cpu');
    expect(slow.status).toBe(2);
    expect(slow.stderr).toMatch(
      /per training step on cpu \(budget 2\.0 s\).*To run it anyway: --allow-slow \(/,
    );
  }, 60_000);

  it('checks --out before any work, and writes it after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'experiment-out-'));
    const kept = join(dir, 'kept.json');
    writeFileSync(kept, 'keep');
    for (const out of [join(dir, 'missing', 'x.json'), dir]) {
      const { status, stderr } = cli('--config', CONFIG, '--steps', '2', '--out', out);
      expect(status, out).toBe(2);
      expect(stderr.trim().split('\n'), out).toHaveLength(1);
      expect(stderr, out).toMatch(/--out/);
    }
    // A refused run leaves an existing file as it was.
    expect(cli('--config', '?L=1000&N=2048', '--out', kept).status).toBe(2);
    expect(readFileSync(kept, 'utf8')).toBe('keep');
    // The time limits lifted, a small run writes its report.
    const written = join(dir, 'report.json');
    const ok = cli('--config', CONFIG, '--steps', '2', '--every', '1', '--allow-slow', '--out', written);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('');
    expect(JSON.parse(readFileSync(written, 'utf8'))).toMatchObject({ backend: 'cpu' });
  }, 60_000);
});
