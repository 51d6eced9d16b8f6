import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs src/cli/experiment.ts as `npm run experiment` would (tsx). */
function probe(config: string, ...args: string[]): NtkReport {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/experiment.ts',
      '--config',
      config,
      '--probe',
      'ntk',
      '--batch',
      '8',
      ...args,
    ],
    { encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as NtkReport;
}

interface NtkReport {
  kernel: string;
  runs: { init: string; ntk: number[][]; outputs: number[] }[];
}

const CONFIG = '?data=teacher&dim=8&act=relu&sw2=2&L=1&N=64&seeds=1&init=both&param=ntk';

describe('experiment CLI --probe ntk with mirror=1', () => {
  it('reports outputs exactly 0 at init and the unmirrored kernel; after steps, outputs away from 0', () => {
    const plain = probe(CONFIG);
    const mirrored = probe(`${CONFIG}&mirror=1`);
    expect(mirrored.kernel).toContain('mirror=1');
    expect(mirrored.runs.map((run) => run.init)).toEqual(['gaussian', 'orthogonal']);
    mirrored.runs.forEach((run, r) => {
      expect(run.outputs).toEqual(new Array(8).fill(0));
      expect(Math.max(...plain.runs[r]!.outputs.map(Math.abs))).toBeGreaterThan(1e-2);
      run.ntk.forEach((row, a) =>
        row.forEach((value, b) => expect(value).toBeCloseTo(plain.runs[r]!.ntk[a]![b]!, 5)),
      );
    });
    const trained = probe(`${CONFIG}&mirror=1&lr=0.5`, '--steps', '5');
    for (const run of trained.runs) expect(Math.max(...run.outputs.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});
