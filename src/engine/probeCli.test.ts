import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inputScaling } from './inputScaling.ts';

/** Runs src/cli/experiment.ts as `npm run experiment` would (tsx). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/experiment.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JacobianReport {
  probe: string;
  steps: number;
  depth: number;
  theory: { meanSq: number; variance: { gaussian: number; orthogonal: number } };
  runs: {
    init: string;
    seed: number;
    singularValues: number[];
    meanSq: number;
    variance: number;
    sMax: number;
  }[];
}

interface NtkReport {
  probe: string;
  steps: number;
  unit: number;
  param: string;
  batch: number;
  labels: number[];
  inputs: number[][];
  analytic: number[][];
  runs: { init: string; seed: number; relativeError: number; ntk: number[][]; outputs: number[] }[];
}

const CONFIG = '?data=teacher&act=linear&sw2=1&sb2=0&L=6&N=12&seeds=1&init=both';

describe('experiment CLI --probe', () => {
  it('prints each run’s Jacobian spectrum at init, or after --steps', () => {
    const { status, stdout, stderr } = cli('--config', CONFIG, '--probe', 'jacobian');
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout) as JacobianReport;
    expect(report).toMatchObject({ probe: 'jacobian', steps: 0, depth: 5 });
    expect(report.theory.variance).toEqual({ gaussian: 5, orthogonal: 0 });
    expect(report.runs.map((r) => [r.init, r.seed])).toEqual([
      ['gaussian', 1],
      ['orthogonal', 1],
    ]);
    const [gaussian, orthogonal] = report.runs;
    expect(gaussian!.singularValues).toHaveLength(12);
    expect(gaussian!.sMax).toBe(gaussian!.singularValues[0]);
    for (const s of orthogonal!.singularValues) expect(s).toBeCloseTo(1, 5);
    expect(orthogonal!.variance).toBeLessThan(1e-8);

    const trained = JSON.parse(
      cli('--config', CONFIG, '--probe', 'jacobian', '--steps', '3').stdout,
    ) as JacobianReport;
    expect(trained.steps).toBe(3);
    expect(trained.runs[1]!.singularValues).not.toEqual(orthogonal!.singularValues);
  }, 30_000);

  it('measures weights and gradients too', () => {
    const weights = cli('--config', CONFIG, '--probe', 'weights');
    expect(weights.status, weights.stderr).toBe(0);
    const report = JSON.parse(weights.stdout) as { runs: { layers: { orthogonalityDeviation: number }[] }[] };
    expect(report.runs[1]!.layers).toHaveLength(6);
    const gradients = cli('--config', CONFIG, '--probe', 'gradients');
    expect(gradients.status, gradients.stderr).toBe(0);
    expect(
      (JSON.parse(gradients.stdout) as { runs: { preActivation: number[] }[] }).runs[0]!.preActivation,
    ).toHaveLength(6);
  }, 30_000);

  it('prints the empirical NTK of every run next to the infinite-width one (--probe ntk)', () => {
    const config = '?data=teacher&act=erf&sw2=1.6&sb2=0.2&L=2&N=512&seeds=1&init=both&param=ntk';
    const { status, stdout, stderr } = cli('--config', config, '--probe', 'ntk', '--batch', '6');
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout) as NtkReport;
    expect(report).toMatchObject({ probe: 'ntk', steps: 0, unit: 0, param: 'ntk', batch: 6 });
    expect(report.labels).toEqual(new Array(6).fill(-1));
    // The inputs as the first layer sees them: standardized teacher inputs (n0 = 32) times the scale.
    const { scale } = inputScaling('erf', 1.6, 0.2);
    expect(report.inputs).toHaveLength(6);
    for (const row of report.inputs) {
      expect(row).toHaveLength(32);
      expect(row.reduce((s, v) => s + v * v, 0) / 32).toBeCloseTo(scale * scale, 4);
    }
    expect(report.analytic).toHaveLength(6);
    expect(report.runs.map((r) => [r.init, r.seed])).toEqual([
      ['gaussian', 1],
      ['orthogonal', 1],
    ]);
    for (const run of report.runs) {
      expect(run.ntk).toHaveLength(6);
      expect(run.ntk[2]).toHaveLength(6);
      expect(run.ntk[1]![4]).toBeCloseTo(run.ntk[4]![1]!, 4);
      expect(run.outputs).toHaveLength(6);
      // Width 512, depth 2: within a few fluctuations of size ~1/√N of the limit.
      expect(run.relativeError).toBeLessThan(0.15);
    }

    const trained = JSON.parse(
      cli('--config', `${config}&lr=0.5`, '--probe', 'ntk', '--batch', '6', '--steps', '5').stdout,
    ) as NtkReport;
    expect(trained.steps).toBe(5);
    expect(trained.analytic).toEqual(report.analytic);
    expect(trained.runs[0]!.ntk).not.toEqual(report.runs[0]!.ntk);
    expect(trained.runs[0]!.outputs).not.toEqual(report.runs[0]!.outputs);
  }, 30_000);

  it('answers bad --probe ntk arguments with one line and exit code 2', () => {
    for (const args of [
      ['--probe', 'ntk', '--batch', '0'],
      ['--probe', 'ntk', '--batch', '65'],
      ['--probe', 'ntk', '--unit', '10'],
      ['--config', '?data=teacher', '--probe', 'ntk', '--unit', '1'],
      ['--probe', 'jacobian', '--unit', '0'],
      ['--probe', 'weights', '--batch', '8'],
    ]) {
      const { status, stderr, stdout } = cli(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);

  it('answers bad arguments with one line and exit code 2', () => {
    for (const args of [
      ['--probe', 'hessian'],
      ['--probe', 'jacobian', '--at', 'origin'],
      ['--probe', 'jacobian', '--format', 'csv'],
      ['--probe', 'weights', '--at', 'data'],
      ['--probe', 'jacobian', '--at', 'data', '--example', '-1'],
    ]) {
      const { status, stderr, stdout } = cli(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
