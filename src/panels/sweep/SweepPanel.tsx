import { useMemo } from 'react';
import { experimentById } from '../../experiments/registry.ts';
import { isSweepActive, useSweep, type SweepView } from '../../state/sweep.ts';
import { cancelSweep, dismissFileError, openSweepFile, saveSweepResult } from '../../state/sweepClient.ts';
import { parseSweepQuery, sweepQuery } from '../../sweep/definition.ts';
import { toQuery } from '../../config/index.ts';
import { PanelExportMenu } from '../../export/PanelExportMenu.tsx';
import { PythonExportButton } from '../../export/PythonExportButton.tsx';
import { mergedNote, mergedParts, ranElsewhere, ranOn, shardNote, shardOf } from '../../runs/ranOn.ts';
import { SWEEP_VIEW_QUERY, followLink, navigate } from '../../ui/route.ts';
import { OpenFileButton } from '../../ui/OpenFileButton.tsx';
import { describeSweep, formatDuration } from './describe.ts';
import type { SweepResultFile } from '../../sweep/types.ts';
import { drawingOfFile, drawingOfRun } from './drawing.ts';
import { SweepChart } from './SweepChart.tsx';
import './sweep.css';

/**
 * A sweep: its progress (runs done, time remaining) and Cancel while it runs, its chart drawn as
 * points arrive, and Save / Open of its result file, which redraws without computing anything.
 */
export function SweepPanel() {
  const view = useSweep();
  const named = useMemo(() => {
    const id = view.definition?.experiment ?? view.result?.experiment ?? null;
    return id === null ? undefined : experimentById(id);
  }, [view.definition, view.result]);
  const definition = useMemo(() => {
    if (view.definition) return view.definition;
    if (!view.query) return null;
    try {
      return parseSweepQuery(view.query).definition;
    } catch {
      return null;
    }
  }, [view.definition, view.query]);
  const drawing = useMemo(() => {
    if (view.result) return drawingOfFile(view.result);
    if (view.definition) return drawingOfRun(view.definition, view.points, view.curves);
    return null;
  }, [view.result, view.definition, view.points, view.curves]);
  const active = isSweepActive(view.phase);

  return (
    <section className="panel sweep-panel" data-testid="sweep-panel" aria-labelledby="sweep-title">
      <header className="sweep-head">
        <div>
          <h2 id="sweep-title">{named ? named.title : 'Sweep'}</h2>
          {named && (
            <p className="sweep-explanation">
              {named.explanation}{' '}
              <span className="sweep-paper">
                ({named.paper}, {named.figure})
              </span>
            </p>
          )}
          {definition && (
            <p className="sweep-definition" data-testid="sweep-definition">
              {describeSweep(definition)}
            </p>
          )}
        </div>
        <div className="sweep-actions">
          <PanelExportMenu panel="sweep" title={named ? named.title : 'Sweep'} />
          <PythonExportButton
            query={definition ? sweepQuery(definition) : null}
            fileName={`${definition?.experiment ?? 'run'}.py`}
            label="Export as PyTorch program"
          />
          <FileButtons view={view} />
        </div>
      </header>
      <SweepStatus view={view} />
      {view.result && !active && <ElsewhereNote result={view.result} />}
      {view.fileError && (
        <p className="sweep-file-error" role="alert" data-testid="sweep-file-error">
          {view.fileError}
          <button type="button" aria-label="Dismiss" onClick={dismissFileError}>
            ×
          </button>
        </p>
      )}
      {drawing && drawing.points.length > 0 ? (
        <SweepChart drawing={drawing} />
      ) : (
        <p className="sweep-empty">
          {active
            ? 'Points appear here as each group of runs finishes.'
            : view.phase === 'idle'
              ? 'No sweep yet: set one up above, run one from the Experiments view, open a saved result, or follow a sweep link.'
              : null}
        </p>
      )}
      {definition && !active && (
        <p className="sweep-links">
          <a href={toQuery(definition.base)} onClick={followLink(toQuery(definition.base))}>
            Open its base configuration in the lab
          </a>
        </p>
      )}
      {active && (
        <p className="sweep-note" data-testid="sweep-training-note">
          {view.pausedTraining
            ? 'Live training is paused while the sweep runs, so that the two do not share the cores; it resumes when the sweep ends.'
            : 'The sweep runs in its own worker: the page stays live.'}
        </p>
      )}
      {definition && view.origin !== 'computed' && !active && (
        <button type="button" className="sweep-rerun" onClick={() => navigate(sweepQuery(definition))}>
          Run it again here
        </button>
      )}
    </section>
  );
}

function SweepStatus({ view }: { readonly view: SweepView }) {
  const active = isSweepActive(view.phase);
  const progress = view.progress;
  const fraction = progress && progress.workTotal > 0 ? progress.workDone / progress.workTotal : 0;
  const result = view.result;
  return (
    <div className="sweep-status" data-testid="sweep-status" data-phase={view.phase}>
      {active && (
        <>
          <progress
            className="sweep-progress"
            data-testid="sweep-progress"
            max={1}
            value={view.phase === 'starting' ? undefined : fraction}
            aria-label="Sweep progress"
          />
          <span className="sweep-progress-text" data-testid="sweep-progress-text">
            {view.phase === 'starting' || !progress ? (
              'Starting: loading the engine and choosing a backend…'
            ) : (
              <>
                <strong data-testid="sweep-runs-done">{progress.runsDone}</strong> / {progress.runsTotal} runs
                {progress.groupCount > 1 && ` · group ${progress.groupIndex + 1} of ${progress.groupCount}`}
                {progress.phase === 'building' ? ' (drawing weights)' : ''} ·{' '}
                {progress.remainingSeconds === null
                  ? 'estimating the time left…'
                  : `${progress.mayStopEarly ? 'at most about' : 'about'} ${formatDuration(progress.remainingSeconds)} left`}
              </>
            )}
            {view.backend && <span className="sweep-backend"> on {view.backend.active}</span>}
          </span>
          <button
            type="button"
            className="sweep-cancel"
            onClick={cancelSweep}
            disabled={view.phase === 'cancelling'}
          >
            {view.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        </>
      )}
      {!active && result && (
        <span className="sweep-summary" data-testid="sweep-summary">
          {view.origin === 'opened'
            ? 'Opened from a file: '
            : view.origin === 'stored'
              ? 'Kept result: '
              : ''}
          {describeCompletion(result)}, {result.points.length} runs in {formatDuration(result.seconds)} on{' '}
          {result.backend}, lab {result.labVersion}, {new Date(result.createdAt).toLocaleString()}
          {view.origin !== 'computed' && ' (drawn from the file, nothing recomputed)'}
        </span>
      )}
      {!active && !result && view.phase === 'cancelled' && (
        <span className="sweep-summary">Cancelled; {view.points.length} runs had finished.</span>
      )}
      {view.phase === 'failed' && view.error && (
        <span className="sweep-error" role="alert" data-testid="sweep-error">
          {view.error}
        </span>
      )}
      {view.fixes.length > 0 && (
        <span className="sweep-fixes">
          Changed in this link: {view.fixes.map((f) => `${f.key} (${f.reason})`).join('; ')}
        </span>
      )}
    </div>
  );
}

/** A part of a sharded sweep is never complete on its own: it says which part it is instead. */
function describeCompletion(result: SweepResultFile): string {
  const shard = shardOf(result);
  if (shard) return `part ${shard.index} of ${shard.count}`;
  return result.complete ? 'complete' : 'cancelled';
}

/**
 * A result another engine computed (the exported PyTorch program), said where it ran in large type;
 * a part of a sharded sweep, said so with how to merge the parts.
 */
function ElsewhereNote({ result }: { readonly result: SweepResultFile }) {
  const shard = shardOf(result);
  if (!ranElsewhere(result) && !shard) return null;
  return (
    <div className="sweep-elsewhere" role="status" data-testid="sweep-elsewhere">
      {ranElsewhere(result) && (
        <p data-testid="sweep-ran-on">
          Ran on <strong>{ranOn(result)}</strong>, {new Date(result.createdAt).toLocaleString()} — drawn from
          its result file, nothing recomputed here.
          {mergedParts(result) > 0 && ` ${mergedNote(mergedParts(result))}`}
        </p>
      )}
      {shard && (
        <p className="sweep-shard" data-testid="sweep-shard-note">
          <strong>
            Part {shard.index} of {shard.count}
          </strong>{' '}
          — {shardNote(shard)}
        </p>
      )}
    </div>
  );
}

function FileButtons({ view }: { readonly view: SweepView }) {
  return (
    <div className="sweep-files">
      <button
        type="button"
        onClick={saveSweepResult}
        disabled={!view.result}
        title={view.result ? 'Download the result as a JSON file' : 'Available once the sweep ends'}
      >
        Save result
      </button>
      <OpenFileButton
        label="Open result…"
        testId="sweep-open-input"
        onFile={(file) =>
          // The link no longer reruns what is shown: the panel offers "Run it again here" instead.
          void openSweepFile(file).then((opened) => {
            if (opened && window.location.search !== SWEEP_VIEW_QUERY) navigate(SWEEP_VIEW_QUERY);
          })
        }
      />
    </div>
  );
}
