import { parseQuery } from '../../config/index.ts';
import { isSweepQuery, parseSweepQuery } from '../../sweep/definition.ts';
import { LAB_VERSION } from '../../sweep/labVersion.ts';
import type { ProgramSpec } from './program.ts';

/**
 * What a link exports as: its sweep when it carries one (over=, measure=, exp=), else its
 * configuration's runs. Throws SweepDefinitionError for a sweep the lab cannot run as written.
 */
export function programSpecOf(
  query: string,
  where: { readonly dataDir: string | null; readonly dataUrl: string | null },
  exportedAt: Date = new Date(),
): ProgramSpec {
  const sweep = isSweepQuery(query) ? parseSweepQuery(query).definition : null;
  return {
    config: sweep ? sweep.base : parseQuery(query).config,
    sweep,
    labVersion: LAB_VERSION,
    exportedAt: exportedAt.toISOString(),
    ...where,
  };
}
