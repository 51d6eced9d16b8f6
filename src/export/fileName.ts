import type { LabConfig } from '../config/index.ts';

/** What a download is: a panel's figure or data, a sweep's points. */
export type ExportKind = 'svg' | 'png' | 'csv' | 'json';

/**
 * A file name that says what the file is, e.g. isometry-lab-spectrum-tanh-L50.svg: the panel, the
 * activation and the depth (what tells two figures of a lecture apart).
 */
export function exportFileName(what: string, config: Pick<LabConfig, 'act' | 'L'>, kind: ExportKind): string {
  return `isometry-lab-${safe(what)}-${safe(config.act)}-L${config.L}.${kind}`;
}

/** A sweep's files: its experiment's id, or the swept keys (as the Save result file is named). */
export function sweepExportFileName(experiment: string | null, over: readonly string[], kind: ExportKind) {
  const what = experiment ?? (over.map((spec) => spec.split('=')[0]).join('-') || 'runs');
  return `isometry-lab-sweep-${safe(what)}-points.${kind}`;
}

function safe(text: string): string {
  return text.replace(/[^\w-]+/g, '_');
}
