import { describe, expect, it } from 'vitest';
import { parseSweepResult } from '../sweep/resultFile.ts';
import { spawnCli } from './spawnCli.ts';

const cli = (...args: string[]) => spawnCli('sweep', args);

const CONFIG = '?data=teacher&act=linear&sw2=1&sb2=0&L=3&N=8&seeds=1&init=both&steps=20';

describe('sweep CLI', () => {
  it('prints the result file the page saves, swept keys at the top level of each point', () => {
    const { status, stdout, stderr } = cli(
      '--config',
      CONFIG,
      '--over',
      'lr=0.01,0.1',
      '--over',
      'N=4,8',
      '--threshold',
      '0.2',
      '--backend',
      'cpu',
    );
    expect(status, stderr).toBe(0);
    const file = parseSweepResult(stdout);
    expect(file).toMatchObject({ complete: true, over: ['lr=0.01,0.1', 'N=4,8'], backend: 'cpu' });
    expect(file.threshold).toMatchObject({ metric: 'train', value: 0.2 });
    expect(file.points.map((p) => [p.lr, p.N, p.init])).toEqual([
      [0.01, 4, 'gaussian'],
      [0.01, 4, 'orthogonal'],
      [0.01, 8, 'gaussian'],
      [0.01, 8, 'orthogonal'],
      [0.1, 4, 'gaussian'],
      [0.1, 4, 'orthogonal'],
      [0.1, 8, 'gaussian'],
      [0.1, 8, 'orthogonal'],
    ]);
    for (const point of file.points) expect(point).toHaveProperty('tau');
    // Progress and the summary go to stderr: two programs (N = 4 and N = 8, each with both η).
    expect(stderr).toMatch(/8 runs in 2 programs/);
  }, 60_000);

  it('runs a whole sweep link as the page shows it, flags overriding its base', () => {
    const link = `${CONFIG}&over=lr=0.01,0.1&measure=weights`;
    const { status, stdout, stderr } = cli('--config', link, '--steps', '10', '--backend', 'cpu');
    expect(status, stderr).toBe(0);
    const file = parseSweepResult(stdout);
    expect(file).toMatchObject({ over: ['lr=0.01,0.1'], measure: 'weights', steps: 10 });
    expect(file.curves[0]!.weightSteps![0]).toBe(0);
    expect(cli('--config', link, '--over', 'N=4,8').status).toBe(2);
  }, 60_000);

  it('answers bad arguments with one line and exit code 2', () => {
    for (const args of [
      ['--config', CONFIG],
      ['--over', 'lr=1e-3..20:3:log'],
      ['--over', 'init=gaussian,orthogonal'],
      ['--over', 'lr=0.1,0.2', '--over', 'L=2,4', '--over', 'N=2,4'],
      ['--over', 'lr=0.1,0.2', '--measure', 'hessian'],
      ['--over', 'lr=0.1,0.2', '--backend', 'webgl'],
      ['--experiment', 'fig9'],
      ['--experiment', 'deep-linear', '--over', 'L=2,4'],
      ['--over', 'lr=0.1,0.2', '--steps', 'many'],
      ['--config', '?data=mnist&L=1000&N=2048', '--over', 'lr=0.1,0.2'],
      ['--over', 'lr=0.1,0.2', '--out', '/no/such/folder/x.json'],
      ['--over', 'lr=0.1,0.2', '--color'],
      ['--config', `${CONFIG}&over=lr=0.1,0.2`, '--over', 'N=4,8'],
      ['--config', '?act=relu', '--over', 'qstar=0.01,0.1'],
    ]) {
      const { status, stderr, stdout } = cli(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 60_000);
});
