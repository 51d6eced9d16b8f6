import { useState } from 'react';
import { downloadBlob } from './download.ts';
import { pythonProgramFor } from './python/browserProgram.ts';

/**
 * Downloads the PyTorch program of a link (src/export/python): the configuration's runs, or a
 * sweep's grid when the link carries one. A link the program cannot be written for (a sweep the
 * lab cannot run as written) is answered with its reason in one line beside the button.
 */
export function PythonExportButton({
  query,
  fileName,
  label,
  className = 'secondary',
}: {
  /** The link's query ("?act=tanh&…", a sweep link for a sweep); null: nothing to export yet. */
  readonly query: string | null;
  readonly fileName: string;
  readonly label: string;
  readonly className?: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const download = () => {
    if (query === null) return;
    try {
      const text = pythonProgramFor(query);
      downloadBlob(new Blob([text], { type: 'text/x-python' }), fileName);
      setError(null);
    } catch (failure) {
      setError(`No program: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  };
  return (
    <>
      <button
        type="button"
        className={className}
        onClick={download}
        disabled={query === null}
        data-testid="python-export"
        title="Download the PyTorch program (run.py): a self-contained Python file (PyTorch and numpy) that trains these networks with the lab's initial weights, data order and training, on a CPU or a GPU, and writes a result file this lab opens"
      >
        {label}
      </button>
      {error && (
        <span className="python-export-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
