import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  PARAM_KEYS,
  PARAMS,
  PRESETS,
  checkParam,
  formatValue,
  fromSliderPosition,
  parseQuery,
  toQuery,
  toSliderPosition,
  type LabConfig,
  type NumberParam,
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

function randomConfig(rand: () => number): LabConfig {
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
    expect(PARAMS.sb2.logMin).toBe(1e-6);
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

  it('flags an unknown version and a repeated key', () => {
    const { config, fixes } = parseQuery('?v=9&sw2=2&sw2=3');
    expect(config.sw2).toBe(2);
    expect(fixes.map((f) => f.key)).toEqual(['v', 'sw2']);
  });

  it('never throws and always yields an in-range configuration', () => {
    const rand = mulberry32(11);
    const junk = [
      '',
      'NaN',
      '-0',
      '1e-400',
      '1e400',
      '%',
      '💥',
      '0.5.5',
      ' 3 ',
      'true',
      '-Infinity',
      '1_000',
    ];
    for (let i = 0; i < 300; i++) {
      const parts = PARAM_KEYS.map(
        (k) => `${PARAMS[k].urlKey}=${encodeURIComponent(junk[Math.floor(rand() * junk.length)]!)}`,
      );
      const { config } = parseQuery(`?${parts.join('&')}`);
      for (const key of PARAM_KEYS) {
        const param = PARAMS[key];
        const value = config[key];
        if (param.kind === 'number') {
          expect(typeof value).toBe('number');
          expect(value as number).toBeGreaterThanOrEqual(param.min);
          expect(value as number).toBeLessThanOrEqual(param.max);
        } else {
          expect(param.choices.map((c) => c.value)).toContain(value);
        }
      }
    }
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

  it('puts an exact zero at the left end of σ_b² and 1e-6 next to it', () => {
    expect(fromSliderPosition(PARAMS.sb2, 0)).toBe(0);
    expect(fromSliderPosition(PARAMS.sb2, 1)).toBe(1e-6);
    expect(toSliderPosition(PARAMS.sb2, 0)).toBe(0);
  });
});

describe('presets', () => {
  it('hold only valid values', () => {
    for (const preset of PRESETS) {
      for (const [key, value] of Object.entries(preset.values)) {
        const param = PARAMS[key as keyof LabConfig];
        const checked = checkParam(key as keyof LabConfig, formatValue(param, value));
        expect(checked.fix, `${preset.id}.${key}`).toBeUndefined();
      }
    }
  });
});

describe('schema and theory agree', () => {
  it('offers exactly the activations the theory engine defines', async () => {
    const { ACTIVATION_IDS } = await import('../theory/index.ts');
    expect(PARAMS.act.choices.map((c) => c.value)).toEqual([...ACTIVATION_IDS]);
  });
});
