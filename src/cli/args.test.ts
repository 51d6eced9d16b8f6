import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAMS, parseQuery } from '../config/index.ts';
import { UsageError, integerFlag, numberFlag, parseArgs, warningLines, type CliFlag } from './args.ts';

const FLAGS: readonly CliFlag[] = [
  { name: 'sw2', param: 'sw2', help: 'σ_w²' },
  { name: 'depth', param: 'L', help: 'depth L' },
  { name: 'steps', param: 'steps', help: 'training steps' },
  { name: 'config', help: 'a link’s query string' },
  { name: 'every', help: 'evaluate every k steps' },
  { name: 'density', boolean: true, help: 'add the density' },
];

const parse = (...argv: string[]) => parseArgs(argv, FLAGS);

/** The one line a usage error prints. */
function usageError(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('boolean flags', () => {
  it('are on when given bare, and take true/false, 1/0, yes/no after =', () => {
    expect(parse('--density').flags.has('density')).toBe(true);
    expect(parse().flags.has('density')).toBe(false);
    for (const on of ['true', 'TRUE', '1', 'yes', 'Yes']) {
      expect(parse(`--density=${on}`).flags.has('density'), on).toBe(true);
    }
    for (const off of ['false', 'False', '0', 'no', 'NO']) {
      expect(parse(`--density=${off}`).flags.has('density'), off).toBe(false);
    }
  });

  it('refuse any other value with a one-line usage error', () => {
    for (const bad of ['maybe', '', '2', 'on', 'y']) {
      expect(usageError(`--density=${bad}`)).toMatch(/expected true or false/);
    }
    // A separate word after a switch is not its value: say how to write it.
    expect(usageError('--density', 'false')).toMatch(
      /--density takes no separate value \(write --density=false\)/,
    );
  });
});

describe('repeated flags', () => {
  it('keep the first value and report the repeat, as links do', () => {
    const args = parse('--sw2', '2', '--sw2=3', '--density', '--density=false');
    expect(args.config.sw2).toBe(2);
    expect(args.values.get('sw2')).toBe('2');
    expect(args.flags.has('density')).toBe(true);
    expect(args.fixes.map((f) => [f.key, f.raw, f.applied, f.reason])).toEqual([
      ['--sw2', '3', '2', 'given more than once; the first value is kept'],
      ['--density', 'false', 'true', 'given more than once; the first value is kept'],
    ]);
    // The same rule in a link, and in a link given to --config.
    expect(parseQuery('?sw2=2&sw2=3').config.sw2).toBe(2);
    const linked = parse('--config', '?sw2=2&sw2=3');
    expect(linked.config.sw2).toBe(2);
    expect(linked.fixes[0]!.reason).toBe('given more than once; the first value is kept');
  });

  it('let a flag override --config without calling it a repeat', () => {
    const args = parse('--config', '?sw2=2&L=9', '--depth', '12');
    expect(args.config).toMatchObject({ sw2: 2, L: 12 });
    expect(args.fixes).toEqual([]);
  });
});

describe('schema flags', () => {
  it('read numbers like links: every digit kept, decimal only', () => {
    expect(parse('--sw2', '1.0500000001').config.sw2).toBe(1.0500000001);
    expect(parse('--sw2', '1.76159416').config.sw2).toBe(1.76159416);
    expect(parse('--sw2', '1e+0').config.sw2).toBe(1);
    expect(parse('--depth', '1e2').config.L).toBe(100);
    expect(usageError('--depth', '0x1')).toMatch(/not a number/);
    expect(usageError('--sw2', 'Infinity')).toMatch(/not a number/);
  });

  it('clamp and round with a warning, as links do', () => {
    const args = parse('--depth', '1e309', '--steps', '12.5');
    expect(args.config.L).toBe(PARAMS.L.max);
    expect(args.config.steps).toBe(13);
    expect(args.fixes.map((f) => f.key)).toEqual(['--depth', '--steps']);
    expect(warningLines(args.fixes)).toEqual([
      'warning: --depth 1e309: out of range; clamped to the maximum 1000 (1000)',
      'warning: --steps 12.5: must be a whole number; rounded (13)',
    ]);
  });

  it('refuse an unreadable --config value', () => {
    expect(usageError('--config', '?sw2=abc')).toMatch(/--config: sw2=abc is not a number/);
    expect(parse('--config', '?v=1.0&lr=1e+0').config.lr).toBe(1);
  });
});

describe('warnings', () => {
  it('stay a few lines for a --config with thousands of unknown keys', () => {
    const query = Array.from({ length: 5000 }, (_, i) => `k${i}=${'x'.repeat(200)}`).join('&');
    const args = parse('--config', query);
    expect(args.config).toEqual(DEFAULT_CONFIG);
    const lines = warningLines(args.fixes);
    expect(lines).toHaveLength(9);
    expect(lines.at(-1)).toBe('warning: and 4992 more');
    for (const line of lines) expect(line.length).toBeLessThan(120);
  });
});

describe('number flags outside the schema', () => {
  it('read decimals only, with the range as a usage error', () => {
    expect(integerFlag('every', '5', 1, { min: 1 })).toBe(5);
    expect(integerFlag('every', ' 1e3 ', 1, { min: 1 })).toBe(1000);
    expect(integerFlag('every', '12.0', 1, { min: 1 })).toBe(12);
    expect(integerFlag('every', undefined, 7, { min: 1 })).toBe(7);
    expect(integerFlag('example', '0', 0, { min: 0 })).toBe(0);
    for (const bad of [
      '0x1',
      '0b1',
      '1_000',
      '',
      'Infinity',
      '1e400',
      'NaN',
      '2.5',
      '0',
      '-1',
      '1e-400',
      '１',
    ]) {
      expect(() => integerFlag('every', bad, 1, { min: 1 }), bad).toThrow(UsageError);
    }
    expect(() => integerFlag('every', '0x1', 1, { min: 1 })).toThrow(
      '--every 0x1: expected a whole number ≥ 1',
    );
    expect(numberFlag('seconds', '0.5', { above: 0 })).toBe(0.5);
    for (const bad of ['0', '-1', 'Infinity', '1e999', '0x1']) {
      expect(() => numberFlag('seconds', bad, { above: 0 }), bad).toThrow(UsageError);
    }
    expect(() => numberFlag('seconds', '0', { above: 0 })).toThrow(
      '--seconds 0: expected a decimal number > 0',
    );
  });
});

describe('flag syntax', () => {
  it('answers unknown flags, bare words and missing values with one line', () => {
    expect(usageError('--nope', '1')).toMatch(/unknown flag --nope/);
    expect(usageError('sw2')).toMatch(/unexpected argument "sw2"; flags start with --/);
    expect(usageError('--sw2')).toMatch(/--sw2 needs a value/);
    expect(usageError('--sw2', '--density')).toMatch(/--sw2 needs a value/);
    expect(usageError(`--${'x'.repeat(5000)}`).length).toBeLessThan(300);
  });
});
