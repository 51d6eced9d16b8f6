/**
 * Which parameter controls are shown: all of them, except in lecture mode, where the control panel
 * shows the link's `show` list (LECTURE_CONTROLS when the link has none) and the panels' own view
 * options are hidden, unless the lecturer asked for all of them ("Show all controls", which writes
 * every key into `show`).
 */
import { LECTURE_CONTROLS, type Presentation } from '../config/presentation.ts';
import { PARAM_KEYS, type ParamKey } from '../config/schema.ts';

/** What "Show all controls" writes into `show`: every parameter, the panels' view options included. */
export const EVERY_CONTROL: readonly ParamKey[] = PARAM_KEYS;

export function visibleControls(
  all: readonly ParamKey[],
  presentation: Pick<Presentation, 'lecture' | 'show'>,
): readonly ParamKey[] {
  if (!presentation.lecture) return all;
  const shown = presentation.show ?? LECTURE_CONTROLS;
  return all.filter((key) => shown.includes(key));
}

/** Whether a `show` list holds every control (the "Show all controls" toggle is pressed). */
export function showsAll(show: readonly ParamKey[] | null): boolean {
  return show !== null && EVERY_CONTROL.every((key) => show.includes(key));
}

/** The `show` list after pressing "Show all controls": all of them, or back to the lecture's few. */
export function toggledShow(show: readonly ParamKey[] | null): ParamKey[] | null {
  return showsAll(show) ? null : [...EVERY_CONTROL];
}
