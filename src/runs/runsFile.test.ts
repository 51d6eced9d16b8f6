import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, toQuery } from '../config/index.ts';
import { SAMPLING_NOTE, type HeadlessReport } from '../engine/headless.ts';
import type { ExperimentInfo } from '../engine/index.ts';
import { RunsFileError, parseRunsResult, runsFileOf, runsResultText } from './runsFile.ts';

const CONFIG = { ...DEFAULT_CONFIG, init: 'both' as const, steps: 20 };

/** A report as runHeadless returns it: a healthy Gaussian run and an orthogonal one that diverged. */
const REPORT: HeadlessReport = {
  config: CONFIG,
  info: {
    dataset: { name: 'mnist', task: 'classification' },
    notes: ['a note'],
  } as unknown as ExperimentInfo,
  sampling: SAMPLING_NOTE,
  runs: [
    {
      runId: 0,
      init: 'gaussian',
      seed: 1,
      lr: 0.01,
      steps: [0, 10, 20],
      trainLoss: [null, 1.5, 0.75],
      testLoss: [2.3, 1.25, 0.5],
      testAcc: [0.1, 0.5, 0.875],
      diverged: false,
      divergedAtStep: null,
    },
    {
      runId: 1,
      init: 'orthogonal',
      seed: 1,
      lr: 0.01,
      steps: [0, 10, 20],
      trainLoss: [null, NaN, NaN],
      testLoss: [2.3, Infinity, NaN],
      testAcc: [0.1, 0.1, NaN],
      diverged: true,
      divergedAtStep: 4,
    },
  ],
};

const CONTEXT = {
  labVersion: '0.1.0',
  createdAt: '2026-12-03T17:00:00.000Z',
  backend: 'cpu',
  query: toQuery(CONFIG),
  steps: 20,
  every: 10,
  evalExamples: 1000,
  complete: true,
  seconds: 1.25,
};

const TEXT = runsResultText(runsFileOf(REPORT, CONTEXT));

/** The file with one change made to its parsed JSON. */
function edited(change: (data: Record<string, unknown>) => void): string {
  const data = JSON.parse(TEXT) as Record<string, unknown>;
  change(data);
  return JSON.stringify(data);
}

const run = (data: Record<string, unknown>, i = 0) => (data.runs as Record<string, unknown>[])[i]!;

function refusal(text: string): string {
  try {
    parseRunsResult(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RunsFileError);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('runs result file', () => {
  it('writes the report with where, when and how it ran, non-finite values as null, and reads it back', () => {
    const data = JSON.parse(TEXT) as Record<string, unknown>;
    expect(data).toMatchObject({
      format: 'isometry-lab-runs',
      version: 1,
      backend: 'cpu',
      task: 'classification',
      every: 10,
      complete: true,
      info: { notes: ['a note'] },
    });
    expect(run(data, 1)).toMatchObject({
      trainLoss: [null, null, null],
      testLoss: [2.3, null, null],
      testAcc: [0.1, 0.1, null],
      lr: 0.01,
      divergedAtStep: 4,
    });
    const file = parseRunsResult(TEXT);
    expect(file.config).toEqual(CONFIG);
    expect(file.runs[0]).toEqual(REPORT.runs[0]);
    expect(file.runs[1]!.testLoss).toEqual([2.3, null, null]);
    expect(parseRunsResult(runsResultText(file))).toEqual(file);
  });

  it('keeps fields it does not know, and completes a configuration written before a key existed', () => {
    const file = parseRunsResult(
      edited((data) => {
        data.engine = { name: 'pytorch', version: '1.13', device: 'cpu' };
        data.later = { x: 1 };
        delete (data.config as Record<string, unknown>).orth;
      }),
    );
    expect(file.engine).toEqual({ name: 'pytorch', version: '1.13', device: 'cpu' });
    expect(file.later).toEqual({ x: 1 });
    expect(file.config.orth).toBe(DEFAULT_CONFIG.orth);
  });

  it('refuses a file that is not a runs file, with one line naming the field', () => {
    const cases: [string, string | RegExp][] = [
      ['{', /^not a runs result file: not JSON/],
      ['[1]', 'not a runs result file: the JSON is not an object'],
      [edited((d) => (d.format = 'isometry-lab-sweep')), /format is "isometry-lab-sweep"/],
      [edited((d) => (d.version = 2)), 'runs file version 2: this lab reads version 1'],
      [edited((d) => delete d.labVersion), 'labVersion is missing'],
      [edited((d) => (d.createdAt = 'yesterday')), 'createdAt "yesterday" is not a date'],
      [edited((d) => (d.backend = 3)), 'backend is not text'],
      [edited((d) => (d.engine = 'torch')), 'engine is not an object'],
      [edited((d) => (d.engine = {})), 'engine.name is missing'],
      [edited((d) => delete d.query), 'query is missing'],
      [edited((d) => ((d.config as Record<string, unknown>).act = 'swish')), /^config\.act = "swish"/],
      [edited((d) => (d.task = 'ranking')), 'task "ranking" is not classification or regression'],
      [edited((d) => (d.steps = -1)), 'steps is not a whole number ≥ 0'],
      [edited((d) => (d.every = 0)), 'every is not at least 1'],
      [edited((d) => (d.evalExamples = 2.5)), 'evalExamples is not a whole number ≥ 0'],
      [edited((d) => delete d.sampling), 'sampling is missing'],
      [edited((d) => (d.runs = [])), 'runs is empty'],
      [edited((d) => (d.runs = {})), 'runs is not a list'],
      [edited((d) => ((d.runs as unknown[])[1] = 7)), 'runs[1] is not an object'],
      [edited((d) => (run(d).init = 'xavier')), 'runs[0].init is not gaussian or orthogonal'],
      [edited((d) => (run(d).seed = 'one')), 'runs[0].seed is not a finite number'],
      [edited((d) => (run(d).lr = 0)), 'runs[0].lr is not positive'],
      [edited((d) => (run(d).steps = [0, 10, 10])), 'runs[0].steps[2] does not come after steps[1]'],
      [edited((d) => (run(d).steps = [0, 1.5, 20])), 'runs[0].steps[1] is not a whole number ≥ 0'],
      [edited((d) => (run(d).trainLoss = [null, 1])), 'runs[0].trainLoss and steps differ in length'],
      [
        edited((d) => (run(d).testLoss = [1, 'NaN', 2])),
        'runs[0].testLoss[1] is neither a finite number nor null',
      ],
      [edited((d) => (run(d).testAcc = null)), 'runs[0].testAcc is not a list'],
      [edited((d) => (d.task = 'regression')), 'runs[0].testAcc is not null for a regression'],
      [edited((d) => delete run(d, 1).diverged), 'runs[1].diverged is missing or not true/false'],
      [edited((d) => (run(d, 1).divergedAtStep = -4)), 'runs[1].divergedAtStep is not a whole number ≥ 0'],
      [edited((d) => (d.complete = 'yes')), 'complete is missing or not true/false'],
      [edited((d) => (d.seconds = -1)), 'seconds is negative'],
    ];
    for (const [text, reason] of cases) {
      const message = refusal(text);
      expect(message.includes('\n'), message).toBe(false);
      if (typeof reason === 'string') expect(message).toBe(reason);
      else expect(message).toMatch(reason);
    }
  });
});
