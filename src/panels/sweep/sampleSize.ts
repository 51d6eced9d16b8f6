/**
 * What the sample-size chart draws (Chen, Li & Lin): the held-out error against the number n of
 * training examples, one line per (mirror, init), with fitted power-law slopes and the predicted
 * rates as guides. Pure: no DOM.
 */
import type { LabConfig } from '../../config/schema.ts';
import type { SweepPoint } from '../../sweep/types.ts';
import { valueLines, type ValueLine } from './aggregate.ts';
import { fitPowerLaw, type PowerLawFit } from './powerLaw.ts';

export type Mirror = LabConfig['mirror'];
export const MIRRORS: readonly Mirror[] = ['0', '1'];
export const MIRROR_NAME: Record<Mirror, string> = { '0': 'standard', '1': 'mirrored' };

/** The URL key of the sample size n (the ntrain parameter). */
export const SAMPLE_SIZE_KEY = 'ntrain';

/**
 * The predicted exponents of the generalization error in n (Chen, Li & Lin; THEORY §4): n^(−3/(d+3))
 * for standard init on a smooth target, whose implicit bias (the initial output, a Gaussian
 * process rougher than the NTK's RKHS) sets the rate; about n^(−1/2) for mirrored init, with smoothness
 * s ≈ 1, s(d+1)/(s(d+1) + d) = (d+1)/(2d+1) → ½.
 */
export function predictedExponent(mirror: Mirror, d: number): number {
  return mirror === '1' ? -0.5 : -3 / (d + 3);
}

/** One drawn line: one (mirror, init), the error mean and spread over seeds at each n. */
export interface SampleSizeLine extends ValueLine {
  readonly mirror: Mirror;
  readonly fit: PowerLawFit | null;
}

/**
 * The excess held-out error: the final held-out MSE less `floor`, the part of it no predictor
 * removes (the label noise's variance noise², since the held-out labels carry it too), so that
 * the power law is of the estimation error ‖f − f*‖² the theory is about. Undefined where the
 * point has no held-out loss (diverged, or not measured).
 */
export function excessError(point: SweepPoint, floor: number): number | undefined {
  const loss = point.finalTestLoss;
  return typeof loss === 'number' && Number.isFinite(loss) ? loss - floor : undefined;
}

/**
 * The lines of the chart: per mirror value (the points' own when mirror is swept, else the base
 * configuration's), per init, excessError against n, each with its power-law fit (points whose
 * excess is not positive are left out of the fit, as a log cannot take them).
 */
export function sampleSizeLines(
  points: readonly SweepPoint[],
  baseMirror: Mirror,
  floor: number,
): SampleSizeLine[] {
  const mirrorOf = (point: SweepPoint): Mirror =>
    point['mirror'] === '1' || point['mirror'] === '0' ? point['mirror'] : baseMirror;
  return MIRRORS.flatMap((mirror) =>
    valueLines(
      points.filter((p) => mirrorOf(p) === mirror),
      SAMPLE_SIZE_KEY,
      (p) => excessError(p, floor),
    ).map((line) => ({
      ...line,
      mirror,
      fit: fitPowerLaw(
        line.cells.map((c) => c.x),
        line.cells.map((c) => c.value.mean),
      ),
    })),
  );
}

/**
 * Where a guide of `mirror`'s predicted rate starts: at the smallest n of that mirror's lines, at the
 * geometric mean of their values there. Null when no line of that mirror has a positive value there.
 */
export function guideAnchor(
  lines: readonly SampleSizeLine[],
  mirror: Mirror,
): { x: number; y: number } | null {
  const firsts = lines
    .filter((l) => l.mirror === mirror)
    .map((l) => l.cells[0])
    .filter((c) => c !== undefined && c.value.mean > 0);
  if (firsts.length === 0) return null;
  const x = Math.min(...firsts.map((c) => c!.x));
  const logs = firsts.filter((c) => c!.x === x).map((c) => Math.log(c!.value.mean));
  return { x, y: Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) };
}

/** The value of the power law through `anchor` with `exponent` at n. */
export function guideValue(anchor: { x: number; y: number }, exponent: number, n: number): number {
  return anchor.y * (n / anchor.x) ** exponent;
}
