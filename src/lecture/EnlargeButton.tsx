import type { PanelId } from '../config/panels.ts';
import { LAB_PANELS } from '../config/panels.ts';
import { usePresentation } from '../state/presentation.ts';
import { choosePanel } from './actions.ts';

/**
 * Enlarges its panel alone (as its digit key does), or restores all panels when it is the one
 * enlarged; Shift+click enlarges it next to the panel enlarged already (Shift+digit).
 */
export function EnlargeButton({ panel, name }: { readonly panel: PanelId; readonly name: string }) {
  const enlarged = usePresentation((s) => s.focus.includes(panel));
  const alone = usePresentation((s) => s.focus.length === 1 && enlarged);
  const digit = LAB_PANELS.findIndex((p) => p.id === panel) + 1;
  return (
    <button
      type="button"
      className="enlarge-button"
      aria-pressed={enlarged}
      aria-label={`Enlarge ${name}`}
      title={
        alone
          ? `Restore the usual layout (key ${digit} or Esc)`
          : enlarged
            ? `Enlarge this panel alone (key ${digit}; Esc restores the usual layout)`
            : `Enlarge this panel (key ${digit}; Shift+click or Shift+${digit}: next to the one enlarged)`
      }
      data-testid={`enlarge-${panel}`}
      onClick={(event) => choosePanel(panel, event.shiftKey)}
    >
      <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
        {enlarged ? (
          <path d="M5 1v4H1M9 1v4h4M5 13V9H1M9 13V9h4" />
        ) : (
          <path d="M1 5V1h4M13 5V1H9M1 9v4h4M13 9v4H9" />
        )}
      </svg>
    </button>
  );
}
