/**
 * Which panels are enlarged after a digit key or an Enlarge button: one panel, or two side by side
 * (MAX_FOCUS), in the order chosen. Pure, so that the rules are tested on their own.
 */
import { MAX_FOCUS } from '../config/presentation.ts';
import type { PanelId } from '../config/panels.ts';

/**
 * The enlarged panels after choosing `panel`. Alone (a digit, a click): that panel alone, or, when
 * it is the one enlarged already, every panel back at its usual size. Added (Shift): it joins the
 * first enlarged panel as the second, or, when it is enlarged already, it alone goes back.
 */
export function nextFocus(current: readonly PanelId[], panel: PanelId, add: boolean): PanelId[] {
  if (!add) return current.length === 1 && current[0] === panel ? [] : [panel];
  if (current.includes(panel)) return current.filter((id) => id !== panel);
  return [...current.slice(0, MAX_FOCUS - 1), panel];
}

/** The layout class of the lab's grid for this many enlarged panels ('' for none). */
export function focusLayoutClass(focus: readonly PanelId[]): string {
  return focus.length === 0 ? '' : `layout-focus-${Math.min(focus.length, MAX_FOCUS)}`;
}
