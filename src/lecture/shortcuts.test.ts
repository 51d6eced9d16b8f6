import { describe, expect, it } from 'vitest';
import { LAB_PANELS } from '../config/panels.ts';
import {
  SHORTCUT_LIST,
  keyTarget,
  shortcutFor,
  type KeyPress,
  type ShortcutContext,
  type TargetLike,
} from './shortcuts.ts';

/** A key press as a browser reports it: `code` for letters is Key<X>, for digits Digit<n>. */
function press(key: string, modifiers: Partial<KeyPress> = {}): KeyPress {
  const code =
    key === ' '
      ? 'Space'
      : /^[a-z]$/i.test(key)
        ? `Key${key.toUpperCase()}`
        : /^[0-9]$/.test(key)
          ? `Digit${key}`
          : key;
  return { key, code, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...modifiers };
}

const PAGE: ShortcutContext = { target: 'page', lecture: false, helpOpen: false };
const LECTURE: ShortcutContext = { ...PAGE, lecture: true };

describe('shortcutFor', () => {
  it('maps each key to its action', () => {
    expect(shortcutFor(press(' '), PAGE)).toEqual({ type: 'toggle-run' });
    expect(shortcutFor(press('s'), PAGE)).toEqual({ type: 'step' });
    expect(shortcutFor(press('r'), PAGE)).toEqual({ type: 'reset' });
    expect(shortcutFor(press('ArrowLeft'), PAGE)).toEqual({ type: 'preset', direction: -1 });
    expect(shortcutFor(press('ArrowRight'), PAGE)).toEqual({ type: 'preset', direction: 1 });
    expect(shortcutFor(press('ArrowDown'), LECTURE)).toEqual({ type: 'caption', direction: 1 });
    expect(shortcutFor(press('ArrowUp'), LECTURE)).toEqual({ type: 'caption', direction: -1 });
    expect(shortcutFor(press('f'), PAGE)).toEqual({ type: 'fullscreen' });
    expect(shortcutFor(press('l'), PAGE)).toEqual({ type: 'lecture' });
    expect(shortcutFor(press('Escape'), PAGE)).toEqual({ type: 'restore' });
    expect(shortcutFor(press('0'), PAGE)).toEqual({ type: 'restore' });
  });

  it('maps the digits 1–7 to the panels in LAB_PANELS order, Shift+digit adds', () => {
    expect(LAB_PANELS).toHaveLength(7);
    LAB_PANELS.forEach((panel, i) => {
      expect(shortcutFor(press(String(i + 1)), PAGE)).toEqual({ type: 'focus', panel: panel.id, add: false });
    });
    // Shift+2 types "@" (US) or '"' (German): the physical key decides.
    expect(shortcutFor(press('@', { code: 'Digit2', shiftKey: true }), PAGE)).toEqual({
      type: 'focus',
      panel: 'training',
      add: true,
    });
    expect(shortcutFor(press('3', { code: 'Numpad3' }), PAGE)).toEqual({
      type: 'focus',
      panel: 'spectrum',
      add: false,
    });
    expect(shortcutFor(press('8'), PAGE)).toBeNull();
    expect(shortcutFor(press('9'), PAGE)).toBeNull();
    expect(shortcutFor(press(')', { code: 'Digit0', shiftKey: true }), PAGE)).toBeNull();
  });

  it('takes "?" with or without Shift (it is Shift+/ on most layouts)', () => {
    expect(shortcutFor(press('?', { code: 'Slash', shiftKey: true }), PAGE)).toEqual({ type: 'help' });
    expect(shortcutFor(press('?', { code: 'Minus' }), PAGE)).toEqual({ type: 'help' });
  });

  it('ignores Ctrl, Cmd and Alt combinations (the browser’s: Ctrl+R reloads, Ctrl+F finds)', () => {
    for (const modifier of ['ctrlKey', 'metaKey', 'altKey'] as const) {
      for (const key of [' ', 's', 'r', 'f', 'l', '1', 'ArrowLeft', '?', 'Escape']) {
        expect(shortcutFor(press(key, { [modifier]: true }), PAGE)).toBeNull();
      }
    }
  });

  it('takes Shift only for "?" and digits', () => {
    for (const key of [' ', 'S', 'R', 'F', 'L', 'ArrowLeft', 'ArrowRight', 'Escape']) {
      expect(shortcutFor(press(key, { shiftKey: true }), PAGE)).toBeNull();
    }
  });

  it('reads Caps Lock letters as the letter', () => {
    expect(shortcutFor(press('S'), PAGE)).toEqual({ type: 'step' });
  });

  it('leaves every key to fields, selects, sliders and editable text', () => {
    const editing: ShortcutContext = { ...LECTURE, target: 'editing' };
    for (const key of [' ', 's', 'r', 'f', 'l', '1', '0', 'ArrowLeft', 'ArrowDown', '?', 'Escape']) {
      expect(shortcutFor(press(key), editing)).toBeNull();
    }
  });

  it('leaves Space to a button reached by keyboard, but not the other keys', () => {
    const control: ShortcutContext = { ...PAGE, target: 'control' };
    expect(shortcutFor(press(' '), control)).toBeNull();
    expect(shortcutFor(press('s'), control)).toEqual({ type: 'step' });
    expect(shortcutFor(press('2'), control)).toEqual({ type: 'focus', panel: 'training', add: false });
  });

  it('steps captions with ↓/↑ in lecture mode only; elsewhere they scroll', () => {
    expect(shortcutFor(press('ArrowDown'), PAGE)).toBeNull();
    expect(shortcutFor(press('ArrowUp'), PAGE)).toBeNull();
  });

  it('while the help is open, only Escape and "?" act, and they close it', () => {
    const help: ShortcutContext = { ...PAGE, helpOpen: true, target: 'control' };
    expect(shortcutFor(press('Escape'), help)).toEqual({ type: 'help' });
    expect(shortcutFor(press('?', { shiftKey: true }), help)).toEqual({ type: 'help' });
    for (const key of [' ', 's', 'r', 'f', 'l', '1', 'ArrowRight']) {
      expect(shortcutFor(press(key), help)).toBeNull();
    }
  });

  it('lists in the help every key it maps', () => {
    const listed = SHORTCUT_LIST.flatMap((row) => row.keys).join(' ');
    for (const key of [
      'Space',
      'S',
      'R',
      '←',
      '→',
      '↓',
      '↑',
      '1–7',
      'Shift+1–7',
      '0',
      'Esc',
      'F',
      'L',
      '?',
    ]) {
      expect(listed).toContain(key);
    }
  });
});

/** An element as keyTarget reads it. */
function element(
  tagName: string,
  {
    role = null,
    editable = false,
    focusVisible = false,
  }: { role?: string | null; editable?: boolean; focusVisible?: boolean } = {},
): TargetLike {
  return {
    tagName: tagName.toUpperCase(),
    isContentEditable: editable,
    getAttribute: (name) => (name === 'role' ? role : null),
    matches: (selector) => selector === ':focus-visible' && focusVisible,
  };
}

describe('keyTarget', () => {
  it('treats fields, selects, sliders and editable text as editing', () => {
    expect(keyTarget(element('input'))).toBe('editing');
    expect(keyTarget(element('select'))).toBe('editing');
    expect(keyTarget(element('textarea'))).toBe('editing');
    expect(keyTarget(element('div', { editable: true }))).toBe('editing');
    expect(keyTarget(element('div', { role: 'slider' }))).toBe('editing');
    expect(keyTarget(element('span', { role: 'spinbutton' }))).toBe('editing');
  });

  it('treats a keyboard-focused button or link as a control, a mouse-clicked one as the page', () => {
    expect(keyTarget(element('button', { focusVisible: true }))).toBe('control');
    expect(keyTarget(element('a', { focusVisible: true }))).toBe('control');
    expect(keyTarget(element('div', { role: 'button', focusVisible: true }))).toBe('control');
    expect(keyTarget(element('button'))).toBe('page');
  });

  it('treats the body, plain elements and no target as the page', () => {
    expect(keyTarget(null)).toBe('page');
    expect(keyTarget(element('body'))).toBe('page');
    expect(keyTarget(element('svg', { role: 'group' }))).toBe('page');
  });
});
