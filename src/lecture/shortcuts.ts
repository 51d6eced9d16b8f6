/**
 * The lab's keyboard shortcuts as a pure mapping from a key press to what it does, so that the
 * rules (which keys, which modifiers, where typing wins) are tested without a browser. The hook in
 * useShortcuts.ts feeds it real events; actions.ts carries the actions out.
 */
import { LAB_PANELS, type PanelId } from '../config/panels.ts';

export type ShortcutAction =
  | { readonly type: 'toggle-run' }
  | { readonly type: 'step' }
  | { readonly type: 'reset' }
  | { readonly type: 'preset'; readonly direction: 1 | -1 }
  | { readonly type: 'caption'; readonly direction: 1 | -1 }
  /** `add`: Shift+digit, the panel joins the one enlarged already instead of replacing it. */
  | { readonly type: 'focus'; readonly panel: PanelId; readonly add: boolean }
  | { readonly type: 'restore' }
  | { readonly type: 'fullscreen' }
  | { readonly type: 'lecture' }
  | { readonly type: 'help' };

/** The parts of a KeyboardEvent the mapping reads. */
export interface KeyPress {
  readonly key: string;
  readonly code: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

/**
 * Where the key was pressed. 'editing': a field, select, slider or editable text, whose keys are
 * the user's (no shortcut fires there). 'control': a button or link reached by keyboard, whose
 * Space activates it. 'page': anywhere else, including a button last clicked with the mouse.
 */
export type KeyTarget = 'editing' | 'control' | 'page';

export interface ShortcutContext {
  readonly target: KeyTarget;
  /** Lecture mode: ↓/↑ step the caption there; elsewhere they scroll the page as usual. */
  readonly lecture: boolean;
  /** The help overlay is open: only the keys that close it act. */
  readonly helpOpen: boolean;
}

/**
 * What the help overlay lists, in this order: the keys (alternatives; "Shift+1–7" is a
 * combination) and what they do.
 */
export const SHORTCUT_LIST: readonly { readonly keys: readonly string[]; readonly does: string }[] = [
  { keys: ['Space'], does: 'Start or pause training' },
  { keys: ['S'], does: 'One training step' },
  { keys: ['R'], does: 'Reset the runs (same seed)' },
  { keys: ['←', '→'], does: 'Previous / next preset' },
  { keys: ['↓', '↑'], does: 'Next / previous caption step (lecture mode)' },
  {
    keys: [`1–${LAB_PANELS.length}`],
    does: 'Enlarge that panel alone (numbers below); the same digit again restores all',
  },
  { keys: [`Shift+1–${LAB_PANELS.length}`], does: 'Enlarge a second panel next to the first' },
  { keys: ['0', 'Esc'], does: 'Restore all panels' },
  { keys: ['F'], does: 'Full screen on / off' },
  { keys: ['L'], does: 'Lecture mode on / off' },
  { keys: ['?'], does: 'This help (Esc or ? closes it)' },
];

/** Keys without modifiers, by KeyboardEvent.key (letters lower case). */
const PLAIN_KEYS: ReadonlyMap<string, ShortcutAction> = new Map<string, ShortcutAction>([
  [' ', { type: 'toggle-run' }],
  ['s', { type: 'step' }],
  ['r', { type: 'reset' }],
  ['f', { type: 'fullscreen' }],
  ['l', { type: 'lecture' }],
  ['ArrowLeft', { type: 'preset', direction: -1 }],
  ['ArrowRight', { type: 'preset', direction: 1 }],
  ['Escape', { type: 'restore' }],
]);

/** Lecture mode only: outside it ↓/↑ keep scrolling the page. */
const CAPTION_KEYS: ReadonlyMap<string, ShortcutAction> = new Map<string, ShortcutAction>([
  ['ArrowDown', { type: 'caption', direction: 1 }],
  ['ArrowUp', { type: 'caption', direction: -1 }],
]);

/**
 * The digit a key press types, read from the physical key (code): Shift+2 is "@" on a US keyboard
 * and '"' on a German one, but the same key. Null when it is not a digit key.
 */
function digitOf(press: KeyPress): number | null {
  const match = /^(?:Digit|Numpad)([0-9])$/.exec(press.code);
  return match ? Number(match[1]) : null;
}

/** What a key press does, or null: it is then left to the page (typing, scrolling, the browser's own shortcuts). */
export function shortcutFor(press: KeyPress, context: ShortcutContext): ShortcutAction | null {
  // Ctrl, Cmd and Alt combinations are the browser's and the system's (Ctrl+R reloads).
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (context.helpOpen) {
    return press.key === 'Escape' || press.key === '?' ? { type: 'help' } : null;
  }
  if (context.target === 'editing') return null;
  // Space on a button or link reached by keyboard presses it, as everywhere on the web.
  if (context.target === 'control' && press.key === ' ') return null;
  // "?" is Shift+/ on most layouts: the one shortcut that takes Shift besides Shift+digit.
  if (press.key === '?') return { type: 'help' };
  const digit = digitOf(press);
  if (digit !== null) {
    if (digit === 0) return press.shiftKey ? null : { type: 'restore' };
    const panel = LAB_PANELS[digit - 1];
    return panel ? { type: 'focus', panel: panel.id, add: press.shiftKey } : null;
  }
  if (press.shiftKey) return null;
  // Caps Lock gives "S" without Shift: still the step key.
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (context.lecture && CAPTION_KEYS.has(key)) return CAPTION_KEYS.get(key) ?? null;
  return PLAIN_KEYS.get(key) ?? null;
}

/** The parts of an element the target test reads (an Element satisfies it). */
export interface TargetLike {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
}

/** Widgets with their own use of letters or arrows, beyond the native fields. */
const EDITING_ROLES = new Set([
  'slider',
  'spinbutton',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'menu',
  'menubar',
  'radiogroup',
  'grid',
  'tree',
]);

/** Which kind of place a key press happened in (see KeyTarget); null, the document, is 'page'. */
export function keyTarget(target: TargetLike | null): KeyTarget {
  if (target === null) return 'page';
  const tag = target.tagName.toLowerCase();
  // Every input: text, number, range (sliders), checkbox and radio (arrows move between options).
  if (tag === 'input' || tag === 'select' || tag === 'textarea') return 'editing';
  if (target.isContentEditable === true) return 'editing';
  const role = target.getAttribute('role');
  if (role !== null && EDITING_ROLES.has(role)) return 'editing';
  if (tag === 'button' || tag === 'a' || tag === 'summary' || role === 'button' || role === 'link') {
    // A button clicked with the mouse keeps the focus without showing it: Space there is the
    // lecturer's start/pause, not a second click on that button.
    return target.matches(':focus-visible') ? 'control' : 'page';
  }
  return 'page';
}
