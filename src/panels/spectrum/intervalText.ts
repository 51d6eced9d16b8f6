import { formatQuantity } from '../../ui/format.ts';
import type { Interval } from './spread.ts';

const DIGITS = 2;

/**
 * Rounds to `DIGITS` significant digits away from the interval's inside, so that the printed
 * interval still contains every value it contains (133 over 3.61…133.4 reads "3.6–140", not a
 * "3.6–130" that the measured 133 printed beside it would seem to fall outside).
 */
function roundOutward(value: number, direction: 'down' | 'up'): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(value))) - DIGITS + 1);
  const steps = value / unit;
  // A value already on the grid (up to float residue) stays where it is.
  const nearest = Math.round(steps);
  const onGrid = Math.abs(steps - nearest) < 1e-9 * Math.max(1, Math.abs(steps));
  const rounded = onGrid ? nearest : direction === 'down' ? Math.floor(steps) : Math.ceil(steps);
  return Number((rounded * unit).toPrecision(DIGITS + 1));
}

export function intervalText({ lo, hi }: Interval): string {
  const low = formatQuantity(roundOutward(lo, 'down'), DIGITS);
  const high = formatQuantity(roundOutward(hi, 'up'), DIGITS);
  return low === high ? low : `${low}–${high}`;
}
