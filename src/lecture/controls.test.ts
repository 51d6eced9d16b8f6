import { describe, expect, it } from 'vitest';
import { LECTURE_CONTROLS } from '../config/presentation.ts';
import { PARAM_KEYS, type ParamKey } from '../config/schema.ts';
import { EVERY_CONTROL, showsAll, toggledShow, visibleControls } from './controls.ts';

const PANEL: ParamKey[] = ['act', 'sw2', 'L', 'N', 'seed', 'backend'];

describe('visibleControls', () => {
  it('shows every control outside lecture mode, whatever the link says', () => {
    expect(visibleControls(PANEL, { lecture: false, show: ['act'] })).toEqual(PANEL);
  });

  it('shows the lecture’s default few without a `show` list, in the panel’s order', () => {
    expect(visibleControls(PANEL, { lecture: true, show: null })).toEqual(
      PANEL.filter((key) => LECTURE_CONTROLS.includes(key)),
    );
    expect(visibleControls(PANEL, { lecture: true, show: null })).toEqual(['act', 'sw2', 'L', 'N']);
  });

  it('shows what the link’s `show` lists', () => {
    expect(visibleControls(PANEL, { lecture: true, show: ['seed', 'act'] })).toEqual(['act', 'seed']);
  });
});

describe('Show all controls', () => {
  it('writes every parameter into `show`, and back to the default', () => {
    expect(EVERY_CONTROL).toEqual(PARAM_KEYS);
    const all = toggledShow(null);
    expect(all).toEqual(PARAM_KEYS);
    expect(showsAll(all)).toBe(true);
    expect(toggledShow(all)).toBeNull();
  });

  it('is not pressed for a partial list', () => {
    expect(showsAll(null)).toBe(false);
    expect(showsAll(['act', 'L'])).toBe(false);
    expect(toggledShow(['act', 'L'])).toEqual(PARAM_KEYS);
  });
});
