import { useEffect } from 'react';
import { usePresentation } from '../state/presentation.ts';
import { runShortcut } from './actions.ts';
import { keyTarget, shortcutFor } from './shortcuts.ts';

/**
 * Installs the lab's keyboard shortcuts (shortcuts.ts) while the lab view is shown: one keydown
 * listener on the window, which runs after the page's own handlers, so that a key a widget has
 * used already (the phase diagram's arrows) is left alone.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const { lecture, help } = usePresentation.getState();
      const target = event.target instanceof Element ? event.target : null;
      // Keys inside another dialog (the QR code) are that dialog's: Escape closes it, not the panels.
      if (!help && target?.closest('dialog[open]')) return;
      const action = shortcutFor(event, { target: keyTarget(target), lecture, helpOpen: help });
      if (action === null) return;
      // Space would scroll the page, arrows too, "?" or "/" might open the browser's quick find.
      event.preventDefault();
      // A held key repeats: one press, one action (holding → must not race through the presets).
      if (!event.repeat) runShortcut(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
