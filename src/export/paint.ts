/**
 * Colours as computed styles give them ("rgb(27, 36, 48)", "rgba(0, 0, 0, 0.55)"), written for SVG
 * viewers that read neither rgba() nor CSS filters: an opaque colour plus an opacity.
 */
export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

/** null for anything but rgb()/rgba() (none, url(#pattern), currentcolor). */
export function parseRgb(text: string): Rgba | null {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(
    text.trim(),
  );
  if (!m) return null;
  const alpha = m[4] === undefined ? 1 : Number(m[4]) / (m[5] ? 100 : 1);
  return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: alpha };
}

export function hexOf({ r, g, b }: Rgba): string {
  return `#${[r, g, b]
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The colour a CSS `filter: brightness(k)` draws (each channel times k, clipped), alpha kept. */
export function brighten(colour: Rgba, k: number): Rgba {
  return { r: colour.r * k, g: colour.g * k, b: colour.b * k, a: colour.a };
}

/** The factor of a filter that is exactly one brightness(), else null (drawn as CSS then). */
export function brightnessOf(filter: string): number | null {
  const m = /^brightness\(\s*([\d.]+)(%?)\s*\)$/.exec(filter.trim());
  return m ? Number(m[1]) / (m[2] ? 100 : 1) : null;
}
