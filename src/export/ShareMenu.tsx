import { useState } from 'react';
import { toQuery } from '../config/index.ts';
import { useLab } from '../state/store.ts';
import { PythonExportButton } from './PythonExportButton.tsx';
import { QrDialog } from './QrDialog.tsx';
import './export.css';

/**
 * "Copy link" and a QR code of the link, for a room to open what the lecturer shows; in the Lab
 * view (`lab`) also the link's PyTorch program, to run it at paper scale.
 */
export function ShareMenu({ lab = false }: { readonly lab?: boolean }) {
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
      {lab && <LabProgramButton />}
      {qrLink !== null && <QrDialog link={qrLink} onClose={() => setQrLink(null)} />}
    </div>
  );
}

/**
 * The program of the configuration the controls show. Labelled short, so that the toolbar keeps
 * one row at 1280 px wide (the Lecture button is beside it); its tooltip says what it is.
 */
function LabProgramButton() {
  const config = useLab((s) => s.config);
  return (
    <PythonExportButton
      query={toQuery(config)}
      fileName="run.py"
      label="PyTorch (run.py)"
      className="copy-link"
    />
  );
}
