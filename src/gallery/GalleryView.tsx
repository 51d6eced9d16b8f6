import { useMemo } from 'react';
import { PRESETS, presetQuery, type Preset } from '../config/index.ts';
import { EXPERIMENTS, type NamedExperiment } from '../experiments/registry.ts';
import { parseSweepQuery, sweepQuery } from '../sweep/definition.ts';
import { Predicted } from '../ui/ExperimentsView.tsx';
import { followLink } from '../ui/route.ts';
import { TexText } from '../ui/TexText.tsx';
import { LAB_PANELS } from '../config/index.ts';
import './gallery.css';

/**
 * The presets as a gallery: each a complete state of the lab with what to look at, the paper and
 * figure, and what the paper ran; then each paper's experiment as a sweep. Every entry is a link,
 * so a lecturer can open one in a new tab or put it on a slide.
 */
export function GalleryView() {
  return (
    <section className="gallery" data-testid="gallery-view" aria-labelledby="gallery-title">
      <header className="gallery-head">
        <h2 id="gallery-title">Gallery</h2>
        <p>
          Each preset sets every parameter, view options included, so it looks the same whoever opens it, and
          makes its point within about 30 s of training on a laptop’s CPU. In the lab, <kbd>←</kbd> /{' '}
          <kbd>→</kbd> step through them in this order and <kbd>?</kbd> lists every shortcut.
        </p>
      </header>
      <ol className="gallery-list">
        {PRESETS.map((preset, index) => (
          <PresetCard key={preset.id} preset={preset} number={index + 1} />
        ))}
      </ol>
      <h2 className="gallery-subhead">The papers’ experiments (sweeps, minutes each)</h2>
      <ul className="gallery-experiments">
        {EXPERIMENTS.map((named) => (
          <ExperimentEntry key={named.id} named={named} />
        ))}
      </ul>
    </section>
  );
}

function PresetCard({ preset, number }: { readonly preset: Preset; readonly number: number }) {
  const open = presetQuery(preset, false);
  const lecture = presetQuery(preset, true);
  const panels = preset.focus.map((id) => LAB_PANELS.find((panel) => panel.id === id)?.name ?? id);
  return (
    <li className="gallery-card" data-testid={`preset-${preset.id}`}>
      <h3>
        <span className="gallery-number">{number}</span> {preset.title}
      </h3>
      <p className="gallery-caption">
        <TexText text={preset.caption} />
      </p>
      <p className="gallery-source">
        {preset.paper}, <strong>{preset.figure}</strong>. Look at: {panels.join(' and ')}.
      </p>
      <p className="gallery-paper">The paper: {preset.whatPaperUsed}</p>
      <p className="gallery-actions">
        <a href={open} onClick={followLink(open)} data-testid={`open-${preset.id}`}>
          Open
        </a>
        <a
          href={lecture}
          onClick={followLink(lecture)}
          className="secondary"
          data-testid={`lecture-${preset.id}`}
        >
          Open in lecture mode
        </a>
      </p>
    </li>
  );
}

function ExperimentEntry({ named }: { readonly named: NamedExperiment }) {
  const definition = useMemo(() => parseSweepQuery(named.query).definition, [named.query]);
  const link = useMemo(() => sweepQuery(definition), [definition]);
  return (
    <li>
      <a href={link} onClick={followLink(link)}>
        {named.title}
      </a>{' '}
      <span className="gallery-source">
        — {named.paper}, {named.figure}
        <Predicted definition={definition} />
      </span>
    </li>
  );
}
