import { describe, expect, it } from 'vitest';
import { splitTex } from './texSplit.ts';

describe('splitting text at its formulas', () => {
  it('alternates plain and TeX runs, keeping every character', () => {
    expect(splitTex('At $\\chi_1 = 1$ the line, $q^*$.')).toEqual([
      { tex: false, body: 'At ' },
      { tex: true, body: '\\chi_1 = 1' },
      { tex: false, body: ' the line, ' },
      { tex: true, body: 'q^*' },
      { tex: false, body: '.' },
    ]);
    expect(splitTex('$x$')).toEqual([{ tex: true, body: 'x' }]);
    expect(splitTex('plain')).toEqual([{ tex: false, body: 'plain' }]);
    expect(splitTex('')).toEqual([]);
  });

  it('reads an escaped dollar as a dollar sign, and a lone $ as text', () => {
    expect(splitTex('costs \\$5 and $x$')).toEqual([
      { tex: false, body: 'costs $5 and ' },
      { tex: true, body: 'x' },
    ]);
    expect(splitTex('a $ alone')).toEqual([{ tex: false, body: 'a $ alone' }]);
  });
});
