import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../sweep/types.ts';
import { csvNumber, parseCsv, toCsv } from './csv.ts';
import { sweepPointsTable } from './sweepData.ts';

const points: SweepPoint[] = [
  {
    lr: 0.01,
    L: 10,
    init: 'gaussian',
    seed: 1,
    tau: 120,
    diverged: false,
    divergedAtStep: null,
    finalLoss: 0.25,
    stepsTrained: 1000,
    ntkChange: 0.125,
    weightChange: [0.5, 0.25, 0.1],
  },
  {
    lr: 0.1,
    L: 10,
    init: 'orthogonal',
    seed: 1,
    tau: null,
    diverged: true,
    divergedAtStep: 12,
    finalLoss: null,
    stepsTrained: 11,
    ntkChange: 3,
    weightChange: [2, 1],
  },
];

describe('sweep points export', () => {
  it('has one row per point, swept keys and measures as columns, per-layer arrays spread out', () => {
    const rows = parseCsv(toCsv(sweepPointsTable(points)));
    expect(rows[0]).toEqual([
      'lr',
      'L',
      'init',
      'seed',
      'tau',
      'diverged',
      'divergedAtStep',
      'finalLoss',
      'stepsTrained',
      'ntkChange',
      'weightChange_1',
      'weightChange_2',
      'weightChange_3',
    ]);
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    points.forEach((point, p) => {
      const row = rows[p + 1]!;
      for (const [key, value] of Object.entries(point)) {
        if (Array.isArray(value)) {
          value.forEach((v: number, i: number) =>
            expect(csvNumber(row[header.indexOf(`${key}_${i + 1}`)]!)).toBe(v),
          );
        } else {
          expect(row[header.indexOf(key)]).toBe(value === null ? '' : String(value));
        }
      }
    });
    expect(rows[2]![header.indexOf('weightChange_3')]).toBe('');
  });
});
