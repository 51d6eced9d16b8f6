import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, toQuery } from '../config/index.ts';
import { configSummary, wrapText } from './caption.ts';

/** A monospace measure: 6 px a character. */
const measure = (s: string) => 6 * s.length;

describe('figure small print', () => {
  it('summarizes the configuration in the paper’s symbols', () => {
    const text = configSummary({ ...DEFAULT_CONFIG, act: 'relu', sw2: 2, L: 20, N: 64 });
    expect(text).toContain('φ = ReLU');
    expect(text).toContain('σ_w² = 2');
    expect(text).toContain('L = 20');
    expect(text).toContain('N = 64');
  });

  it('wraps a link at its & without losing a character, every line within the width', () => {
    const link = `https://example.org/${toQuery(DEFAULT_CONFIG)}`;
    const lines = wrapText(link, 300, measure);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(link);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(300);
    // Every line but the last ends after a separator: parameters stay whole.
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/[&,]$/);
  });

  it('keeps words whole and cuts only a token wider than the line', () => {
    expect(wrapText('one two three four', 60, measure)).toEqual(['one two', 'three four']);
    const long = 'x'.repeat(25);
    expect(wrapText(long, 60, measure)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
