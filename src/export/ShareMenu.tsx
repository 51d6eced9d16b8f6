import { useState } from 'react';
import { QrDialog } from './QrDialog.tsx';
import './export.css';

/** "Copy link" and a QR code of the link, for a room to open what the lecturer shows. */
export function ShareMenu() {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [qrLink, setQrLink] = useState<string | null>(null);

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopyState('copied');
    } catch {
      // Clipboard access can be refused (insecure origin, permissions); the link is still in the address bar.
      setCopyState('failed');
    }
    setTimeout(() => setCopyState('idle'), 2500);
  };

  return (
    <div className="share-menu">
      <button type="button" className="copy-link" onClick={copyLink}>
        {copyState === 'copied'
          ? 'Link copied'
          : copyState === 'failed'
            ? 'Copy from the address bar'
            : 'Copy link'}
      </button>
      <button
        type="button"
        className="copy-link"
        aria-haspopup="dialog"
        onClick={() => setQrLink(window.location.href)}
        data-testid="qr-open"
      >
        QR code
      </button>
      {qrLink !== null && <QrDialog link={qrLink} onClose={() => setQrLink(null)} />}
    </div>
  );
}
