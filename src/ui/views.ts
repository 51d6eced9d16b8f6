/** The page's views and the link keys that choose them (pure: src/ui/route.ts does the switching). */
import { VIEW_URL_KEY } from '../config/index.ts';
import { isSweepQuery } from '../sweep/definition.ts';

export type ViewName = 'lab' | 'sweep' | 'experiments' | 'gallery';

/** The link key of the views other than the lab (a sweep link needs none: `over` says it). */
export const VIEW_KEY = VIEW_URL_KEY;

export const EXPERIMENTS_QUERY = `?${VIEW_KEY}=experiments`;
export const SWEEP_VIEW_QUERY = `?${VIEW_KEY}=sweep`;
export const GALLERY_QUERY = `?${VIEW_KEY}=gallery`;

export function viewOf(search: string): ViewName {
  const view = new URLSearchParams(search).get(VIEW_KEY);
  if (view === 'experiments') return 'experiments';
  if (view === 'gallery') return 'gallery';
  if (view === 'sweep' || isSweepQuery(search)) return 'sweep';
  return 'lab';
}
