import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseQuery } from '../config/index.ts';
import { EXPERIMENTS } from '../experiments/registry.ts';
import { SweepDefinitionError, parseAxis } from './axis.ts';
import { isSweepQuery, parseSweepQuery, sweepDefinition, sweepQuery } from './definition.ts';

describe('axes', () => {
  it('reads a log range with exact ends and clean inner values', () => {
    const axis = parseAxis('lr=1e-3..1:4:log');
    expect(axis).toEqual({ key: 'lr', values: [0.001, 0.01, 0.1, 1], spec: 'lr=1e-3..1:4:log', log: true });
    const nine = parseAxis('lr=1e-3..1:9:log').values as number[];
    expect(nine).toHaveLength(9);
    // Equal ratios: 10^(3/8) between neighbours.
    for (let i = 1; i < 9; i++) expect(nine[i]! / nine[i - 1]!).toBeCloseTo(10 ** (3 / 8), 10);
  });

  it('reads a linear range, rounding a whole-number parameter, and lists', () => {
    expect(parseAxis('L=10..40:4').values).toEqual([10, 20, 30, 40]);
    expect(parseAxis('N=64..2048:6:log').values).toEqual([64, 128, 256, 512, 1024, 2048]);
    expect(parseAxis(' L = 50, 100,200 ')).toEqual({
      key: 'L',
      values: [50, 100, 200],
      spec: 'L=50,100,200',
      log: true,
    });
    expect(parseAxis('act=tanh,ReLU')).toEqual({
      key: 'act',
      values: ['tanh', 'relu'],
      spec: 'act=tanh,relu',
      log: false,
    });
    expect(parseAxis('sw2=0.5..2:4').log).toBe(false);
  });

  it.each([
    ['lr', /write key=a\.\.b:n\[:log\] or key=v1,v2/],
    ['depth=1,2', /"depth" is not a parameter/],
    ['init=gaussian,orthogonal', /init cannot be swept/],
    ['seed=1,2', /seed cannot be swept/],
    ['pd=chi1,xiC', /does not change what is trained/],
    ['lr=1e-3..20:3:log', /lr=20 is outside 1e-5 … 10/],
    ['lr=0..1:3:log', /lr=0 is outside/],
    ['sb2=0..0.5:3:log', /log range needs ends above 0/],
    ['lr=0.1..0.1:3', /two different ends/],
    ['lr=0.001..1:1:log', /whole number from 2 to 64/],
    ['lr=0.001..1:65', /whole number from 2 to 64/],
    ['lr=0.001..1', /write a range as a\.\.b:n/],
    ['L=1..3:5', /repeat/],
    ['L=2.5,3', /L=2\.5 must be a whole number/],
    ['act=tanh,sigmoid', /act=sigmoid: not one of tanh, hardtanh, relu, linear, erf/],
    ['act=tanh..relu:2', /act is a choice/],
    ['lr=0.1,,0.2', /an empty value/],
    ['lr=0.1,0.1', /0\.1 is listed twice/],
    ['sb2=1e-11,0.1', /between 0 and/],
    ['lr=0x10,1', /"0x10" is not a number/],
  ])('refuses %s with a reason', (text, reason) => {
    expect(() => parseAxis(text)).toThrow(SweepDefinitionError);
    expect(() => parseAxis(text)).toThrow(reason);
  });
});

describe('sweep links', () => {
  const link = '?act=tanh&L=20&over=lr=1e-3..1:9:log&over=N=32,64&measure=ntk';

  it('round-trips: parse → format → parse gives the same definition and text', () => {
    const first = parseSweepQuery(link);
    expect(first.fixes).toEqual([]);
    expect(first.definition.axes.map((a) => a.spec)).toEqual(['lr=1e-3..1:9:log', 'N=32,64']);
    const text = sweepQuery(first.definition);
    const second = parseSweepQuery(text);
    expect(second.definition).toEqual(first.definition);
    expect(sweepQuery(second.definition)).toBe(text);
    // Readable: the axes are not percent-escaped.
    expect(text).toContain('&over=lr=1e-3..1:9:log&over=N=32,64&measure=ntk');
  });

  it('round-trips every named experiment', () => {
    for (const named of EXPERIMENTS) {
      const { definition, fixes } = parseSweepQuery(named.query);
      expect(fixes, named.id).toEqual([]);
      expect(definition.experiment).toBe(named.id);
      expect(parseSweepQuery(sweepQuery(definition)).definition).toEqual(definition);
    }
  });

  it('leaves the base configuration of the link as any link reads it, without notices for sweep keys', () => {
    expect(parseQuery(link).fixes).toEqual([]);
    expect(parseQuery(link).config).toEqual({ ...DEFAULT_CONFIG, act: 'tanh', L: 20 });
    expect(parseSweepQuery(link).definition.base).toEqual(parseQuery(link).config);
    expect(isSweepQuery(link)).toBe(true);
    expect(isSweepQuery('?measure=tau')).toBe(true);
    expect(isSweepQuery('?act=tanh&L=20')).toBe(false);
  });

  it('reports a repeated measure as links report repeats, and refuses what it cannot run', () => {
    const { definition, fixes } = parseSweepQuery('?over=L=2,4&measure=tau&measure=ntk');
    expect(definition.measure).toBe('tau');
    expect(fixes).toEqual([expect.objectContaining({ key: 'measure', kind: 'ignored', raw: 'ntk' })]);
    expect(() => parseSweepQuery('?over=L=2,4&over=L=8,16')).toThrow(/L is swept twice/);
    expect(() => parseSweepQuery('?over=L=2,4&over=N=8,16&over=lr=0.1,0.2')).toThrow(/at most 2/);
    expect(() => parseSweepQuery('?over=L=2,4&measure=hessian')).toThrow(
      /measure=hessian: expected one of tau, ntk/,
    );
    expect(() => parseSweepQuery('?over=L=2,4&exp=fig9')).toThrow(/exp=fig9 is not a named experiment/);
    expect(() => parseSweepQuery('?data=teacher&lm=acc&over=L=2,4')).toThrow(/no accuracy/);
    expect(() => sweepDefinition(DEFAULT_CONFIG, ['data=mnist,teacher', 'lm=train,acc'])).toThrow(
      /no accuracy/,
    );
  });
});
