import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARAM_KEYS, PARAMS, PRESETS, formatValue, presetQuery } from './index.ts';

/** The README's link table is what users read; it must say what the schema does. */
describe('README parameter table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  // Cells split on unescaped pipes, trimmed, so that table padding does not matter.
  // Only the table under "Sharing a link": other tables (the benchmark's) have code cells too.
  const section = readme.slice(
    readme.indexOf('## Sharing a link'),
    readme.indexOf('\n## ', readme.indexOf('## Sharing a link') + 1),
  );
  const rows = new Map(
    section
      .split('\n')
      .filter((line) => /^\|\s*`[^`]+`\s*\|/.test(line))
      .map((line) => {
        const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll('\\|', '|'));
        return [cells[1]!.replaceAll('`', ''), cells.slice(1, -1)] as const;
      }),
  );

  it('has one row per parameter, with its label and default', () => {
    expect([...rows.keys()].sort()).toEqual(PARAM_KEYS.map((k) => PARAMS[k].urlKey).sort());
    for (const key of PARAM_KEYS) {
      const param = PARAMS[key];
      const [, label, values, defaultCell] = rows.get(param.urlKey)!;
      expect(label, param.urlKey).toBe(param.label);
      expect(defaultCell, param.urlKey).toBe(`\`${formatValue(param, param.default)}\``);
      if (param.kind === 'choice') {
        expect(values).toBe(param.choices.map((c) => c.value).join(' | '));
      } else {
        expect(values).toContain(`${formatValue(param, param.min)} … ${formatValue(param, param.max)}`);
      }
    }
  });
});

describe('README gallery', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('links every preset, in gallery order, with the link that opens it in lecture mode', () => {
    let from = 0;
    for (const preset of PRESETS) {
      const at = readme.indexOf(
        `[${preset.title}](http://localhost:4173/${presetQuery(preset, true)})`,
        from,
      );
      expect(at, preset.id).toBeGreaterThan(from);
      from = at;
    }
  });
});
