/**
 * How the lab is presented, as opposed to what it computes: the preset on screen, lecture mode,
 * which controls lecture mode shows, which panels are enlarged. It travels in the link next to the
 * configuration (keys in PRESENTATION_URL_KEYS), so that a lecturer's link opens as it was shown.
 */
import { LAB_PANELS, type PanelId } from './panels.ts';
import { PARAM_KEYS, type ParamKey } from './schema.ts';

export interface Presentation {
  /** The preset last applied (its id), or null; whether the configuration still equals it is derived. */
  readonly preset: string | null;
  readonly lecture: boolean;
  /** The controls lecture mode shows, in schema order; null: its default set (LECTURE_CONTROLS). */
  readonly show: readonly ParamKey[] | null;
  /** Enlarged panels, at most two, in the order chosen; empty: every panel at its usual size. */
  readonly focus: readonly PanelId[];
}

export const DEFAULT_PRESENTATION: Presentation = { preset: null, lecture: false, show: null, focus: [] };

/** What a lecture needs to move: the point on the phase diagram, depth, width and the init. */
export const LECTURE_CONTROLS: readonly ParamKey[] = ['act', 'sw2', 'sb2', 'L', 'N', 'init', 'lr'];

export const MAX_FOCUS = 2;

const PANEL_IDS: readonly string[] = LAB_PANELS.map((panel) => panel.id);

function list(raw: string | null): string[] {
  return raw === null ? [] : raw.split(',').filter((item) => item !== '');
}

/** Reads the presentation keys of a query; what it does not know it drops (never throws). */
export function parsePresentation(search: string, presetIds: readonly string[]): Presentation {
  const query = new URLSearchParams(search);
  const preset = query.get('preset');
  const show = query.has('show') ? PARAM_KEYS.filter((key) => list(query.get('show')).includes(key)) : null;
  const focus = [...new Set(list(query.get('focus')).filter((id) => PANEL_IDS.includes(id)))].slice(
    0,
    MAX_FOCUS,
  ) as PanelId[];
  return {
    preset: preset !== null && presetIds.includes(preset) ? preset : null,
    lecture: query.get('lecture') === '1',
    show,
    focus,
  };
}

/** The presentation keys to append to a configuration's query ('' when all are at their defaults). */
export function presentationQuery(presentation: Presentation): string {
  const parts: string[] = [];
  if (presentation.preset !== null) parts.push(`preset=${encodeURIComponent(presentation.preset)}`);
  if (presentation.lecture) parts.push('lecture=1');
  if (presentation.show !== null) parts.push(`show=${presentation.show.join(',')}`);
  if (presentation.focus.length > 0) parts.push(`focus=${presentation.focus.join(',')}`);
  return parts.map((part) => `&${part}`).join('');
}
