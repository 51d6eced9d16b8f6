import { useEffect, useMemo, useRef } from 'react';
import { QUIET_ZONE, qrMatrix, qrPath } from './qr.ts';

/**
 * A large QR code of `link` (dark modules on white, a quiet zone of 4 modules) with the link in
 * text beside it, in a modal dialog: Escape, the Close button or a click outside closes it.
 */
export function QrDialog({ link, onClose }: { readonly link: string; readonly onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const matrix = useMemo(() => qrMatrix(link), [link]);
  const side = matrix.size + 2 * QUIET_ZONE;

  useEffect(() => {
    const element = dialog.current;
    // Unmounting removes it from the page, and with it from the top layer: no close() needed.
    if (element && !element.open) element.showModal();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="qr-dialog"
      aria-labelledby="qr-title"
      data-testid="qr-dialog"
      onClose={onClose}
      onKeyDown={(event) => {
        // The page's shortcuts (space, r, arrows, Escape) are not for what lies under a modal dialog.
        event.stopPropagation();
        if (event.key === 'Escape') {
          event.preventDefault();
          dialog.current?.close();
        }
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself.
        if (event.target === dialog.current) dialog.current.close();
      }}
    >
      <h2 id="qr-title">Open this page on your phone</h2>
      <div className="qr-body">
        <svg
          className="qr-code"
          viewBox={`0 0 ${side} ${side}`}
          role="img"
          aria-label={`QR code of ${link}`}
          data-modules={matrix.size}
          data-version={matrix.version}
          shapeRendering="crispEdges"
        >
          <rect width={side} height={side} fill="#ffffff" />
          <path d={qrPath(matrix)} fill="#000000" />
        </svg>
        <div className="qr-link">
          <p>Scan the code, or type the link:</p>
          <p>
            <a href={link} data-testid="qr-link">
              {link}
            </a>
          </p>
          <p className="qr-note">
            The link holds the whole configuration: everyone sees the same networks, seeds and view.
          </p>
        </div>
      </div>
      <button type="button" className="qr-close" onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
