import { badgeText, badgeTitle } from '../state/backendSummary.ts';
import { useLab } from '../state/store.ts';
import { useTraining } from '../state/training.ts';
import { restartWorker, trainingControls } from '../worker/trainingClient.ts';

const STATE_LABEL = {
  starting: 'starting…',
  building: 'drawing weights…',
  ready: 'ready',
  running: 'training',
  paused: 'paused',
  done: 'done',
} as const;

/** Start, pause, single step and reset, the step counter, and which backend is doing the work. */
export function TrainingBar() {
  const state = useTraining((s) => s.state);
  const stepsDone = useTraining((s) => s.stepsDone);
  const error = useTraining((s) => s.error);
  const building = useTraining((s) => s.building);
  const generation = useTraining((s) => s.generation);
  const totalSteps = useLab((s) => s.config.steps);
  const running = state === 'running';
  const busy = state === 'starting' || state === 'building';

  return (
    <div className="training-bar" role="toolbar" aria-label="Training">
      <button
        type="button"
        onClick={running ? trainingControls.pause : trainingControls.start}
        disabled={busy || state === 'done'}
      >
        {running ? 'Pause' : 'Start'}
      </button>
      <button type="button" onClick={trainingControls.step} disabled={running || busy || state === 'done'}>
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
        step <strong>{stepsDone}</strong> / {totalSteps} · {STATE_LABEL[state]}
        {state === 'building' && building && ` ${building.layersDone} / ${building.layerCount} layers`}
      </span>
      <BackendBadge />
      {error && (
        <span className="training-error" role="alert">
          {error.message}
          {error.fatal && (
            <button type="button" onClick={restartWorker}>
              Restart
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
