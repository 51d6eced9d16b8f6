/**
 * A preset's caption in lecture mode: step 0 is its caption (what to look at), steps 1…n its
 * `steps`, one point each. Pure, so that the stepping is tested on its own.
 */
import type { Preset } from '../config/presets.ts';

/** How many texts the caption bar steps through: the caption and each step. */
export function captionCount(preset: Preset): number {
  return 1 + preset.steps.length;
}

/** The step after moving by `direction`, held at the first and the last (no wrap: a lecture goes forward). */
export function nextCaptionStep(step: number, direction: 1 | -1, preset: Preset): number {
  return Math.min(captionCount(preset) - 1, Math.max(0, step + direction));
}

/** The text shown at a step (a step beyond the last, from an edited preset, shows the last). */
export function captionText(preset: Preset, step: number): string {
  if (step <= 0) return preset.caption;
  return preset.steps[Math.min(step, preset.steps.length) - 1] ?? preset.caption;
}
