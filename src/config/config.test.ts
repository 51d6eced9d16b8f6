import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  PARAM_KEYS,
  PARAMS,
  checkNumber,
  checkParam,
  cleanNumber,
  clip,
  formatValue,
  fromSliderPosition,
  isValidNumber,
  parseQuery,
  settleCrossField,
  settleNumber,
  summarizeFixes,
  toQuery,
  toSliderPosition,
  type Fix,
  type LabConfig,
  type NumberParam,
  type Param,
} from './index.ts';

/** A small deterministic generator so that the fuzz cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random configuration the lab can hold: every value in range, and values that go together. */
function randomConfig(rand: () => number): LabConfig {
  return settleCrossField(randomValues(rand)).config;
}

function randomValues(rand: () => number): LabConfig {
  const config: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) {
    const param = PARAMS[key];
    if (param.kind === 'choice') {
      config[key] = param.choices[Math.floor(rand() * param.choices.length)]!.value;
    } else {
      config[key] = fromSliderPosition(param, rand() * 1000);
    }
  }
  return config as LabConfig;
}

describe('schema', () => {
  it('has unique URL keys and defaults inside their own ranges', () => {
    const urlKeys = PARAM_KEYS.map((k) => PARAMS[k].urlKey);
    expect(new Set(urlKeys).size).toBe(urlKeys.length);
    for (const key of PARAM_KEYS) {
      const param = PARAMS[key];
      const checked = checkParam(key, formatValue(param, param.default));
      expect(checked.fix, key).toBeUndefined();
      expect(checked.value).toBe(param.default);
    }
  });

  it('covers the parameters of the version-1 link format', () => {
    const required = [
      'act',
      'sw2',
      'sb2',
      'L',
      'N',
      'init',
      'lr',
      'opt',
      'bs',
      'data',
      'seeds',
      'seed',
      'steps',
      'param',
    ];
    expect(PARAM_KEYS.map((k) => PARAMS[k].urlKey)).toEqual(expect.arrayContaining(required));
  });

  it('reaches the ranges the issue names', () => {
    expect(PARAMS.sb2.logMin).toBe(1e-10);
    expect(PARAMS.L.max).toBe(1000);
    expect(PARAMS.N.max).toBe(2048);
  });
});

describe('URL round trip', () => {
  it('restores the default configuration exactly', () => {
    expect(parseQuery(toQuery(DEFAULT_CONFIG))).toEqual({ config: DEFAULT_CONFIG, fixes: [] });
  });

  it('restores 500 random configurations exactly, with no fixes', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 500; i++) {
      const config = randomConfig(rand);
      const parsed = parseQuery(toQuery(config));
      expect(parsed.fixes).toEqual([]);
      expect(parsed.config).toEqual(config);
    }
  });

  it('writes the version first and compact numbers', () => {
    const query = toQuery({ ...DEFAULT_CONFIG, sb2: 2.01e-5, sw2: 1.05 });
    expect(query.startsWith('?v=1&')).toBe(true);
    expect(query).toContain('sb2=2.01e-5');
    expect(query).toContain('sw2=1.05');
  });

  it('reads a hand-written link', () => {
    const { config, fixes } = parseQuery('?v=1&act=relu&sw2=2&sb2=0&L=10&N=256&init=orthogonal');
    expect(fixes).toEqual([]);
    expect(config).toMatchObject({ act: 'relu', sw2: 2, sb2: 0, L: 10, N: 256, init: 'orthogonal' });
    expect(config.lr).toBe(DEFAULT_CONFIG.lr);
  });
});

describe('hostile URLs', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['sw2=abc', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=NaN', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=Infinity', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=0x10', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=1e308', 'sw2', PARAMS.sw2.max, /clamped to the maximum/],
    ['sw2=-3', 'sw2', PARAMS.sw2.min, /clamped to the minimum/],
    ['sb2=-1e-3', 'sb2', 0, /clamped to the minimum/],
    ['L=1e9', 'L', 1000, /maximum/],
    ['L=12.6', 'L', 13, /whole number/],
    ['N=0', 'N', PARAMS.N.min, /minimum/],
    ['act=sigmoid', 'act', 'tanh', /not one of/],
    ['init=<script>', 'init', 'both', /not one of/],
    // Overflow is a number too large, not "not a number".
    ['L=1e309', 'L', 1000, /clamped to the maximum 1000/],
    ['L=-1e309', 'L', 1, /clamped to the minimum 1/],
    ['sw2=1e99999999999999999999', 'sw2', PARAMS.sw2.max, /clamped to the maximum/],
    ['sw2=1e-400', 'sw2', PARAMS.sw2.min, /clamped to the minimum/],
    ['sb2=-1e-400', 'sb2', 0, /clamped to the minimum 0/],
    // σ_b²'s slider jumps from 0 to 1e-10; values between go to the nearer end.
    ['sb2=1e-300', 'sb2', 0, /between 0 and 1e-10.*slider/],
    ['sb2=1e-400', 'sb2', 0, /between 0 and 1e-10/],
    ['sb2=4.9e-11', 'sb2', 0, /between 0 and 1e-10/],
    ['sb2=5e-11', 'sb2', 1e-10, /between 0 and 1e-10/],
    ['sb2=9.99e-11', 'sb2', 1e-10, /between 0 and 1e-10/],
    ['thr=1e-400', 'thr', 0, /too small for a 64-bit float/],
    // More digits than a 64-bit float holds.
    ['sw2=1.00000000000000000001', 'sw2', 1, /more significant digits than a 64-bit float/],
    ['seed=2147483646.6', 'seed', 2147483647, /whole number/],
    ['seed=1e-400', 'seed', 0, /too small/],
    ['steps=12.5', 'steps', 13, /whole number/],
    ['sw2=1e%200%20', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=1_000', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
    ['sw2=%EF%BC%92', 'sw2', DEFAULT_CONFIG.sw2, /not a number/],
  ];
  for (const [query, key, expected, reason] of cases) {
    it(`answers ${query}`, () => {
      const { config, fixes } = parseQuery(`?v=1&${query}`);
      expect(config[key as keyof LabConfig]).toBe(expected);
      expect(fixes).toHaveLength(1);
      expect(fixes[0]!.reason).toMatch(reason);
    });
  }

  it('ignores unknown keys and says so', () => {
    const { config, fixes } = parseQuery('?v=1&foo=bar&sw2=2');
    expect(config.sw2).toBe(2);
    expect(fixes).toEqual([
      { key: 'foo', kind: 'ignored', raw: 'bar', applied: '', reason: 'unknown parameter; ignored' },
    ]);
  });

  it('passes over the keys of sweeps and views without a notice: they are not configuration', () => {
    const { config, fixes } = parseQuery('?view=experiments&L=3&over=lr=0.1,1&measure=tau&exp=deep-linear');
    expect(config.L).toBe(3);
    expect(fixes).toEqual([]);
  });

  it('flags an unknown version and a repeated key', () => {
    const { config, fixes } = parseQuery('?v=9&sw2=2&sw2=3&v=1');
    expect(config.sw2).toBe(2);
    expect(fixes.map((f) => [f.key, f.applied, f.reason])).toEqual([
      ['v', '1', 'unknown link version; read as version 1'],
      ['sw2', '2', 'given more than once; the first value is kept'],
      ['v', '1', 'given more than once; the first value is kept'],
    ]);
  });

  const noFix: [string, keyof LabConfig, unknown][] = [
    // Every digit given is kept (issue 9): no rounding to the slider's digits.
    ['sw2=1.0500000001', 'sw2', 1.0500000001],
    ['lr=0.012345', 'lr', 0.012345],
    ['sw2=1.7615941559557649', 'sw2', 1.7615941559557649],
    // '+' in a query is a space; where only a sign can be, it is read as '+'.
    ['lr=1e+0', 'lr', 1],
    ['lr=1e%2B0', 'lr', 1],
    ['sw2=+2', 'sw2', 2],
    ['sw2=+1.5e+0', 'sw2', 1.5],
    ['sw2=2.000', 'sw2', 2],
    ['L=1e2', 'L', 100],
    ['sb2=-0', 'sb2', 0],
    ['sb2=1e-6', 'sb2', 1e-6],
    ['sb2=1e-10', 'sb2', 1e-10],
    ['act=ReLU', 'act', 'relu'],
  ];
  for (const [query, key, expected] of noFix) {
    it(`keeps ${query} exactly, with no notice`, () => {
      const { config, fixes } = parseQuery(`?v=1&${query}`);
      expect(fixes).toEqual([]);
      expect(Object.is(config[key], expected)).toBe(true);
    });
  }

  it('reads versions that equal 1 as version 1, and only those', () => {
    for (const v of ['1', '1.0', '01', '1e0', '1e+0', '+1', '%201%20']) {
      expect(parseQuery(`?v=${v}&L=3`).fixes, v).toEqual([]);
    }
    for (const v of ['2', '1.5', '', 'one', '0x1', 'v1', '1.0000000000000000001']) {
      const { fixes } = parseQuery(`?v=${v}&L=3`);
      expect(
        fixes.map((f) => [f.key, f.reason]),
        v,
      ).toEqual([['v', 'unknown link version; read as version 1']]);
    }
  });

  it('round-trips a 9-digit σ_w² (the CLI’s criticalSw2) exactly', async () => {
    const { criticalSigmaW2 } = await import('../theory/index.ts');
    const critical = criticalSigmaW2('tanh', 0.05);
    for (const text of [critical.toPrecision(9), String(critical), '1.76159416']) {
      const value = Number(text);
      const first = parseQuery(`?v=1&sw2=${text}`);
      expect(first.fixes).toEqual([]);
      expect(first.config.sw2).toBe(value);
      const query = toQuery(first.config);
      expect(query).toContain(`sw2=${formatValue(PARAMS.sw2, value)}`);
      const second = parseQuery(query);
      expect(second).toEqual({ config: first.config, fixes: [] });
      expect(toQuery(second.config)).toBe(query);
    }
  });

  it('never writes a + (a query would read it as a space)', () => {
    const config = { ...DEFAULT_CONFIG, sw2: 3.5, sb2: 4.5e-6, lr: 1.5e-5, thr: 1e-20, seed: 2147483647 };
    const query = toQuery(config);
    expect(query).not.toContain('+');
    expect(parseQuery(query).config).toEqual(config);
    expect(formatValue(PARAMS.thr, 1.5e21)).toBe('1.5e21');
  });

  it('caps the notice and stays fast with 5,000 unknown keys', () => {
    const query = `?${Array.from({ length: 5000 }, (_, i) => `k${i}=${'x'.repeat(i % 7 === 0 ? 500 : 3)}`).join('&')}&L=7`;
    const started = performance.now();
    const { config, fixes } = parseQuery(query);
    expect(performance.now() - started).toBeLessThan(500);
    expect(config.L).toBe(7);
    expect(fixes).toHaveLength(5000);
    const { shown, more } = summarizeFixes(fixes);
    expect(shown).toHaveLength(8);
    expect(more).toBe(4992);
    for (const fix of shown) expect(fix.raw.length + fix.key.length).toBeLessThanOrEqual(80);
    expect(shown[0]!.raw).toBe(`${'x'.repeat(39)}…`);
  });

  it('clips text without splitting a surrogate pair', () => {
    expect(clip('💥'.repeat(30), 10)).toBe(`${'💥'.repeat(4)}…`);
    expect(clip('short', 10)).toBe('short');
  });
});

describe('slider positions', () => {
  const numberParams = PARAM_KEYS.map((k) => PARAMS[k]).filter((p): p is NumberParam => p.kind === 'number');

  it('are monotone and invert each other to the parameter precision', () => {
    for (const param of numberParams) {
      let previous = -Infinity;
      for (let pos = 0; pos <= 1000; pos += 10) {
        const value = fromSliderPosition(param, pos);
        expect(value).toBeGreaterThanOrEqual(previous);
        previous = value;
        const back = fromSliderPosition(param, toSliderPosition(param, value));
        expect(back).toBe(value);
      }
      expect(fromSliderPosition(param, 1000)).toBe(param.max);
    }
  });

  it('puts an exact zero at the left end of σ_b² and 1e-10 next to it, nothing between', () => {
    expect(fromSliderPosition(PARAMS.sb2, 0)).toBe(0);
    expect(fromSliderPosition(PARAMS.sb2, 1)).toBe(1e-10);
    expect(toSliderPosition(PARAMS.sb2, 0)).toBe(0);
    for (const position of [0.5, 0.7, 0.99]) expect(fromSliderPosition(PARAMS.sb2, position)).toBe(1e-10);
  });

  it('clamp positions off the track and only give values the parameter can hold', () => {
    for (const param of numberParams) {
      expect(fromSliderPosition(param, -20)).toBe(fromSliderPosition(param, 0));
      expect(fromSliderPosition(param, 1020)).toBe(param.max);
      for (let pos = -3; pos <= 1003; pos += 0.7) {
        expect(isValidNumber(param, fromSliderPosition(param, pos)), `${param.urlKey} at ${pos}`).toBe(true);
      }
    }
  });
});

describe('settling numbers from the interface', () => {
  it('keeps valid values exactly and moves the rest to the nearest valid one', () => {
    expect(settleNumber(PARAMS.sw2, 1.0500000001)).toBe(1.0500000001);
    expect(settleNumber(PARAMS.sw2, 9)).toBe(4);
    expect(settleNumber(PARAMS.L, 12.5)).toBe(13);
    expect(settleNumber(PARAMS.sb2, 3e-11)).toBe(0);
    expect(settleNumber(PARAMS.sb2, 6e-11)).toBe(1e-10);
    expect(Object.is(settleNumber(PARAMS.sb2, -0), 0)).toBe(true);
    expect(isValidNumber(PARAMS.sb2, -0)).toBe(false);
    expect(isValidNumber(PARAMS.sb2, 5e-11)).toBe(false);
  });

  it('drops the binary residue of arrow-key arithmetic, not typed digits', () => {
    let sw2 = 1.05;
    for (let i = 0; i < 30; i++) sw2 = cleanNumber(PARAMS.sw2, sw2 + 0.01);
    expect(sw2).toBe(1.35);
    expect(cleanNumber(PARAMS.sw2, 1.0500000001)).toBe(1.0500000001);
    expect(checkNumber(PARAMS.sw2, '1.23456789012345').value).toBe(1.23456789012345);
  });
});

describe('schema and theory agree', () => {
  it('offers exactly the activations the theory engine defines', async () => {
    const { ACTIVATION_IDS } = await import('../theory/index.ts');
    expect(PARAMS.act.choices.map((c) => c.value)).toEqual([...ACTIVATION_IDS]);
  });
});

/**
 * The decimal a text denotes, as "[-]digits e exponent" with no leading or trailing zeros ("0" for
 * zero), or null if it is not a decimal number. Written apart from the app's reader (BigInt
 * exponents), so that the fuzz checks the reader rather than repeating it.
 */
function exactDecimal(text: string): string | null {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return null;
  const all = `${whole}${fraction}`.replace(/^0+/, '');
  const digits = all.replace(/0+$/, '');
  if (digits === '') return '0';
  const power = BigInt(exponent) - BigInt(fraction.length) + BigInt(all.length - digits.length);
  return `${sign === '-' ? '-' : ''}${digits}e${power}`;
}

/** Parameter by URL key. */
const KEY_OF = new Map(PARAM_KEYS.map((k) => [PARAMS[k].urlKey, k]));

interface Pair {
  /** The key and value as the link's author meant them, before any encoding. */
  readonly key: string;
  readonly value: string;
  readonly text: string;
}

const FUZZ_JUNK = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '0b1',
  '1_000',
  '1e',
  'e5',
  '.',
  '-',
  '+',
  '1..2',
  '0.5.5',
  '1e+-2',
  '1,5',
  '%',
  '%zz',
  '💥',
  '１２',
  '٣',
  '\u00a03\u2028',
  'true',
  '<script>',
  '&amp;',
  '=',
  '#1',
  '1e 0 ',
  '1 e+0',
];

const UNKNOWN_KEYS = [
  '',
  'foo',
  'SW2',
  'l',
  'v2',
  'sw2 ',
  'σ',
  '💥',
  '%',
  'a&b',
  'a=b',
  '+',
  'constructor',
  '__proto__',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function digitString(rand: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(rand() * 10));
  return out;
}

/** A decimal as people (and programs) write them: signs, points, exponents, padding, far too many digits. */
function randomNumberText(rand: () => number, param: NumberParam): string {
  const r = rand();
  if (r < 0.1) return formatValue(param, fromSliderPosition(param, rand() * 1000));
  // JavaScript's own exponent form: 1.05e+0, the '+' that a query reads as a space.
  if (r < 0.2) return fromSliderPosition(param, rand() * 1000).toExponential();
  if (r < 0.25) {
    const low = param.logMin ?? param.min;
    const edges = [param.min, param.max, low, low / 2, low * 0.49, low * 0.51, param.min - 1, param.max * 2];
    return String(pick(rand, edges));
  }
  if (r < 0.3) return String(rand() * (param.max - param.min) + param.min);
  if (r < 0.33) return `${digitString(rand, 1)}${'0'.repeat(Math.floor(rand() * 1000))}`;
  if (r < 0.35) return `0.${digitString(rand, 20).repeat(20 + Math.floor(rand() * 100))}`;
  const sign = pick(rand, ['', '', '', '-', '+']);
  const count = rand() < 0.8 ? 1 + Math.floor(rand() * 12) : 13 + Math.floor(rand() * 12);
  let digits = digitString(rand, count);
  if (rand() < 0.1) digits = `000${digits}`;
  const point = Math.floor(rand() * (count + 2)) - 1;
  const mantissa =
    point < 0
      ? digits
      : point >= digits.length
        ? `${digits}.`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  const e = rand();
  const exponent =
    e < 0.5
      ? ''
      : e < 0.8
        ? `${pick(rand, ['e', 'E'])}${pick(rand, ['', '+', '-'])}${Math.floor(rand() * 12)}`
        : e < 0.95
          ? `e${pick(rand, ['', '+', '-'])}${290 + Math.floor(rand() * 40)}`
          : `e${pick(rand, ['+', '-'])}${digitString(rand, 5 + Math.floor(rand() * 20))}`;
  return `${sign}${mantissa === '.' ? '0' : mantissa}${exponent}`;
}

function randomValueText(rand: () => number, key: string): string {
  const paramKey = KEY_OF.get(key);
  const param: Param | undefined = paramKey === undefined ? undefined : PARAMS[paramKey];
  if (rand() < 0.12) return pick(rand, FUZZ_JUNK);
  if (rand() < 0.005) return 'x'.repeat(1000 + Math.floor(rand() * 5000));
  if (key === 'v')
    return pick(rand, ['1', '1.0', '01', '1e0', '+1', '2', '0', '-1', '1e-400', '1.0000000000000000001']);
  if (param?.kind === 'choice') {
    const { value } = pick<{ value: string }>(rand, param.choices);
    return rand() < 0.2 ? value.toUpperCase() : rand() < 0.1 ? ` ${value} ` : value;
  }
  return randomNumberText(rand, param ?? PARAMS.sw2);
}

function percentEncodeAll(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** Encodes a value as links in the wild do: escaped, with a bare '+' (form style), every byte escaped, or raw. */
function encodePart(rand: () => number, text: string): string {
  const r = rand();
  if (r < 0.5) return encodeURIComponent(text);
  if (r < 0.8) return encodeURIComponent(text).replaceAll('%2B', '+').replaceAll('%20', '+');
  if (r < 0.9) return percentEncodeAll(text);
  // Raw only where nothing in it means something else in a query.
  return /^[\w.-]*$/.test(text) ? text : encodeURIComponent(text);
}

/** Up to 30 pairs; a `huge` query has thousands, nearly all unknown keys (a link pasted into a link). */
function randomPairs(rand: () => number, huge: boolean): Pair[] {
  const urlKeys = PARAM_KEYS.map((k) => PARAMS[k].urlKey);
  const count = huge ? 3000 + Math.floor(rand() * 2000) : Math.floor(rand() * 30);
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const r = huge && rand() < 0.97 ? 0.99 : rand();
    const key =
      r < 0.08
        ? 'v'
        : r < 0.85
          ? pick(rand, urlKeys)
          : r < 0.95
            ? pick(rand, UNKNOWN_KEYS)
            : `k${digitString(rand, 3)}`;
    const value = randomValueText(rand, key);
    const bare = value === '' && rand() < 0.3;
    // Keys are never written with a bare '+': the expected key is the one meant, not a space.
    const keyText = rand() < 0.8 ? encodeURIComponent(key) : percentEncodeAll(key);
    pairs.push({ key, value, text: bare ? keyText : `${keyText}=${encodePart(rand, value)}` });
  }
  return pairs;
}

/** Whether the configuration's value is exactly what the pair's author wrote. */
function takenAsWritten(key: string, value: string, held: unknown): boolean {
  if (key === 'v') return exactDecimal(value) === '1e0';
  const param = PARAMS[key as keyof LabConfig];
  // Choices are matched without regard to case or surrounding spaces.
  if (param.kind === 'choice') return value.trim().toLowerCase() === String(held).toLowerCase();
  const written = exactDecimal(value);
  return written !== null && written === exactDecimal(String(held));
}

function checkConfig(config: LabConfig): string | null {
  for (const key of PARAM_KEYS) {
    const param = PARAMS[key];
    const value = config[key] as unknown;
    if (param.kind === 'choice') {
      if (!param.choices.some((c) => c.value === value)) return `${key}: ${String(value)} is not a choice`;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || Object.is(value, -0))
      return `${key}: ${value}`;
    if (value < param.min || value > param.max) return `${key}: ${value} out of range`;
    if (param.integer && !Number.isInteger(value)) return `${key}: ${value} not whole`;
    // On the slider's representable set: a zeroAllowed log slider has nothing between 0 and logMin.
    if (param.zeroAllowed && value !== 0 && value < param.logMin!)
      return `${key}: ${value} in the slider gap`;
    if (toSliderPosition(param, value) < 0 || toSliderPosition(param, value) > 1000)
      return `${key}: off the slider`;
  }
  return null;
}

describe('parser fuzz', () => {
  it('reads 6,000 generated links: no exception, a valid config, exact round trip, no silent change', () => {
    const rand = mulberry32(20240909);
    const failures: string[] = [];
    let pairsSeen = 0;
    let fixesSeen = 0;
    let bigQueries = 0;
    let plusKept = 0;
    const reasons = new Map<string, number>();
    for (let n = 0; n < 6000 && failures.length < 5; n++) {
      const pairs = randomPairs(rand, n % 1000 === 500);
      const query = `${rand() < 0.5 ? '?' : ''}${pairs.map((p) => p.text).join(rand() < 0.05 ? '&&' : '&')}`;
      const label = `#${n} ${query.slice(0, 200)}`;
      let parsed: { config: LabConfig; fixes: readonly Fix[] };
      try {
        parsed = parseQuery(query);
      } catch (error) {
        failures.push(`${label}: threw ${String(error)}`);
        continue;
      }
      const { config } = parsed;
      // Fixes of values that are valid alone but not together (settleCrossField: arch=rnn takes
      // data=mnist and mirror=0) come last; they are checked apart from the per-pair ones.
      const crossFixes = parsed.fixes.filter((fix) => /arch=rnn/.test(fix.reason));
      const fixes = parsed.fixes.filter((fix) => !crossFixes.includes(fix));
      const settled = new Set(crossFixes.map((fix) => fix.key));
      for (const fix of crossFixes)
        if (
          config.arch !== 'rnn' ||
          fix.applied !== formatValue(PARAMS[KEY_OF.get(fix.key)!], config[KEY_OF.get(fix.key)!])
        )
          failures.push(`${label}: cross-field ${JSON.stringify(fix)} but arch is ${config.arch}`);
      pairsSeen += pairs.length;
      fixesSeen += fixes.length;
      if (pairs.length >= 2000) bigQueries++;
      for (const fix of fixes) {
        const reason = fix.reason.replace(/\d.*$/, '').split(';')[0]!;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      // A fix says what the configuration now holds.
      for (const fix of fixes) {
        const paramKey = KEY_OF.get(fix.key);
        if (
          fix.kind !== 'ignored' &&
          paramKey &&
          !settled.has(fix.key) &&
          fix.applied !== formatValue(PARAMS[paramKey], config[paramKey])
        )
          failures.push(`${label}: ${JSON.stringify(fix)} but ${paramKey} is ${config[paramKey]}`);
      }
      const fixed = new Set(fixes.map((f) => f.key));
      for (const { key, text } of pairs) {
        if (key !== 'v' && !fixed.has(key) && /^[^=]+=[^=]*e\+/i.test(text)) plusKept++;
      }
      const invalid = checkConfig(config);
      if (invalid) failures.push(`${label}: ${invalid}`);

      // Nothing changes silently: exactly the pairs not taken as written have a fix, in order.
      const seen = new Set<string>();
      const expected: string[] = [];
      for (const { key, value, text } of pairs) {
        // An empty key written bare is an empty segment, skipped like the one between '&&'.
        if (text === '') continue;
        const known = key === 'v' || KEY_OF.has(key);
        if (!known || seen.has(key)) {
          expected.push(key);
          continue;
        }
        seen.add(key);
        const paramKey = KEY_OF.get(key);
        // A value settled with another is judged as the pair alone left it.
        const held =
          paramKey === undefined
            ? undefined
            : settled.has(key)
              ? checkParam(paramKey, value).value
              : config[paramKey];
        if (!takenAsWritten(key, value, held)) expected.push(key);
      }
      const got = fixes.map((f) => f.key);
      if (got.length !== expected.length || got.some((k, i) => k !== expected[i])) {
        let at = 0;
        while (got[at] === expected[at]) at++;
        failures.push(
          `${label}: fix ${at} is ${JSON.stringify(fixes[at])}, expected key ${JSON.stringify(expected[at])}`,
        );
      }

      // Round trip: what is written reads back as the same configuration, with nothing to fix.
      const written = toQuery(config);
      const again = parseQuery(written);
      if (written.includes('+')) failures.push(`${label}: wrote a '+': ${written}`);
      if (again.fixes.length > 0) failures.push(`${label}: round trip fixed ${JSON.stringify(again.fixes)}`);
      if (PARAM_KEYS.some((k) => !Object.is(again.config[k], config[k])))
        failures.push(`${label}: round trip changed ${written}`);
      if (toQuery(again.config) !== written) failures.push(`${label}: written text is not stable`);
    }
    expect(failures).toEqual([]);
    // The generator reaches what it is meant to: many pairs, and many of them fixed.
    expect(pairsSeen).toBeGreaterThan(80_000);
    expect(fixesSeen).toBeGreaterThan(20_000);
    expect(bigQueries).toBeGreaterThan(3);
    expect(plusKept).toBeGreaterThan(100);
    // …and every kind of change the reader makes, each many times.
    for (const reason of [
      'unknown parameter',
      'given more than once',
      'unknown link version',
      'not a number',
      'out of range',
      'must be a whole number',
      'more significant digits than a ',
      'between ',
      'too small for a ',
    ]) {
      expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(20);
    }
  });
});
