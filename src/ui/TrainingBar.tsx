import { badgeText, badgeTitle } from '../state/backendSummary.ts';
import { useOpenedRuns } from '../state/openedRuns.ts';
import { useLab } from '../state/store.ts';
import { retryTraining, trainingControls } from '../state/trainingClient.ts';
import { dismissTrainingNotice, useTraining } from '../state/training.ts';
import { OpenResultButton } from './OpenResultButton.tsx';

const STATE_LABEL = {
  starting: 'starting…',
  building: 'drawing weights…',
  ready: 'ready',
  running: 'training',
  paused: 'paused',
  done: 'done',
  refused: 'not started',
  failed: 'stopped',
} as const;

/** Start, pause, single step and reset, the step counter, and which backend is doing the work. */
export function TrainingBar() {
  const state = useTraining((s) => s.state);
  const stepsDone = useTraining((s) => s.stepsDone);
  const error = useTraining((s) => s.error);
  const notice = useTraining((s) => s.notice);
  const building = useTraining((s) => s.building);
  const generation = useTraining((s) => s.generation);
  const totalSteps = useLab((s) => s.config.steps);
  // A result file is shown: Start returns to live training, nothing else runs meanwhile.
  const showingFile = useOpenedRuns((s) => s.opened !== null);
  const running = state === 'running';
  const busy = state === 'starting' || state === 'building';
  // Nothing to start or step: a refused configuration, or no worker (Retry or Reset starts one).
  const stopped = state === 'refused' || state === 'failed';

  return (
    <div className="training-bar" role="toolbar" aria-label="Training">
      <button
        type="button"
        onClick={running ? trainingControls.pause : trainingControls.start}
        disabled={!showingFile && (busy || stopped || state === 'done')}
      >
        {running ? 'Pause' : 'Start'}
      </button>
      <button
        type="button"
        onClick={trainingControls.step}
        disabled={showingFile || running || busy || stopped || state === 'done'}
      >
        Step
      </button>
      <button type="button" onClick={trainingControls.reset} disabled={state === 'starting'}>
        Reset
      </button>
      <span
        className="training-progress"
        data-testid="training-progress"
        data-state={state}
        data-generation={generation}
      >
        {showingFile ? (
          'live training stopped: showing a result file'
        ) : (
          <>
            step <strong>{stepsDone}</strong> / {totalSteps} · {STATE_LABEL[state]}
            {state === 'building' && building && ` ${building.layersDone} / ${building.layerCount} layers`}
          </>
        )}
      </span>
      <OpenResultButton />
      <BackendBadge />
      {notice && (
        <span className="training-notice" role="status" data-testid="training-notice" data-kind={notice.kind}>
          <span>{notice.message}</span>
          <button type="button" onClick={dismissTrainingNotice} aria-label="Dismiss">
            ×
          </button>
        </span>
      )}
      {error && (
        <span className="training-error" role="alert" data-testid="training-error">
          {error.message}
          {error.fatal && (
            <button type="button" onClick={retryTraining}>
              Retry
            </button>
          )}
        </span>
      )}
    </div>
  );
}

function BackendBadge() {
  const backend = useTraining((s) => s.backend);
  if (!backend) return <span className="backend-badge pending">backend: choosing…</span>;
  const text = badgeText(backend);
  return (
    <span
      className="backend-badge"
      data-testid="backend-badge"
      data-backend={backend.active}
      data-selection={backend.selection}
      title={badgeTitle(backend)}
    >
      {text.main}
      {text.detail && <span className="adapter"> · {text.detail}</span>}
      {text.note && <span className="fallback"> {text.note}</span>}
    </span>
  );
}
