import { describe, expect, it } from 'vitest';
import { RandomStream } from './random.ts';

describe('RandomStream', () => {
  it('gives the same numbers for the same key and unrelated ones for nearby keys', () => {
    const a = new RandomStream(1, 'weight', 3);
    const b = new RandomStream(1, 'weight', 3);
    const c = new RandomStream(1, 'weight', 4);
    const d = new RandomStream(2, 'weight', 3);
    const draw = (s: RandomStream) => Array.from({ length: 8 }, () => s.nextUint32());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(draw(d)).not.toEqual(first);
    // A string key part is not confused with the numbers around it.
    expect(draw(new RandomStream(1, 'ab', 3))).not.toEqual(draw(new RandomStream(1, 'a', 'b3')));
  });

  it('draws standard normals (mean 0, variance 1, no heavy skew) and uniforms in (0, 1)', () => {
    const stream = new RandomStream(7, 'test');
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    let cubes = 0;
    for (let i = 0; i < n; i++) {
      const z = stream.nextNormal();
      sum += z;
      squares += z * z;
      cubes += z * z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(cubes / n)).toBeLessThan(0.03);
    for (let i = 0; i < 1000; i++) {
      const u = stream.nextUniform();
      expect(u > 0 && u < 1).toBe(true);
    }
  });

  it('shuffles into a permutation', () => {
    const perm = new RandomStream(3, 'order').permutation(1000);
    expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...perm.subarray(0, 10)]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
