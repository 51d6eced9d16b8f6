import { usePresetStatus } from '../state/presetActions.ts';
import { usePresentation } from '../state/presentation.ts';
import { TexText } from '../ui/TexText.tsx';
import { stepCaption } from './actions.ts';
import { captionCount, captionText } from './captions.ts';

/**
 * Lecture mode's line under the toolbar: the preset shown, whether the configuration has left it,
 * and its caption, then its steps one at a time (↓ / ↑ or the buttons), formulas typeset.
 */
export function CaptionBar() {
  const status = usePresetStatus();
  const step = usePresentation((s) => s.captionStep);
  if (!status) {
    return (
      <section className="caption-bar" aria-label="Caption" data-testid="caption-bar">
        <p className="caption-text">
          No preset on screen: press <kbd>→</kbd> or <kbd>←</kbd> to step through the presets, or pick one
          from the Preset menu or the Gallery. <kbd>?</kbd> lists every key.
        </p>
      </section>
    );
  }
  const { preset, modified } = status;
  const count = captionCount(preset);
  const shown = Math.min(step, count - 1);
  return (
    <section
      className="caption-bar"
      aria-label="Caption"
      data-testid="caption-bar"
      data-preset={preset.id}
      data-step={shown}
    >
      <header>
        <h2>{preset.title}</h2>
        {modified && (
          <span
            className="preset-modified"
            data-testid="preset-modified"
            title="A parameter was changed since the preset was applied"
          >
            modified
          </span>
        )}
        <span className="caption-source">
          {preset.paper}, {preset.figure}
        </span>
        {count > 1 && (
          <span className="caption-stepper">
            <button
              type="button"
              onClick={() => stepCaption(-1)}
              disabled={shown === 0}
              aria-label="Previous caption step"
              title="Previous caption step (↑)"
            >
              ↑
            </button>
            <span aria-live="off">
              {shown + 1} / {count}
            </span>
            <button
              type="button"
              onClick={() => stepCaption(1)}
              disabled={shown === count - 1}
              aria-label="Next caption step"
              title="Next caption step (↓)"
            >
              ↓
            </button>
          </span>
        )}
      </header>
      <p className="caption-text" aria-live="polite" data-testid="caption-text">
        <TexText text={captionText(preset, shown)} />
      </p>
    </section>
  );
}
