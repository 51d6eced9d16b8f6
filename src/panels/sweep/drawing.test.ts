import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.ts';
import { EXPERIMENTS } from '../../experiments/registry.ts';
import { parseSweepQuery, sweepDefinition, sweepQuery } from '../../sweep/definition.ts';
import { parseSweepResult, sweepResultText } from '../../sweep/resultFile.ts';
import type { SweepDefinition, SweepPoint, SweepResultFile } from '../../sweep/types.ts';
import { chartKindOf, drawingOfFile, drawingOfRun } from './drawing.ts';

function fileOf(definition: SweepDefinition, points: SweepPoint[]): SweepResultFile {
  return {
    format: 'isometry-lab-sweep',
    version: 1,
    labVersion: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    backend: 'wasm',
    experiment: definition.experiment,
    query: sweepQuery(definition),
    config: definition.base,
    over: definition.axes.map((a) => a.spec),
    measure: definition.measure,
    threshold: { metric: definition.base.lm, value: definition.base.thr, rule: 'r' },
    steps: definition.base.steps,
    points,
    curves: [{ point: 1, steps: [0, 5], trainLoss: [2, 1] }],
    complete: true,
    seconds: 3,
  };
}

describe('sweep drawings', () => {
  it('draw a saved and reopened file exactly as the run that made it', () => {
    const definition = sweepDefinition(DEFAULT_CONFIG, ['lr=0.001..0.1:3:log', 'L=2,4'], 'tau', null);
    const points: SweepPoint[] = [0.001, 0.01, 0.1].flatMap((lr) =>
      [2, 4].map((L) => ({
        lr,
        L,
        init: 'gaussian' as const,
        seed: 1,
        tau: lr === 0.1 ? null : Math.round(1 / lr / L),
        diverged: lr === 0.1,
        divergedAtStep: lr === 0.1 ? 3 : null,
        finalLoss: 0.5,
        stepsTrained: 100,
      })),
    );
    const file = fileOf(definition, points);
    const reopened = parseSweepResult(sweepResultText(file));
    const run = drawingOfRun(definition, points, file.curves);
    expect(drawingOfFile(reopened)).toEqual(run);
    expect(run.kind).toBe('tau-vs-x');
    expect(run.axes.map((a) => [a.key, a.log, a.values])).toEqual([
      ['lr', true, [0.001, 0.01, 0.1]],
      ['L', true, [2, 4]],
    ]);
  });

  it('take the chart of a named experiment, else the one the measure and axes call for', () => {
    for (const named of EXPERIMENTS) {
      const { definition } = parseSweepQuery(named.query);
      expect(drawingOfRun(definition, [], []).kind).toBe(named.chart);
    }
    const deepLinear = EXPERIMENTS.find((named) => named.bestOver !== undefined)!;
    const drawing = drawingOfRun(parseSweepQuery(deepLinear.query).definition, [], []);
    expect(drawing.bestOver).toBe(deepLinear.bestOver);
    expect(drawing.axes[1]!.key).toBe(deepLinear.bestOver);
    expect(chartKindOf('ntk', [{ key: 'N' }], null)).toBe('change-vs-width');
    expect(chartKindOf('ntk', [{ key: 'lr' }], null)).toBe('tau-vs-x');
    expect(chartKindOf('tau', [], null)).toBe('curves');
  });
});
