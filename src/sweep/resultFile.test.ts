import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { sweepDefinition, sweepQuery } from './definition.ts';
import { SweepFileError, parseSweepResult, sweepResultText } from './resultFile.ts';
import type { SweepResultFile } from './types.ts';

const definition = sweepDefinition({ ...DEFAULT_CONFIG, data: 'teacher' }, ['lr=0.01,0.1'], 'ntk');

/** A file as the runner writes it (two points, one curve each), without training anything. */
const FILE: SweepResultFile = {
  format: 'isometry-lab-sweep',
  version: 1,
  labVersion: '0.1.0',
  createdAt: '2026-01-02T03:04:05.000Z',
  backend: 'wasm',
  experiment: null,
  query: sweepQuery(definition),
  config: definition.base,
  over: ['lr=0.01,0.1'],
  measure: 'ntk',
  threshold: { metric: 'train', value: 0.5, rule: 'a rule' },
  steps: 1000,
  points: [
    {
      lr: 0.01,
      init: 'gaussian',
      seed: 1,
      tau: 120,
      diverged: false,
      divergedAtStep: null,
      finalLoss: 0.25,
      stepsTrained: 1000,
      ntkChange: 0.125,
      weightChange: [0.5, 0.25],
    },
    {
      lr: 0.1,
      init: 'orthogonal',
      seed: 1,
      tau: null,
      diverged: true,
      divergedAtStep: 7,
      finalLoss: null,
      stepsTrained: 6,
    },
  ],
  curves: [
    { point: 0, steps: [5, 10], trainLoss: [1, 0.5] },
    { point: 1, steps: [5], trainLoss: [3] },
  ],
  complete: true,
  seconds: 12.5,
};

/** The file with one change made to its parsed JSON. */
function edited(change: (data: Record<string, unknown>) => void): string {
  const data = JSON.parse(sweepResultText(FILE)) as Record<string, unknown>;
  change(data);
  return JSON.stringify(data);
}

describe('sweep result files', () => {
  it('read back identical to what was written', () => {
    expect(parseSweepResult(sweepResultText(FILE))).toEqual(FILE);
    // Fields a later version adds are kept.
    expect(parseSweepResult(edited((d) => (d.note = 'x')))).toMatchObject({ note: 'x' });
  });

  it.each([
    ['not JSON', 'not json', /not a sweep result file: not JSON/],
    ['another format', edited((d) => (d.format = 'something-else')), /format is "something-else"/],
    ['no format', edited((d) => delete d.format), /format is missing/],
    ['another version', edited((d) => (d.version = 2)), /version 2: this lab reads version 1/],
    ['a missing field', edited((d) => delete d.points), /^points is missing$/],
    [
      'a point without τ',
      edited((d) => delete (d.points as Record<string, unknown>[])[0]!.tau),
      /points\[0\]\.tau is missing/,
    ],
    [
      'a point off the axis',
      edited((d) => ((d.points as Record<string, unknown>[])[1]!.lr = 0.5)),
      /points\[1\]\.lr = 0\.5 is not a value of the axis lr=0\.01,0\.1/,
    ],
    [
      'a curve of another length',
      edited((d) => ((d.curves as Record<string, unknown>[])[0]!.trainLoss = [1])),
      /curves\[0\]\.trainLoss and steps differ/,
    ],
    [
      'a curve of no point',
      edited((d) => ((d.curves as Record<string, unknown>[])[1]!.point = 2)),
      /curves\[1\]\.point 2 is not one of the 2 points/,
    ],
    [
      'a config value out of range',
      edited((d) => ((d.config as Record<string, unknown>).L = 0)),
      /config\.L = 0/,
    ],
    ['a query that does not run', edited((d) => (d.query = '?over=L=0,1')), /^query: L=0 is outside/],
    ['axes that differ from the query', edited((d) => (d.over = ['lr=0.01'])), /differs from the query/],
    ['a bad date', edited((d) => (d.createdAt = 'yesterday')), /createdAt "yesterday" is not a date/],
    ['NaN written as null', edited((d) => (d.seconds = null)), /seconds is not a finite number/],
  ])('refuse %s with a reason naming the field', (_, text, reason) => {
    expect(() => parseSweepResult(text)).toThrow(SweepFileError);
    expect(() => parseSweepResult(text)).toThrow(reason);
  });
});

describe('files written before a parameter existed', () => {
  it('reopen with that parameter at its default, the behaviour the lab had then', () => {
    const data = JSON.parse(sweepResultText(FILE)) as { config: Record<string, unknown> };
    delete data.config.orth;
    delete data.config.olam;
    const file = parseSweepResult(JSON.stringify(data));
    expect(file.config.orth).toBe(DEFAULT_CONFIG.orth);
    expect(file.config.olam).toBe(DEFAULT_CONFIG.olam);
    expect({ ...file, config: FILE.config }).toEqual(FILE);
  });

  it('still refuse a value the parameter cannot hold', () => {
    const data = JSON.parse(sweepResultText(FILE)) as { config: Record<string, unknown> };
    data.config.orth = 'sideways';
    expect(() => parseSweepResult(JSON.stringify(data))).toThrow(
      /config\.orth = "sideways" is not a value of orth/,
    );
  });
});
