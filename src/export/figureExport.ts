import { useLab } from '../state/store.ts';
import { useSweep } from '../state/sweep.ts';
import { useTraining } from '../state/training.ts';
import { configSummary, wrapText } from './caption.ts';
import { downloadBlob, svgToPng } from './download.ts';
import { FigureBuilder, type PanelFigure } from './figure.ts';
import { exportFileName, sweepExportFileName } from './fileName.ts';
import type { ExportTarget } from './panelData.ts';

const CAPTION_SIZE = 10.5;
const CAPTION_COLOUR = '#4a5563';

/** The link that reproduces what a figure shows: the page's, or for a sweep the sweep's own link. */
function figureLink(target: ExportTarget): string {
  const query = target === 'sweep' ? useSweep.getState().query : null;
  const { origin, pathname, href } = window.location;
  return query ? `${origin}${pathname}${query.startsWith('?') ? query : `?${query}`}` : href;
}

/** Small print: what and when, the configuration in symbols (lab panels), and the link. */
function captionLines(target: ExportTarget, title: string, width: number, fontFamily: string): string[] {
  const context = document.createElement('canvas').getContext('2d');
  if (context) context.font = `${CAPTION_SIZE}px ${fontFamily}`;
  const measure = (s: string) => (context ? context.measureText(s).width : s.length * CAPTION_SIZE * 0.55);
  const date = new Date().toISOString().slice(0, 10);
  const lines: string[] = [];
  if (target === 'sweep') {
    lines.push(`Isometry Lab · ${title} · ${date}`);
  } else {
    const steps = useTraining.getState().stepsDone;
    lines.push(`Isometry Lab · ${title} · after ${steps} training step${steps === 1 ? '' : 's'} · ${date}`);
    lines.push(configSummary(useLab.getState().config));
  }
  const max = width - 20;
  return [
    ...lines.flatMap((line) => wrapText(line, max, measure)),
    ...wrapText(figureLink(target), max, measure),
  ];
}

/** The panel as a standalone SVG figure with its small print. */
export function panelFigure(target: ExportTarget, panel: HTMLElement, title: string): PanelFigure {
  const fontFamily = getComputedStyle(panel).fontFamily;
  const width = panel.getBoundingClientRect().width;
  const heading = panel.querySelector('h2')?.textContent?.trim() || title;
  return new FigureBuilder(panel).build(
    {
      lines: captionLines(target, heading, width, fontFamily),
      fontSize: CAPTION_SIZE,
      colour: CAPTION_COLOUR,
      fontFamily,
    },
    `Isometry Lab: ${heading}`,
  );
}

function figureFileName(target: ExportTarget, kind: 'svg' | 'png'): string {
  if (target !== 'sweep') return exportFileName(target, useLab.getState().config, kind);
  const { result, definition } = useSweep.getState();
  const experiment = result?.experiment ?? definition?.experiment ?? null;
  const over = result?.over ?? definition?.axes.map((a) => a.spec) ?? [];
  return sweepExportFileName(experiment, over, kind).replace(`-points.${kind}`, `.${kind}`);
}

export async function downloadFigure(
  target: ExportTarget,
  panel: HTMLElement,
  title: string,
  kind: 'svg' | 'png',
): Promise<void> {
  const figure = panelFigure(target, panel, title);
  const blob =
    kind === 'svg'
      ? new Blob([figure.svg], { type: 'image/svg+xml' })
      : await svgToPng(figure.svg, figure.width, figure.height, 2);
  downloadBlob(blob, figureFileName(target, kind));
}
