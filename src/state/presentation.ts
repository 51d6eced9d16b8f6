import { create } from 'zustand';
import { DEFAULT_PRESENTATION, type Presentation } from '../config/index.ts';

export interface PresentationState extends Presentation {
  /** The caption step shown in lecture mode (0 = the caption itself); not kept in the link. */
  readonly captionStep: number;
  /** Whether the keyboard-shortcut help overlay is open. */
  readonly help: boolean;
}

/** How the lab is presented (src/config/presentation.ts); src/state/urlSync.ts keeps it in the link. */
export const usePresentation = create<PresentationState>()(() => ({
  ...DEFAULT_PRESENTATION,
  captionStep: 0,
  help: false,
}));
