import {
  PRESETS,
  parsePresentation,
  parseQuery,
  presentationQuery,
  toQuery,
  type LabConfig,
} from '../config/index.ts';
import { usePresentation, type PresentationState } from './presentation.ts';
import { useLab } from './store.ts';

const PRESET_IDS = PRESETS.map((preset) => preset.id);

/** Long enough that a slider drag writes the URL once it settles, short enough to feel immediate. */
const WRITE_DELAY_MS = 150;

let pendingWrite: ReturnType<typeof setTimeout> | undefined;
/** Set while jumpTo applies a jump, so that the change is pushed as one entry, not replaced into this one. */
let jumping = false;

/**
 * Keeps the address bar and the store in step: the state is always in the URL (replaceState, so
 * no history spam), a link restores it, and back/forward restore the entries that presets push.
 */
export function startUrlSync(): () => void {
  const readLocation = () => {
    clearTimeout(pendingWrite);
    const { config, fixes } = parseQuery(window.location.search);
    useLab.getState().load(config, fixes);
    usePresentation.setState(parsePresentation(window.location.search, PRESET_IDS));
    writeUrl('replace');
  };
  readLocation();

  const unsubscribe = useLab.subscribe((state, previous) => {
    if (state.config === previous.config) return;
    clearTimeout(pendingWrite);
    pendingWrite = setTimeout(() => writeUrl('replace'), WRITE_DELAY_MS);
  });
  const unsubscribePresentation = usePresentation.subscribe((state, previous) => {
    if (jumping || !presentationChanged(state, previous)) return;
    clearTimeout(pendingWrite);
    writeUrl('replace');
  });
  window.addEventListener('popstate', readLocation);
  return () => {
    clearTimeout(pendingWrite);
    unsubscribe();
    unsubscribePresentation();
    window.removeEventListener('popstate', readLocation);
  };
}

/** Whether what the link says about the presentation changed (caption step and help are not in it). */
function presentationChanged(state: PresentationState, previous: PresentationState): boolean {
  return presentationQuery(state) !== presentationQuery(previous);
}

/**
 * Applies a deliberate jump (a preset) as a new history entry, so that Back returns to the
 * configuration the user had, which is written out first.
 */
export function jumpTo(values: Partial<LabConfig>, presentation?: Partial<PresentationState>): void {
  clearTimeout(pendingWrite);
  writeUrl('replace');
  jumping = true;
  try {
    useLab.getState().update(values);
    if (presentation) usePresentation.setState(presentation);
  } finally {
    jumping = false;
  }
  clearTimeout(pendingWrite);
  writeUrl('push');
}

function writeUrl(mode: 'replace' | 'push'): void {
  const query = toQuery(useLab.getState().config) + presentationQuery(usePresentation.getState());
  if (query === window.location.search) return;
  const url = `${window.location.pathname}${query}${window.location.hash}`;
  if (mode === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
