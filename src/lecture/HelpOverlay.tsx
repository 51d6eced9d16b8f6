import { useEffect, useRef } from 'react';
import { LAB_PANELS } from '../config/panels.ts';
import { usePresentation } from '../state/presentation.ts';
import { SHORTCUT_LIST } from './shortcuts.ts';

function closeHelp(): void {
  usePresentation.setState({ help: false });
}

/**
 * The list of keyboard shortcuts, opened by "?". A modal <dialog>: the page behind it is inert, so
 * Tab stays inside; Escape or "?" closes it and the focus goes back to where it was.
 */
export function HelpOverlay() {
  const open = usePresentation((s) => s.help);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="shortcut-help"
      aria-labelledby="shortcut-help-title"
      data-testid="shortcut-help"
      onClose={() => {
        closeHelp();
        const target = returnTo.current;
        returnTo.current = null;
        if (target?.isConnected) target.focus({ preventScroll: true });
      }}
    >
      <header>
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <button type="button" onClick={closeHelp}>
          Close
        </button>
      </header>
      <p>They work anywhere in the lab except while typing in a field or moving a slider.</p>
      <table>
        <tbody>
          {SHORTCUT_LIST.map((row) => (
            <tr key={row.does}>
              <th scope="row">
                {row.keys.map((alternative, i) => (
                  <span key={alternative}>
                    {i > 0 && ' or '}
                    {alternative.split('+').map((key, j) => (
                      <span key={key}>
                        {j > 0 && '+'}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </span>
                ))}
              </th>
              <td>{row.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ol className="shortcut-panels" aria-label="Panels by digit">
        {LAB_PANELS.map((panel) => (
          <li key={panel.id}>{panel.name}</li>
        ))}
      </ol>
    </dialog>
  );
}
