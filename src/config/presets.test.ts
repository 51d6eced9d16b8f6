import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { splitTex } from '../ui/texSplit.ts';
import { LAB_PANELS } from './panels.ts';
import { presetQuery } from './presetLink.ts';
import { PRESETS, presetById } from './presets.ts';
import { MAX_FOCUS, parsePresentation, presentationQuery } from './presentation.ts';
import { PARAM_KEYS, PARAMS, type LabConfig } from './schema.ts';
import { parseQuery, toQuery } from './url.ts';
import { checkParam, formatValue, settleCrossField } from './validate.ts';

const PRESET_IDS = PRESETS.map((preset) => preset.id);

describe('presets', () => {
  it('are complete states: every parameter, each valid as written, no cross-field fix', () => {
    for (const preset of PRESETS) {
      expect(Object.keys(preset.values).sort(), preset.id).toEqual([...PARAM_KEYS].sort());
      for (const key of PARAM_KEYS) {
        const checked = checkParam(key, formatValue(PARAMS[key], preset.values[key]));
        expect(checked.fix, `${preset.id}.${key}`).toBeUndefined();
      }
      expect(settleCrossField(preset.values).fixes, preset.id).toEqual([]);
    }
  });

  it('have unique ids, a two-sentence caption, a source, and one or two existing panels to enlarge', () => {
    expect(new Set(PRESET_IDS).size).toBe(PRESETS.length);
    const panelIds: readonly string[] = LAB_PANELS.map((panel) => panel.id);
    for (const preset of PRESETS) {
      // Sentences end in '.' followed by a space or the end (decimal points and "e.g." aside).
      const sentences = preset.caption
        .replace(/\$[^$]*\$/g, 'x')
        .split(/\.(?:\s|$)/)
        .filter((s) => s.trim());
      expect(sentences.length, preset.id).toBe(2);
      expect(preset.paper.length).toBeGreaterThan(10);
      expect(preset.figure.length).toBeGreaterThan(0);
      expect(preset.whatPaperUsed.length).toBeGreaterThan(10);
      expect(preset.focus.length).toBeGreaterThanOrEqual(1);
      expect(preset.focus.length).toBeLessThanOrEqual(MAX_FOCUS);
      for (const id of preset.focus) expect(panelIds, preset.id).toContain(id);
      expect(presetById(preset.id)).toBe(preset);
    }
  });

  it('typeset: every formula in every caption and step is TeX that KaTeX reads', () => {
    for (const preset of PRESETS) {
      for (const text of [preset.caption, ...preset.steps]) {
        const formulas = splitTex(text).filter((run) => run.tex);
        for (const formula of formulas)
          expect(
            () => katex.renderToString(formula.body, { throwOnError: true }),
            formula.body,
          ).not.toThrow();
      }
    }
    expect(PRESETS.some((preset) => splitTex(preset.caption).some((run) => run.tex))).toBe(true);
  });

  it('open from their link to exactly their state, whatever the link held before', () => {
    for (const preset of PRESETS) {
      for (const lecture of [false, true]) {
        const query = presetQuery(preset, lecture);
        const parsed = parseQuery(query);
        expect(parsed.fixes, preset.id).toEqual([]);
        expect(parsed.config).toEqual(preset.values);
        expect(parsePresentation(query, PRESET_IDS)).toEqual({
          preset: preset.id,
          lecture,
          show: null,
          focus: lecture ? preset.focus : [],
        });
      }
    }
  });

  it('differ from one another', () => {
    const links = new Set(PRESETS.map((preset) => toQuery(preset.values)));
    expect(links.size).toBe(PRESETS.length);
  });
});

describe('presentation keys in a link', () => {
  it('drop what they do not know: unknown presets and panels, a third panel, unknown controls', () => {
    const parsed = parsePresentation(
      '?preset=nope&lecture=yes&show=L,zz,act&focus=ntk,bogus,ntk,phase,spectrum',
      PRESET_IDS,
    );
    // Controls come back in schema order, panels in the order chosen.
    expect(parsed).toEqual({ preset: null, lecture: false, show: ['act', 'L'], focus: ['ntk', 'phase'] });
    expect(parsePresentation('', PRESET_IDS)).toEqual({
      preset: null,
      lecture: false,
      show: null,
      focus: [],
    });
    expect(parsePresentation('?show=', PRESET_IDS).show).toEqual([]);
  });

  it('round-trip, and write nothing at their defaults', () => {
    const shown = {
      preset: 'deep-linear',
      lecture: true,
      show: ['act', 'sw2'] as const,
      focus: ['spectrum'] as const,
    };
    expect(parsePresentation(presentationQuery(shown), PRESET_IDS)).toEqual(shown);
    expect(presentationQuery({ preset: null, lecture: false, show: null, focus: [] })).toBe('');
  });

  it('are not configuration: parseQuery passes over them without a notice', () => {
    const config: LabConfig = parseQuery('?L=7&preset=x&lecture=1&show=act&focus=ntk').config;
    expect(config.L).toBe(7);
    expect(parseQuery('?preset=x&lecture=1&show=act&focus=ntk').fixes).toEqual([]);
  });
});
