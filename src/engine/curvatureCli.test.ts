import { describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/spawnCli.ts';
import { fixedPointQ } from '../theory/index.ts';
import { symmetricEigenvalues as ascendingEigenvalues } from '../theory/testkit/jacobianEigenvalues.ts';

/** All eigenvalues of a dense symmetric matrix, largest first (cyclic Jacobi: independent of the power iteration). */
const symmetricEigenvalues = (matrix: ArrayLike<number>, n: number): number[] =>
  [...ascendingEigenvalues(Float64Array.from(matrix), n)].reverse();

interface CurvatureReport {
  probe: string;
  steps: number;
  loss: string;
  batch: number;
  iterations: number;
  converged: boolean;
  qStar: number | null;
  runs: {
    init: string;
    seed: number;
    lambdaMaxFisher: number;
    sMaxSq: number;
    qStar: number | null;
    diverged: boolean;
  }[];
}

const LINEAR = '?data=teacher&act=linear&sw2=1&sb2=0&L=6&N=12&seeds=1&init=both';

describe('experiment CLI --probe curvature', () => {
  it('prints λ_max(Fisher) = λ_max(Θ)/D of the NTK probe’s kernel and s²_max of the Jacobian', () => {
    const { status, stdout, stderr } = spawnCli('experiment', [
      '--config',
      LINEAR,
      '--probe',
      'curvature',
      '--batch',
      '6',
    ]);
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout) as CurvatureReport;
    // A deep linear network at σ_w² = 1, σ_b² = 0 has no finite fixed point of its own.
    expect(report).toMatchObject({
      probe: 'curvature',
      steps: 0,
      loss: 'mse',
      batch: 6,
      qStar: null,
      converged: true,
    });
    expect(report.runs.map((r) => [r.init, r.seed, r.qStar])).toEqual([
      ['gaussian', 1, null],
      ['orthogonal', 1, null],
    ]);
    // Orthogonal linear layers at gain 1: J is orthogonal, s²_max = 1.
    expect(report.runs[1]!.sMaxSq).toBeCloseTo(1, 5);
    expect(report.runs[0]!.sMaxSq).toBeGreaterThan(1);

    // The teacher has one output, so Θ_all is the --probe ntk kernel: a dense eigensolver on it.
    const ntk = spawnCli('experiment', ['--config', LINEAR, '--probe', 'ntk', '--batch', '6']);
    expect(ntk.status, ntk.stderr).toBe(0);
    const kernels = (JSON.parse(ntk.stdout) as { runs: { ntk: number[][] }[] }).runs.map((r) => r.ntk);
    report.runs.forEach((run, r) => {
      const dense = symmetricEigenvalues(kernels[r]!.flat(), 6)[0]! / 6;
      expect(run.lambdaMaxFisher / dense, run.init).toBeCloseTo(1, 5);
    });
  }, 30_000);

  it('takes the cross-entropy Fisher on MNIST and reports the config’s q*', () => {
    const config = '?data=mnist&act=tanh&sw2=1.2&sb2=0.05&L=3&N=32&seeds=2&init=gaussian';
    const { status, stdout, stderr } = spawnCli('experiment', [
      '--config',
      config,
      '--probe',
      'curvature',
      '--batch',
      '4',
    ]);
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout) as CurvatureReport;
    expect(report).toMatchObject({ loss: 'cross-entropy', batch: 4 });
    expect(report.qStar).toBeCloseTo(fixedPointQ('tanh', 1.2, 0.05), 10);
    expect(report.runs.map((r) => r.seed)).toEqual([1, 2]);
    for (const run of report.runs) {
      expect(run.lambdaMaxFisher).toBeGreaterThan(0);
      expect(run.sMaxSq).toBeGreaterThan(0);
    }
    expect(report.runs[0]!.lambdaMaxFisher).not.toBe(report.runs[1]!.lambdaMaxFisher);
  }, 30_000);

  it('measures the mirrored function where mirror=1: at init its kernel, so its MSE Fisher, is the plain one’s', () => {
    const lambdas = ['0', '1'].map((mirror) => {
      const { status, stdout, stderr } = spawnCli('experiment', [
        '--config',
        `?data=teacher&act=tanh&sw2=1.3&sb2=0.1&L=3&N=16&seeds=1&init=both&mirror=${mirror}`,
        '--probe',
        'curvature',
        '--batch',
        '5',
      ]);
      expect(status, stderr).toBe(0);
      return (JSON.parse(stdout) as CurvatureReport).runs.map((r) => r.lambdaMaxFisher);
    });
    expect(lambdas[1]).toEqual(lambdas[0]);
  }, 30_000);

  it('answers bad arguments with one line and exit code 2', () => {
    for (const args of [
      ['--probe', 'curvature', '--batch', '0'],
      ['--probe', 'curvature', '--batch', '65'],
      ['--probe', 'curvature', '--unit', '0'],
      ['--probe', 'jacobian', '--batch', '8'],
    ]) {
      const { status, stderr, stdout } = spawnCli('experiment', args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
