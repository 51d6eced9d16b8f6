import { PRESETS, presetById, presetQuery } from '../config/index.ts';
import { usePresentation } from '../state/presentation.ts';
import { applyPreset, usePresetStatus } from '../state/presetActions.ts';
import { navigate, useView } from './route.ts';
import { TexText } from './TexText.tsx';
import './presetMenu.css';

/**
 * The preset chooser: it shows the preset on screen, says "modified" once a control has moved away
 * from it (with a button that restores it), and outside lecture mode its caption under the toolbar
 * (lecture mode has its own caption bar).
 */
export function PresetMenu() {
  const view = useView((s) => s.view);
  const lecture = usePresentation((s) => s.lecture);
  const status = usePresetStatus();
  const onLab = view === 'lab';
  const shown = onLab ? status : null;

  const choose = (id: string) => {
    const preset = presetById(id);
    if (!preset) return;
    // A preset is a state of the lab: from another view, its link opens the lab.
    if (onLab) applyPreset(id);
    else navigate(presetQuery(preset, lecture));
  };

  return (
    <>
      <label className="preset">
        <span>Preset</span>
        <select
          value={shown?.preset.id ?? ''}
          onChange={(e) => choose(e.target.value)}
          data-testid="preset-select"
        >
          <option value="" disabled>
            Choose a configuration…
          </option>
          {PRESETS.map((p, index) => (
            <option key={p.id} value={p.id}>
              {index + 1}. {p.title}
              {shown?.preset.id === p.id && shown.modified ? ' (modified)' : ''}
            </option>
          ))}
        </select>
      </label>
      {shown?.modified && (
        <button
          type="button"
          className="preset-restore"
          data-testid="preset-restore"
          onClick={() => applyPreset(shown.preset.id)}
          title="Set every parameter back to this preset's"
        >
          Modified · restore
        </button>
      )}
      {shown && !lecture && (
        <p className="story" role="status" data-testid="preset-story">
          <TexText text={shown.preset.caption} />
        </p>
      )}
    </>
  );
}
