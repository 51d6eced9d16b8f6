import { describe, expect, it } from 'vitest';
import { PARAMS, PARAM_KEYS, type NumberParam } from './schema.ts';
import { valueAfterKey } from './sliderKeys.ts';
import { fromSliderPosition, isValidNumber, toSliderPosition } from './validate.ts';

const NUMBERS = PARAM_KEYS.map((key) => PARAMS[key]).filter(
  (param): param is NumberParam => param.kind === 'number',
);

describe('slider keys', () => {
  it('every arrow press on every slider moves to another value the parameter holds, the right way', () => {
    for (const param of NUMBERS) {
      const starts = [
        param.default,
        param.min,
        param.max,
        ...[137, 500, 861].map((p) => fromSliderPosition(param, p)),
      ];
      for (const start of starts) {
        const up = valueAfterKey(param, start, 'ArrowUp');
        const down = valueAfterKey(param, start, 'ArrowLeft');
        expect(isValidNumber(param, up) && isValidNumber(param, down), `${param.urlKey} at ${start}`).toBe(
          true,
        );
        if (start < param.max) expect(up, `${param.urlKey} up from ${start}`).toBeGreaterThan(start);
        else expect(up).toBe(start);
        if (start > param.min) expect(down, `${param.urlKey} down from ${start}`).toBeLessThan(start);
        else expect(down).toBe(start);
        // Whole numbers move by one: depth 50 → 51, width 128 → 127, seeds 1 → 2.
        if (param.integer && start < param.max) expect(up).toBe(start + 1);
        if (param.integer && start > param.min) expect(down).toBe(start - 1);
        // A page moves at least as far as an arrow, and about a tenth of the track on the slider.
        const pageUp = valueAfterKey(param, start, 'PageUp');
        expect(pageUp).toBeGreaterThanOrEqual(up);
        if (toSliderPosition(param, start) < 800 && !param.integer)
          expect(toSliderPosition(param, pageUp) - toSliderPosition(param, start)).toBeCloseTo(100, 0);
        expect(valueAfterKey(param, start, 'PageDown')).toBeLessThanOrEqual(down);
        expect(valueAfterKey(param, start, 'Home')).toBe(param.min);
        expect(valueAfterKey(param, start, 'End')).toBe(param.max);
      }
    }
  });

  it('steps a non-integer slider to the very next position that changes the value', () => {
    const sw2 = PARAMS.sw2;
    const up = valueAfterKey(sw2, 1.05, 'ArrowUp');
    expect(up).toBe(fromSliderPosition(sw2, Math.round(toSliderPosition(sw2, 1.05)) + 1));
    // σ_b² at exactly 0 goes to the slider's first value above it, and back to 0.
    expect(valueAfterKey(PARAMS.sb2, 0, 'ArrowUp')).toBe(PARAMS.sb2.logMin);
    expect(valueAfterKey(PARAMS.sb2, PARAMS.sb2.logMin!, 'ArrowDown')).toBe(0);
  });
});
