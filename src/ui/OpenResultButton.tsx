import { openResultFile } from '../state/openResultFile.ts';
import { OpenFileButton } from './OpenFileButton.tsx';

/**
 * "Open result…": a runs result file (npm run experiment, the exported PyTorch program) drawn in
 * the training panel; a sweep file goes to the Sweep view.
 */
export function OpenResultButton() {
  return (
    <OpenFileButton
      label="Open result…"
      title="Draw a saved result file (npm run experiment, or the exported PyTorch program) in the training panel; you can also drop it on the panel"
      testId="runs-open-input"
      onFile={(file) => void openResultFile(file)}
    />
  );
}
