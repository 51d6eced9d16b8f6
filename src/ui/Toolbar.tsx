import { useState } from 'react';
import { PRESETS, toQuery } from '../config/index.ts';
import { useLab } from '../state/store.ts';
import { useSweep } from '../state/sweep.ts';
import { jumpTo } from '../state/urlSync.ts';
import {
  EXPERIMENTS_QUERY,
  SWEEP_VIEW_QUERY,
  followLink,
  navigate,
  useView,
  type ViewName,
} from './route.ts';
import './views.css';

/** Title, the views (lab, sweep, experiments), presets and the share button. */
export function Toolbar() {
  const view = useView((s) => s.view);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [story, setStory] = useState<string | null>(null);

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
    <header className="toolbar">
      <div className="brand">
        <h1>Isometry Lab</h1>
        <p>How weight initialization decides whether deep networks can learn</p>
      </div>
      <ViewTabs view={view} />
      <label className="preset">
        <span>Preset</span>
        <select
          value=""
          onChange={(e) => {
            const preset = PRESETS.find((p) => p.id === e.target.value);
            if (!preset) return;
            // A preset is a configuration of the lab: from another view, go there first.
            if (view !== 'lab') navigate(toQuery(useLab.getState().config));
            jumpTo(preset.values);
            setStory(preset.story);
          }}
        >
          <option value="" disabled>
            Choose a configuration…
          </option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="copy-link" onClick={copyLink}>
        {copyState === 'copied'
          ? 'Link copied'
          : copyState === 'failed'
            ? 'Copy from the address bar'
            : 'Copy link'}
      </button>
      {story && (
        <p className="story" role="status">
          {story}
        </p>
      )}
    </header>
  );
}

/** Links, so that each view can be opened in a new tab; a plain click switches in place. */
function ViewTabs({ view }: { readonly view: ViewName }) {
  const config = useLab((s) => s.config);
  const sweepLink = useSweep((s) => (s.origin === 'computed' && s.query ? s.query : SWEEP_VIEW_QUERY));
  const tabs: { view: ViewName; label: string; href: string }[] = [
    { view: 'lab', label: 'Lab', href: toQuery(config) },
    { view: 'sweep', label: 'Sweep', href: sweepLink },
    { view: 'experiments', label: 'Experiments', href: EXPERIMENTS_QUERY },
  ];
  return (
    <nav className="view-tabs" aria-label="Views">
      {tabs.map((tab) => (
        <a
          key={tab.view}
          href={tab.href}
          aria-current={tab.view === view ? 'page' : undefined}
          data-testid={`view-tab-${tab.view}`}
          onClick={followLink(tab.href)}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
