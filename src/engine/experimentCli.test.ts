import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
    expect(second.stdout).toBe(first.stdout);
    const report = JSON.parse(first.stdout) as {
      backend: string;
      runs: {
        init: string;
        steps: number[];
        trainLoss: (number | null)[];
        testLoss: number[];
        testAcc: null;
      }[];
    };
    expect(report.backend).toBe('cpu');
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
    ]) {
      const { status, stderr, stdout } = cli(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
