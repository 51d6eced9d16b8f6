import { describe, expect, it } from 'vitest';
import { formatQuantity } from './format.ts';

describe('formatQuantity', () => {
  it('spells out the special values', () => {
    expect(formatQuantity(Infinity)).toBe('∞');
    expect(formatQuantity(NaN)).toBe('—');
    expect(formatQuantity(0)).toBe('0');
  });
  it('keeps four significant digits and writes small and large numbers with powers of ten', () => {
    expect(formatQuantity(1.234567)).toBe('1.235');
    expect(formatQuantity(2.01e-5)).toBe('2.01·10⁻⁵');
    expect(formatQuantity(-3.5e7)).toBe('-3.5·10⁷');
    expect(formatQuantity(123.45)).toBe('123.5');
  });
});
