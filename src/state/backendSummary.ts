/**
 * The backend badge's words: which backend trains, how fast each candidate measured, and why.
 * Pure, so the formatting is unit-tested; src/ui/TrainingBar.tsx only lays it out.
 */
import type { BackendMeasurement, BackendName } from '../worker/trainingProtocol.ts';
import type { BackendStatus } from './training.ts';

/** "webgpu (SwiftShader)" for a software GPU, else the backend's name. */
export function backendLabel(backend: BackendName, softwareName: string | null): string {
  return softwareName ? `${backend} (${softwareName})` : backend;
}

/**
 * "14 steps/s", "1.2 steps/s", "0.35 steps/s" (two significant figures at most); for a backend
 * whose steps had not finished when its time was up, "> 1.5 s a step"; null when not timed.
 */
export function formatFigure(measurement: Pick<BackendMeasurement, 'stepMs' | 'capped'>): string | null {
  const { stepMs, capped } = measurement;
  if (stepMs === null || !Number.isFinite(stepMs) || stepMs <= 0) return null;
  if (capped) return `>${Number((stepMs / 1000).toPrecision(2))} s a step`;
  const rate = 1000 / stepMs;
  return `${rate >= 10 ? Math.round(rate) : Number(rate.toPrecision(2))} steps/s`;
}

export interface BadgeText {
  /** The active backend, e.g. "wasm 14 steps/s" or "webgpu (SwiftShader)". */
  readonly main: string;
  /** The other candidates' figures, e.g. "webgpu (SwiftShader) 1.2 · webgl 0.9", or the adapter. */
  readonly detail: string;
  /** "(measured earlier)", "(fell back: webgpu unavailable)", "(webgpu left out after a failure)" or "". */
  readonly note: string;
}

/** "(webgpu left out after a failure)" when backends failed earlier on this page, else "". */
function excludedNote(status: BackendStatus): string {
  const excluded = status.excluded ?? [];
  return excluded.length > 0 ? `(${excluded.join(', ')} left out after a failure)` : '';
}

function joinNotes(...notes: string[]): string {
  return notes.filter((n) => n !== '').join(' ');
}

/** The badge in three parts of decreasing weight. */
export function badgeText(status: BackendStatus): BadgeText {
  const activeLabel = backendLabel(status.active, status.softwareName);
  const measured = status.measurements.filter((m) => formatFigure(m) !== null);
  if (measured.length > 0 && (status.selection === 'measured' || status.selection === 'cached')) {
    const own = status.measurements.find((m) => m.backend === status.active);
    const ownRate = own && formatFigure(own);
    const others = measured
      .filter((m) => m.backend !== status.active)
      .map((m) => `${backendLabel(m.backend, m.softwareName)} ${formatFigure(m)}`);
    return {
      main: ownRate ? `${activeLabel} ${ownRate}` : activeLabel,
      detail: others.join(' · '),
      note: joinNotes(status.selection === 'cached' ? '(measured earlier)' : '', excludedNote(status)),
    };
  }
  const fallbacks = status.attempts.filter((a) => !a.ok).map((a) => a.backend);
  const software = status.measurements
    .filter((m) => m.software && m.stepMs === null)
    .map((m) => backendLabel(m.backend, m.softwareName));
  return {
    main: activeLabel,
    detail:
      software.length > 0 ? `${status.adapter} · ${software.join(', ')}: software, not used` : status.adapter,
    note: joinNotes(
      fallbacks.length > 0 ? `(fell back: ${fallbacks.join(', ')} unavailable)` : '',
      excludedNote(status),
    ),
  };
}

const SELECTION_WORDS = {
  forced: 'Forced by backend= in the link (not measured).',
  only: 'The only backend that passed the check step; software GPUs are not tried where wasm works.',
  measured:
    'Chosen by timing one training step of this configuration on each backend that passed the check step',
  cached:
    'Chosen by timing one training step on each backend, measured earlier on this device for networks of this size',
  preference: 'No backend could be timed; chosen by the order webgpu, webgl, wasm (software GPUs last).',
} as const;

/** The hover text: adapter, how it was chosen, every figure, what failed and why. */
export function badgeTitle(status: BackendStatus): string {
  const lines = [`${backendLabel(status.active, status.softwareName)} · ${status.adapter}`];
  const how = SELECTION_WORDS[status.selection];
  lines.push(status.selection === 'measured' ? `${how} (${(status.selectionMs / 1000).toFixed(1)} s):` : how);
  for (const m of status.measurements) {
    const figure = formatFigure(m);
    const detail =
      figure === null
        ? (m.note ?? 'not timed')
        : m.capped
          ? `its first two steps (kernels compiled in the first) took over ${Math.round(m.stepMs!)} ms; not waited for`
          : `${Math.round(m.stepMs!)} ms a step, ${figure}`;
    const software = m.software && figure !== null ? ' — a software GPU, never preferred over wasm' : '';
    lines.push(`  ${backendLabel(m.backend, m.softwareName)}: ${detail}${software}`);
  }
  const checks = status.attempts.filter((a) => a.ms !== undefined);
  if (checks.length > 0)
    lines.push(
      `Check steps: ${checks.map((a) => `${a.backend} ${a.ms} ms${a.ok ? '' : ' (failed)'}`).join(', ')}`,
    );
  const failed = status.attempts.filter((a) => !a.ok);
  if (failed.length > 0) lines.push('Not used:', ...failed.map((a) => `  ${a.backend}: ${a.reason}`));
  const excluded = status.excluded ?? [];
  if (excluded.length > 0)
    lines.push(`Left out until the page is reloaded: ${excluded.join(', ')} (failed earlier on this page)`);
  lines.push(`cross-origin isolated: ${status.crossOriginIsolated ? 'yes' : 'no'}`);
  return lines.join('\n');
}
