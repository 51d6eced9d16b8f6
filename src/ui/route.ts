/**
 * Which view the page shows, from its link: the lab (any configuration link), a sweep (a link
 * with `over`, `measure` or `exp`, or `view=sweep`) or the Experiments view (`view=experiments`).
 * Each view owns the address bar while it is shown: the lab keeps its configuration there
 * (src/state/urlSync.ts, started only while the lab is shown, so that it never rewrites a sweep
 * link), a sweep its canonical link, the Experiments view `?view=experiments`.
 */
import type { MouseEvent } from 'react';
import { create } from 'zustand';
import { parseSweepQuery, isSweepQuery, sweepQuery } from '../sweep/definition.ts';
import { viewOf, type ViewName } from './views.ts';
import { INITIAL_SWEEP_VIEW, useSweep } from '../state/sweep.ts';
import { startSweep } from '../state/sweepClient.ts';
import { startTrainingClient } from '../state/trainingClient.ts';
import { startUrlSync } from '../state/urlSync.ts';

export {
  EXPERIMENTS_QUERY,
  GALLERY_QUERY,
  SWEEP_VIEW_QUERY,
  VIEW_KEY,
  viewOf,
  type ViewName,
} from './views.ts';

export const useView = create<{ readonly view: ViewName }>()(() => ({ view: 'lab' }));

let stopUrlSync: (() => void) | null = null;
let trainingStarted = false;

/** Shows the view of the current link, and follows Back and Forward. Call once, before rendering. */
export function startRouting(): void {
  // Registered before the lab's URL sync, so that on Back to a sweep link this runs first and stops it.
  window.addEventListener('popstate', applyLocation);
  applyLocation();
}

/** Goes to another view or sweep link, as a new history entry. */
export function navigate(search: string): void {
  const url = `${window.location.pathname}${search}${window.location.hash}`;
  window.history.pushState(null, '', url);
  applyLocation();
}

/**
 * The click handler of a link to a view or a sweep: a plain click switches in place, one with a
 * modifier (new tab, new window) is left to the browser.
 */
export function followLink(href: string): (event: MouseEvent<HTMLAnchorElement>) => void {
  return (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (href !== window.location.search) navigate(href);
  };
}

function applyLocation(): void {
  const search = window.location.search;
  const view = viewOf(search);
  if (view === 'lab') {
    stopUrlSync ??= startUrlSync();
    if (!trainingStarted) {
      // Live training starts with the lab: a sweep or the Experiments view opened from a link does
      // not share the cores with it.
      trainingStarted = true;
      startTrainingClient();
    }
  } else {
    stopUrlSync?.();
    stopUrlSync = null;
  }
  if (view === 'sweep') openSweepLink(search);
  useView.setState({ view });
}

/**
 * A sweep link runs its sweep, unless that very sweep is what the panel shows already (coming back
 * to it from another view); an opened file's or a kept result's link reruns it.
 */
function openSweepLink(search: string): void {
  if (!isSweepQuery(search)) return;
  let parsed;
  try {
    parsed = parseSweepQuery(search);
  } catch (error) {
    useSweep.setState((view) => ({
      ...INITIAL_SWEEP_VIEW,
      id: view.id + 1,
      phase: 'failed',
      error: `This sweep link cannot run: ${error instanceof Error ? error.message : String(error)}`,
    }));
    return;
  }
  const query = sweepQuery(parsed.definition);
  if (query !== search)
    window.history.replaceState(null, '', `${window.location.pathname}${query}${window.location.hash}`);
  const shown = useSweep.getState();
  if (shown.query === query && shown.origin === 'computed') return;
  startSweep(parsed.definition, parsed.fixes);
}
