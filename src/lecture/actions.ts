/**
 * What the shortcuts and the lecture buttons do to the lab: the same functions behind a key and
 * behind its button, so that both always agree.
 */
import type { PanelId } from '../config/panels.ts';
import { presetStatus, stepPreset } from '../state/presetActions.ts';
import { usePresentation } from '../state/presentation.ts';
import { trainingControls } from '../state/trainingClient.ts';
import { useTraining } from '../state/training.ts';
import { nextCaptionStep } from './captions.ts';
import { nextFocus } from './focus.ts';
import type { ShortcutAction } from './shortcuts.ts';

/**
 * Lecture mode on or off. On, with a preset shown and nothing enlarged, the preset's panels are
 * enlarged (as applying it in lecture mode does); off, every panel returns to its usual size.
 */
export function setLecture(lecture: boolean): void {
  const status = presetStatus();
  const { focus } = usePresentation.getState();
  usePresentation.setState({
    lecture,
    focus: lecture ? (focus.length === 0 && status ? status.preset.focus : focus) : [],
  });
}

export function choosePanel(panel: PanelId, add: boolean): void {
  usePresentation.setState({ focus: nextFocus(usePresentation.getState().focus, panel, add) });
}

export function restorePanels(): void {
  usePresentation.setState({ focus: [] });
}

export function stepCaption(direction: 1 | -1): void {
  const status = presetStatus();
  if (!status) return;
  usePresentation.setState({
    captionStep: nextCaptionStep(usePresentation.getState().captionStep, direction, status.preset),
  });
}

/** Full screen of the whole page, or back; a refusal (no user gesture, an iframe) changes nothing. */
export function toggleFullscreen(): void {
  const request = document.fullscreenElement
    ? document.exitFullscreen()
    : document.documentElement.requestFullscreen();
  request.catch(() => undefined);
}

/** Start or pause, as the Start/Pause button would (nothing while it is disabled). */
function toggleRun(): void {
  const state = useTraining.getState().state;
  if (state === 'running') trainingControls.pause();
  else if (state === 'ready' || state === 'paused') trainingControls.start();
}

export function runShortcut(action: ShortcutAction): void {
  switch (action.type) {
    case 'toggle-run':
      toggleRun();
      return;
    case 'step': {
      const state = useTraining.getState().state;
      if (state === 'ready' || state === 'paused') trainingControls.step();
      return;
    }
    case 'reset':
      if (useTraining.getState().state !== 'starting') trainingControls.reset();
      return;
    case 'preset':
      stepPreset(action.direction);
      return;
    case 'caption':
      stepCaption(action.direction);
      return;
    case 'focus':
      choosePanel(action.panel, action.add);
      return;
    case 'restore':
      restorePanels();
      return;
    case 'fullscreen':
      toggleFullscreen();
      return;
    case 'lecture':
      setLecture(!usePresentation.getState().lecture);
      return;
    case 'help':
      usePresentation.setState((state) => ({ help: !state.help }));
      return;
  }
}
