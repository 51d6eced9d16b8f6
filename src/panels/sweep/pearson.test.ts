import { describe, expect, it } from 'vitest';
import { pearson } from './pearson.ts';

describe('pearson', () => {
  it('is cov/(σσ): 4/5 for a hand-computed example, ±1 on a line whatever its scale', () => {
    // Deviations ±1.5, ±0.5 on both sides: Σdxdy = 4, Σdx² = Σdy² = 5.
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 14);
    expect(pearson([1, 2, 3], [10, 30, 50])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [-1e-9, -2e-9, -3e-9])).toBeCloseTo(-1, 14);
  });

  it('drops pairs with a non-finite side, and is null with under three pairs or a constant side', () => {
    expect(pearson([1, 2, NaN, 3, 4], [1, 3, 7, 2, 4])).toBeCloseTo(0.8, 14);
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 2, Infinity], [3, 4, 5])).toBeNull();
    expect(pearson([1, 1, 1], [3, 4, 5])).toBeNull();
    expect(() => pearson([1], [1, 2])).toThrow(RangeError);
  });
});
