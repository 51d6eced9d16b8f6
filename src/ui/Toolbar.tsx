import { useState } from 'react';
import { PRESETS } from '../config/index.ts';
import { jumpTo } from '../state/urlSync.ts';

/** Title, presets and the share button. */
export function Toolbar() {
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
      <label className="preset">
        <span>Preset</span>
        <select
          value=""
          onChange={(e) => {
            const preset = PRESETS.find((p) => p.id === e.target.value);
            if (!preset) return;
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
