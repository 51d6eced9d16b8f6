import { dismissRunsFileError, useOpenedRuns, type OpenedRuns } from '../../state/openedRuns.ts';
import { backToLiveTraining } from '../../state/trainingClient.ts';
import { ranOn } from '../../runs/ranOn.ts';
import './openedRuns.css';

/**
 * Above the training curves while a result file is shown: which file, where and when it ran, that
 * nothing is recomputed, and the way back to live training. Also the line saying why a file was
 * refused.
 */
export function OpenedRunsBanner() {
  const opened = useOpenedRuns((s) => s.opened);
  const error = useOpenedRuns((s) => s.error);
  return (
    <>
      {error && (
        <p className="opened-runs-error" role="alert" data-testid="opened-runs-error">
          <span>{error}</span>
          <button type="button" aria-label="Dismiss" onClick={dismissRunsFileError}>
            ×
          </button>
        </p>
      )}
      {opened && <Banner opened={opened} />}
    </>
  );
}

function Banner({ opened }: { readonly opened: OpenedRuns }) {
  const { file, fileName } = opened;
  const date = new Date(file.createdAt).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const seeds = new Set(file.runs.map((run) => run.seed)).size;
  return (
    <div className="opened-runs-banner" role="status" data-testid="opened-runs-banner">
      <div className="opened-runs-text">
        <p className="opened-runs-head">
          Opened <strong data-testid="opened-runs-file">{fileName || 'a result file'}</strong> — ran on{' '}
          <strong data-testid="opened-runs-backend">{ranOn(file)}</strong>, {date}
        </p>
        <p className="opened-runs-detail">
          {file.runs.length} run{file.runs.length === 1 ? '' : 's'} ({seeds} seed{seeds === 1 ? '' : 's'}) ×{' '}
          {file.steps} steps{file.complete ? '' : ' (stopped early)'}, {formatSeconds(file.seconds)}; a point
          every {file.every} steps (training loss: the mean over each interval). Nothing recomputed: moving a
          slider or pressing Start returns to live training.
        </p>
      </div>
      <button type="button" onClick={() => backToLiveTraining()} data-testid="opened-runs-back">
        Back to live training
      </button>
    </div>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
