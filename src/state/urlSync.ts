import { parseQuery, toQuery, type LabConfig } from '../config/index.ts';
import { useLab } from './store.ts';

/** Long enough that a slider drag writes the URL once it settles, short enough to feel immediate. */
const WRITE_DELAY_MS = 150;

let pendingWrite: ReturnType<typeof setTimeout> | undefined;

/**
 * Keeps the address bar and the store in step: the state is always in the URL (replaceState, so
 * no history spam), a link restores it, and back/forward restore the entries that presets push.
 */
export function startUrlSync(): () => void {
  const readLocation = () => {
    clearTimeout(pendingWrite);
    const { config, fixes } = parseQuery(window.location.search);
    useLab.getState().load(config, fixes);
    writeUrl('replace');
  };
  readLocation();

  const unsubscribe = useLab.subscribe((state, previous) => {
    if (state.config === previous.config) return;
    clearTimeout(pendingWrite);
    pendingWrite = setTimeout(() => writeUrl('replace'), WRITE_DELAY_MS);
  });
  window.addEventListener('popstate', readLocation);
  return () => {
    clearTimeout(pendingWrite);
    unsubscribe();
    window.removeEventListener('popstate', readLocation);
  };
}

/**
 * Applies a deliberate jump (a preset) as a new history entry, so that Back returns to the
 * configuration the user had, which is written out first.
 */
export function jumpTo(values: Partial<LabConfig>): void {
  clearTimeout(pendingWrite);
  writeUrl('replace');
  useLab.getState().update(values);
  clearTimeout(pendingWrite);
  writeUrl('push');
}

function writeUrl(mode: 'replace' | 'push'): void {
  const query = toQuery(useLab.getState().config);
  if (query === window.location.search) return;
  const url = `${window.location.pathname}${query}${window.location.hash}`;
  if (mode === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
