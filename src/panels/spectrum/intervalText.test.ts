import { describe, expect, it } from 'vitest';
import { intervalText } from './intervalText.ts';

describe('an interval as printed under a measured moment', () => {
  it('rounds outwards, so that what it contains stays inside as printed', () => {
    expect(intervalText({ lo: 3.61, hi: 133.4 })).toBe('3.6–140');
    expect(intervalText({ lo: 3.69, hi: 129.9 })).toBe('3.6–130');
    expect(intervalText({ lo: 1.7, hi: 910 })).toBe('1.7–910');
    expect(intervalText({ lo: 0.0123, hi: 0.0456 })).toBe('0.012–0.046');
    expect(intervalText({ lo: 2.16e10, hi: 3.41e12 })).toBe('2.1·10¹⁰–3.5·10¹²');
  });

  it('prints a point as one number, and zero as 0', () => {
    expect(intervalText({ lo: 0, hi: 0 })).toBe('0');
    expect(intervalText({ lo: 1, hi: 1 })).toBe('1');
  });

  it('keeps the printed ends outside every value of the interval, over many magnitudes', () => {
    for (let i = 0; i < 500; i++) {
      const lo = 10 ** (i / 50 - 4) * (1 + ((i * 37) % 11) / 13);
      const hi = lo * (1 + ((i * 53) % 17));
      const [low, high] = intervalText({ lo, hi })
        .split('–')
        .map((text) => {
          const [mantissa, exponent] = text.split('·10');
          const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
          const power = exponent
            ? Number(exponent.replace('⁻', '-').replace(/[⁰-⁹]/g, (c) => String(digits.indexOf(c))))
            : 0;
          return Number(mantissa) * 10 ** power;
        });
      expect(low, `${lo}`).toBeLessThanOrEqual(lo * (1 + 1e-12));
      expect(high ?? low, `${hi}`).toBeGreaterThanOrEqual(hi * (1 - 1e-12));
    }
  });
});
