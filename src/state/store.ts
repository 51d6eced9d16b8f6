import { create } from 'zustand';
import {
  DEFAULT_CONFIG,
  PARAMS,
  cleanNumber,
  settleCrossField,
  settleNumber,
  type Fix,
  type LabConfig,
  type ParamKey,
} from '../config/index.ts';

/** A message the user must see and may dismiss: what was changed in their link, and why. */
export interface Notice {
  readonly title: string;
  readonly fixes: readonly Fix[];
}

export interface LabState {
  readonly config: LabConfig;
  readonly notice: Notice | null;
  /**
   * Sets parameters; numbers are made valid by the schema (clamped, whole where required, out of
   * σ_b²'s slider gap), so the store never holds a bad value. Values computed by the interface lose
   * binary residue beyond 15 significant digits; `exact` (a typed value that checkNumber already
   * read and reported on) keeps every digit.
   */
  readonly update: (values: Partial<LabConfig>, options?: { readonly exact?: boolean }) => void;
  /** Replaces the whole configuration, e.g. from a link; a notice lists what was fixed on the way. */
  readonly load: (config: LabConfig, fixes: readonly Fix[]) => void;
  readonly dismissNotice: () => void;
}

function sanitize(values: Partial<LabConfig>, exact: boolean): Partial<LabConfig> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const param = PARAMS[key as ParamKey];
    if (param === undefined) continue;
    if (param.kind === 'number') {
      if (typeof value === 'number' && Number.isFinite(value))
        clean[key] = exact ? settleNumber(param, value) : cleanNumber(param, value);
    } else if (param.choices.some((c) => c.value === value)) {
      clean[key] = value;
    }
  }
  return clean as Partial<LabConfig>;
}

export const useLab = create<LabState>()((set) => ({
  config: DEFAULT_CONFIG,
  notice: null,
  update: (values, options) =>
    set((state) => {
      const { config, fixes } = settleCrossField({
        ...state.config,
        ...sanitize(values, options?.exact ?? false),
      });
      // A control that moved another one (arch=rnn sets data=mnist) says so.
      return fixes.length > 0
        ? { config, notice: { title: 'Another setting was changed to go with this one', fixes } }
        : { config };
    }),
  load: (config, fixes) =>
    set({
      config,
      notice: fixes.length > 0 ? { title: 'Some values in this link were changed', fixes } : null,
    }),
  dismissNotice: () => set({ notice: null }),
}));
