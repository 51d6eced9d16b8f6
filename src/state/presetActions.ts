import { PRESETS, presetById, toQuery, type LabConfig, type Preset } from '../config/index.ts';
import { usePresentation } from './presentation.ts';
import { useLab } from './store.ts';
import { jumpTo } from './urlSync.ts';

export interface PresetStatus {
  readonly preset: Preset;
  /** The configuration has moved away from the preset's since it was applied. */
  readonly modified: boolean;
}

/** Each preset's link, written once: a slider drag compares against it at every step. */
const PRESET_LINKS = new Map(PRESETS.map((preset) => [preset.id, toQuery(preset.values)]));

/** The preset on screen and whether the configuration still equals it (null: none applied). */
export function statusOf(presetId: string | null, config: LabConfig): PresetStatus | null {
  const preset = presetId === null ? undefined : presetById(presetId);
  if (preset === undefined) return null;
  // Two configurations are equal when their links are: numbers compare as the link writes them.
  return { preset, modified: toQuery(config) !== PRESET_LINKS.get(preset.id) };
}

export function presetStatus(): PresetStatus | null {
  return statusOf(usePresentation.getState().preset, useLab.getState().config);
}

/**
 * The preset on screen and whether it is modified. It subscribes to that one flag, not to the
 * configuration, so the preset menu and caption bar redraw when "modified" flips, not at every
 * step of a slider drag.
 */
export function usePresetStatus(): PresetStatus | null {
  const presetId = usePresentation((s) => s.preset);
  const modified = useLab((s) => statusOf(presetId, s.config)?.modified ?? false);
  const preset = presetId === null ? undefined : presetById(presetId);
  return preset === undefined ? null : { preset, modified };
}

/**
 * Shows a preset: its whole configuration (view options included, so that it always looks the same)
 * as a new history entry, its caption from the start, and in lecture mode the panels that make its
 * point. The caller is on the lab view (src/ui/route.ts switches views).
 */
export function applyPreset(id: string): void {
  const preset = presetById(id);
  if (preset === undefined) throw new Error(`no preset "${id}"`);
  const lecture = usePresentation.getState().lecture;
  jumpTo(preset.values, {
    preset: preset.id,
    captionStep: 0,
    ...(lecture ? { focus: preset.focus } : {}),
  });
}

/** The next (1) or previous (−1) preset in gallery order, wrapping; from none, the first or last. */
export function neighbourPresetId(current: string | null, direction: 1 | -1): string {
  const index = PRESETS.findIndex((preset) => preset.id === current);
  const count = PRESETS.length;
  const next = index < 0 ? (direction === 1 ? 0 : count - 1) : (index + direction + count) % count;
  const preset = PRESETS[next];
  if (preset === undefined) throw new Error('there are no presets');
  return preset.id;
}

export function stepPreset(direction: 1 | -1): void {
  applyPreset(neighbourPresetId(usePresentation.getState().preset, direction));
}
