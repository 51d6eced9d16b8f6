/**
 * What the keyboard does on a number parameter's slider: an arrow moves to the next value the
 * parameter can hold in that direction (the next whole number, or the next slider position that
 * gives another value), PageUp/PageDown by a tenth of the track (at least one arrow step), Home/End
 * to the ends. The browser's own step is one of 1000 positions, which on a log slider over whole
 * numbers rounds back to the same value (depth did not move) or only one way (width).
 */
import type { NumberParam } from './schema.ts';
import { SLIDER_STEPS, fromSliderPosition, toSliderPosition } from './validate.ts';

export type SliderKey =
  'ArrowUp' | 'ArrowRight' | 'ArrowDown' | 'ArrowLeft' | 'PageUp' | 'PageDown' | 'Home' | 'End';

const SLIDER_KEYS: ReadonlySet<string> = new Set<SliderKey>([
  'ArrowUp',
  'ArrowRight',
  'ArrowDown',
  'ArrowLeft',
  'PageUp',
  'PageDown',
  'Home',
  'End',
]);

export function isSliderKey(key: string): key is SliderKey {
  return SLIDER_KEYS.has(key);
}

/** Slider positions a PageUp/PageDown moves by: a tenth of the track. */
const PAGE_POSITIONS = SLIDER_STEPS / 10;

/** The value `key` moves `value` to (the same value at an end of the range). */
export function valueAfterKey(param: NumberParam, value: number, key: SliderKey): number {
  if (key === 'Home') return param.min;
  if (key === 'End') return param.max;
  const direction = key === 'ArrowUp' || key === 'ArrowRight' || key === 'PageUp' ? 1 : -1;
  const next = nextValue(param, value, direction);
  if (key !== 'PageUp' && key !== 'PageDown') return next;
  const paged = fromSliderPosition(param, toSliderPosition(param, value) + direction * PAGE_POSITIONS);
  // A page moves at least as far as an arrow.
  return direction > 0 ? Math.max(paged, next) : Math.min(paged, next);
}

/** The next value the parameter can hold beyond `value` in `direction`; `value` itself at the end. */
function nextValue(param: NumberParam, value: number, direction: 1 | -1): number {
  const beyond = (candidate: number) => (direction > 0 ? candidate > value : candidate < value);
  if (param.integer) {
    const next = Math.min(param.max, Math.max(param.min, Math.round(value) + direction));
    return beyond(next) ? next : value;
  }
  // The first slider position past the value's own that gives another value.
  let position = Math.round(toSliderPosition(param, value));
  for (let steps = 0; steps <= SLIDER_STEPS; steps++) {
    position += direction;
    if (position < 0 || position > SLIDER_STEPS) return value;
    const candidate = fromSliderPosition(param, position);
    if (beyond(candidate)) return candidate;
  }
  return value;
}
