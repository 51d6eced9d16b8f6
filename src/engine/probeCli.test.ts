import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
