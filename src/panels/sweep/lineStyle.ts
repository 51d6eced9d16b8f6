/**
 * How a sweep's lines are told apart. The init never by colour alone: Gaussian solid with filled
 * circles, orthogonal dotted with open squares (the paper's convention, Huang et al. Fig. 3). Colour
 * tells the values of a second swept parameter apart, which are also named in the legend.
 */
import type { InitKind } from '../../engine/init.ts';

/** The lab's init colours (as on the training panel), used when nothing else needs colour. */
export const INIT_COLOUR: Record<InitKind, string> = { gaussian: '#d95f02', orthogonal: '#1b9e77' };

export const INIT_NAME: Record<InitKind, string> = { gaussian: 'Gaussian', orthogonal: 'orthogonal' };

/** Dark to light along a second axis (depths, widths): ordered, and apart in lightness too. */
const SEQUENCE = ['#08306b', '#2171b5', '#41ab5d', '#e6a100', '#d7301f', '#7a0177', '#525252'];

export function sequenceColour(index: number): string {
  return SEQUENCE[index % SEQUENCE.length]!;
}

/** The stroke dash of an init's line: none for Gaussian, dots for orthogonal. */
export const INIT_DASH: Record<InitKind, string | undefined> = { gaussian: undefined, orthogonal: '1.5 3.5' };

/**
 * SVG path of an init's marker centred at 0,0: a filled circle (Gaussian) larger than the open
 * square (orthogonal), so that where the two coincide (the lazy regime) both stay visible.
 */
export function markerPath(init: InitKind): string {
  if (init === 'orthogonal') {
    const r = 2.9;
    return `M${-r},${-r}h${2 * r}v${2 * r}h${-2 * r}Z`;
  }
  const r = 4.6;
  return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
}

/** Filled (Gaussian) or open (orthogonal) marker, so the two read apart in grey too. */
export function markerFill(init: InitKind, colour: string): string {
  return init === 'orthogonal' ? 'white' : colour;
}
