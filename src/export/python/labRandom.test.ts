import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RandomStream, type StreamKeyPart } from '../../engine/random.ts';

const SCRIPT = fileURLToPath(new URL('./lab_random.py', import.meta.url));

interface Request {
  readonly key: readonly StreamKeyPart[];
  readonly uint32: number;
  readonly uniform: number;
  readonly normal: number;
  readonly permutation: number;
}

interface Answer {
  readonly uint32: number[];
  readonly uniform: number[];
  readonly normal: number[];
  readonly permutation: number[];
}

/** What the Python port draws for each request (one python3 process for all of them). */
function pythonDraws(requests: readonly Request[]): Answer[] {
  const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(requests), encoding: 'utf8' });
  if (run.error) throw new Error(`python3 could not be started: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`lab_random.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Answer[];
}

function labDraws(request: Request): Answer {
  const stream = new RandomStream(...request.key);
  const times = <T>(count: number, draw: () => T) => Array.from({ length: count }, draw);
  return {
    uint32: times(request.uint32, () => stream.nextUint32()),
    uniform: times(request.uniform, () => stream.nextUniform()),
    normal: times(request.normal, () => stream.nextNormal()),
    permutation: Array.from(stream.permutation(request.permutation)),
  };
}

// Keys as the engine builds them, and the edges of the key encoding: negative and 53-bit numbers,
// strings outside the BMP (two UTF-16 units), the empty key.
const KEYS: readonly (readonly StreamKeyPart[])[] = [
  [1, 'weights', 3],
  [2, 'weights', 3],
  [1, 'weights', 4],
  [7, 'bias', 0, 'gaussian'],
  [1, 'data-order', 12],
  [-5, 'σ', 'x𝜎y'],
  [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0],
  [],
  ['', ''],
];

describe('the Python port of the random streams (exported programs draw what the lab draws)', () => {
  const requests = KEYS.map((key) => ({ key, uint32: 40, uniform: 40, normal: 401, permutation: 97 }));
  const answers = pythonDraws(requests);

  it('gives the same integers, uniforms and permutations, bit for bit', () => {
    requests.forEach((request, i) => {
      const lab = labDraws(request);
      const python = answers[i]!;
      expect(python.uint32, JSON.stringify(request.key)).toEqual(lab.uint32);
      expect(python.uniform, JSON.stringify(request.key)).toEqual(lab.uniform);
      expect(python.permutation, JSON.stringify(request.key)).toEqual(lab.permutation);
    });
  });

  it('gives the same normals to within the last bits of a float64 (JavaScript and C round log, sin, cos apart)', () => {
    let worst = 0;
    let exact = 0;
    requests.forEach((request, i) => {
      const lab = labDraws(request).normal;
      answers[i]!.normal.forEach((value, j) => {
        const difference = Math.abs(value - lab[j]!) / Math.max(1e-300, Math.abs(lab[j]!));
        worst = Math.max(worst, difference);
        if (value === lab[j]) exact++;
      });
    });
    expect(worst).toBeLessThan(1e-14);
    // Most agree exactly; a port that drew differently would agree on none.
    expect(exact).toBeGreaterThan(0.5 * requests.length * 401);
  });

  it('draws unrelated streams for nearby keys (a port that ignored part of the key would not)', () => {
    const first = answers.map((answer) => answer.uint32[0]);
    expect(new Set(first).size).toBe(first.length);
  });
});
