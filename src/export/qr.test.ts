import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, toQuery } from '../config/index.ts';
import { QUIET_ZONE, modulesOfPath, qrMatrix, qrPath, type QrMatrix } from './qr.ts';

/** What a camera sees: the drawn modules, `scale` pixels each, dark on white with the quiet zone. */
function rasterize(matrix: QrMatrix, path: string, scale: number) {
  const modules = modulesOfPath(path);
  const side = (matrix.size + 2 * QUIET_ZONE) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(y / scale) - QUIET_ZONE;
      const col = Math.floor(x / scale) - QUIET_ZONE;
      if (!modules.has(`${row},${col}`)) continue;
      const i = (y * side + x) * 4;
      pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
    }
  }
  return { pixels, side };
}

describe('the QR code of a link', () => {
  const link = `https://example.org/isometry-lab/${toQuery(DEFAULT_CONFIG)}&preset=edge-of-chaos&lecture=1`;

  it('decodes, as drawn, to the link itself (read by an independent decoder, jsQR)', () => {
    const matrix = qrMatrix(link);
    const { pixels, side } = rasterize(matrix, qrPath(matrix), 4);
    const read = jsQR(pixels, side, side);
    expect(read?.data).toBe(link);
  });

  it('has 17 + 4·version modules a side, and a version that grows with the text', () => {
    const short = qrMatrix('https://example.org/');
    const long = qrMatrix(link);
    for (const m of [short, long]) {
      expect(Number.isInteger(m.version)).toBe(true);
      expect(m.size).toBe(17 + 4 * m.version);
      expect(m.dark).toHaveLength(m.size);
    }
    expect(long.version).toBeGreaterThan(short.version);
  });

  it('draws exactly the dark modules, with the finder patterns at three corners', () => {
    const matrix = qrMatrix(link);
    const drawn = modulesOfPath(qrPath(matrix));
    const expected = new Set<string>();
    matrix.dark.forEach((row, r) => row.forEach((d, c) => d && expected.add(`${r},${c}`)));
    expect(drawn).toEqual(expected);
    // A finder pattern: a dark 7×7 ring, a light ring inside it, and a dark 3×3 centre.
    const n = matrix.size;
    for (const [r0, c0] of [
      [0, 0],
      [0, n - 7],
      [n - 7, 0],
    ] as const) {
      expect(drawn.has(`${r0},${c0}`)).toBe(true);
      expect(drawn.has(`${r0 + 1},${c0 + 1}`)).toBe(false);
      expect(drawn.has(`${r0 + 3},${c0 + 3}`)).toBe(true);
    }
  });
});
