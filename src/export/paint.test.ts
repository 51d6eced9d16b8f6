import { describe, expect, it } from 'vitest';
import { brighten, brightnessOf, hexOf, parseRgb } from './paint.ts';

describe('computed colours for SVG', () => {
  it('reads rgb() and rgba() in both syntaxes', () => {
    expect(parseRgb('rgb(27, 36, 48)')).toEqual({ r: 27, g: 36, b: 48, a: 1 });
    expect(parseRgb('rgba(0, 0, 0, 0.55)')).toEqual({ r: 0, g: 0, b: 0, a: 0.55 });
    expect(parseRgb('rgb(217 95 2 / 50%)')).toEqual({ r: 217, g: 95, b: 2, a: 0.5 });
    expect(parseRgb('none')).toBeNull();
    expect(parseRgb('url("#hatch")')).toBeNull();
  });

  it('writes hex and applies brightness as the CSS filter does', () => {
    expect(hexOf({ r: 217, g: 95, b: 2, a: 1 })).toBe('#d95f02');
    expect(hexOf(brighten({ r: 217, g: 95, b: 2, a: 1 }, 0.75))).toBe('#a34702');
    expect(hexOf(brighten({ r: 200, g: 10, b: 0, a: 1 }, 2))).toBe('#ff1400');
    expect(brightnessOf('brightness(0.75)')).toBe(0.75);
    expect(brightnessOf('brightness(75%)')).toBe(0.75);
    expect(brightnessOf('blur(2px)')).toBeNull();
  });
});
