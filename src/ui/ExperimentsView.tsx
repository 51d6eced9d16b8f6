import { useMemo, useState } from 'react';
import { EXPERIMENTS, type NamedExperiment } from '../experiments/registry.ts';
import { PythonExportButton } from '../export/PythonExportButton.tsx';
import { describeSweep, formatDuration } from '../panels/sweep/describe.ts';
import { drawingOfFile } from '../panels/sweep/drawing.ts';
import { SweepChart } from '../panels/sweep/SweepChart.tsx';
import { useSweep } from '../state/sweep.ts';
import { showKeptResult } from '../state/sweepClient.ts';
import { loadResult } from '../state/sweepResults.ts';
import { parseSweepQuery, sweepQuery } from '../sweep/definition.ts';
import { predictedSweepSeconds } from '../panels/sweep/prediction.ts';
import type { SweepDefinition, SweepResultFile } from '../sweep/types.ts';
import { SWEEP_VIEW_QUERY, followLink, navigate } from './route.ts';
import './experiments.css';

/**
 * Every named experiment (src/experiments/registry.ts): what it shows and what to look for, the
 * paper and figure it reproduces, what the paper ran and what runs here, a link that runs it, and
 * its last result, kept in this browser and redrawn from there without computing anything.
 */
export function ExperimentsView() {
  // A sweep that ends while this view is open updates its experiment's kept result.
  const revision = useSweep((s) => `${s.id}:${s.phase}`);
  return (
    <section className="experiments" data-testid="experiments-view" aria-labelledby="experiments-title">
      <header className="experiments-head">
        <h2 id="experiments-title">Experiments</h2>
        <p>
          The papers’ figures as sweeps, scaled to run in minutes on a laptop’s CPU. <strong>Run</strong>{' '}
          opens the sweep (its link reruns it anywhere); the last result of each is kept in this browser.
        </p>
      </header>
      <div className="experiment-list">
        {EXPERIMENTS.map((named) => (
          <ExperimentCard key={named.id} named={named} revision={revision} />
        ))}
      </div>
    </section>
  );
}

function ExperimentCard({ named, revision }: { readonly named: NamedExperiment; readonly revision: string }) {
  const definition = useMemo(() => parseSweepQuery(named.query).definition, [named.query]);
  const link = useMemo(() => sweepQuery(definition), [definition]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision: reread when a sweep ends
  const kept = useMemo(() => loadResult(named.id), [named.id, revision]);
  return (
    <article
      className="experiment-card"
      data-testid={`experiment-${named.id}`}
      aria-labelledby={`exp-${named.id}`}
    >
      <header>
        <h3 id={`exp-${named.id}`}>{named.title}</h3>
        <p className="experiment-source">
          {named.paper}, <strong>{named.figure}</strong>
        </p>
      </header>
      <p className="experiment-explanation">{named.explanation}</p>
      <dl className="experiment-compare">
        <dt>The paper</dt>
        <dd>{named.whatPaperUsed}</dd>
        <dt>Here</dt>
        <dd>
          {describeSweep(definition)}
          <Predicted definition={definition} />
        </dd>
      </dl>
      <p className="experiment-actions">
        <a className="experiment-run" href={link} data-testid={`run-${named.id}`} onClick={followLink(link)}>
          Run
        </a>
        <PythonExportButton query={link} fileName={`${named.id}.py`} label="Export as PyTorch program" />
      </p>
      {kept ? (
        <KeptResult result={kept} current={kept.query === link} />
      ) : (
        <p className="experiment-none">No result kept in this browser yet.</p>
      )}
    </article>
  );
}

/** The budget's prediction of the time it takes (on WebAssembly): an upper bound for τ sweeps. */
export function Predicted({ definition }: { readonly definition: SweepDefinition }) {
  const seconds = useMemo(() => predictedSweepSeconds(definition), [definition]);
  if (seconds === null) return null;
  return (
    <span className="experiment-predicted">
      {' '}
      (predicted {definition.measure === 'tau' ? 'at most ' : ''}
      {formatDuration(seconds)} on WebAssembly)
    </span>
  );
}

function KeptResult({ result, current }: { readonly result: SweepResultFile; readonly current: boolean }) {
  const [shown, setShown] = useState(true);
  const drawing = useMemo(() => drawingOfFile(result), [result]);
  return (
    <div className="experiment-result" data-testid="experiment-result">
      <p className="experiment-result-head">
        <span>
          Last result: {result.complete ? 'complete' : 'cancelled'}, {result.points.length} runs in{' '}
          {formatDuration(result.seconds)} on {result.backend}, {new Date(result.createdAt).toLocaleString()}
          {!current &&
            ' — computed with an earlier definition of this experiment (Run computes the current one)'}
        </span>
        <button type="button" className="secondary" onClick={() => setShown(!shown)} aria-expanded={shown}>
          {shown ? 'Hide' : 'Show'}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            showKeptResult(result);
            navigate(SWEEP_VIEW_QUERY);
          }}
        >
          Open in the sweep view
        </button>
      </p>
      {shown && <SweepChart drawing={drawing} compact />}
    </div>
  );
}
