import { presentationQuery } from './presentation.ts';
import type { Preset } from './presets.ts';
import { toQuery } from './url.ts';

/**
 * The link that opens a preset: its whole configuration and its id (so the page shows its caption
 * and says "modified" once a control moves); in lecture mode with its panels enlarged.
 */
export function presetQuery(preset: Preset, lecture: boolean): string {
  return (
    toQuery(preset.values) +
    presentationQuery({ preset: preset.id, lecture, show: null, focus: lecture ? preset.focus : [] })
  );
}
