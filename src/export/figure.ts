import { hexOf, parseRgb } from './paint.ts';
import { inlineTree } from './svgStyles.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The largest empty band kept between two things drawn, in CSS px. */
const MAX_GAP = 18;
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/**
 * What a figure leaves out: the controls (the configuration is in the small print instead), the
 * hover prompt, links back into the lab, and anything a panel marks with data-export="skip".
 */
const LEFT_OUT = [
  'button',
  'input',
  'select',
  'textarea',
  '.panel-options',
  '.hover-readout',
  '.panel-actions',
  '.sweep-links',
  '.sweep-file-error',
  '[data-export="skip"]',
].join(', ');

/** The small print below a figure. */
export interface FigureCaption {
  /** Lines already wrapped to the figure's width (see wrapText). */
  readonly lines: readonly string[];
  readonly fontSize: number;
  readonly colour: string;
  readonly fontFamily: string;
}

export interface PanelFigure {
  /** A standalone SVG document. */
  readonly svg: string;
  /** CSS pixels (the PNG is twice this). */
  readonly width: number;
  readonly height: number;
}

/** Font ascent per CSS font, for placing a text baseline inside the box the browser laid it out in. */
const ascents = new Map<string, { ascent: number; descent: number }>();

function fontMetrics(font: string, fontSize: number) {
  let metrics = ascents.get(font);
  if (!metrics) {
    const context = document.createElement('canvas').getContext('2d');
    let ascent = 0.8 * fontSize;
    let descent = 0.2 * fontSize;
    if (context) {
      context.font = font;
      const m = context.measureText('Hg');
      if (m.fontBoundingBoxAscent > 0)
        [ascent, descent] = [m.fontBoundingBoxAscent, m.fontBoundingBoxDescent];
    }
    metrics = { ascent, descent };
    ascents.set(font, metrics);
  }
  return metrics;
}

function cssFont(style: CSSStyleDeclaration): string {
  return `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
}

/** Sets a colour as hex plus opacity; false where there is nothing to draw. */
function setPaint(
  element: SVGElement,
  property: 'fill' | 'stroke',
  colour: string,
  opacity: number,
): boolean {
  const rgba = parseRgb(colour);
  if (!rgba || rgba.a * opacity === 0) return false;
  element.setAttribute(property, hexOf(rgba));
  if (rgba.a * opacity < 1) element.setAttribute(`${property}-opacity`, String(rgba.a * opacity));
  return true;
}

/**
 * Builds a figure from the panel as it is on screen: every chart's SVG cloned with its computed
 * styles inlined and placed where it is; canvas images (heatmaps) embedded as PNG; the HTML around
 * them (title, legends with their swatches, tables, notes) rebuilt as SVG text and boxes at their
 * on-screen positions; and the caption in small print below.
 */
export class FigureBuilder {
  private readonly document = document.implementation.createDocument(SVG_NS, 'svg', null);
  private readonly root = this.document.documentElement as unknown as SVGSVGElement;
  private readonly content = this.element('g', { class: 'panel' });
  private readonly origin: DOMRect;
  /** Every drawn element with the vertical extent of what it draws, for closing up gaps. */
  private readonly items: { node: Element; top: number; bottom: number }[] = [];

  constructor(private readonly panel: HTMLElement) {
    this.origin = panel.getBoundingClientRect();
  }

  private element(name: string, attributes: Record<string, string | number> = {}): SVGElement {
    const element = this.document.createElementNS(SVG_NS, name) as SVGElement;
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    return element;
  }

  /** A box's place in the figure, or null where it lies outside the panel or has no area. */
  private place(rect: DOMRect) {
    const x = rect.left - this.origin.left;
    const y = rect.top - this.origin.top;
    if (rect.width <= 0 || rect.height <= 0) return null;
    if (x >= this.origin.width || y >= this.origin.height || x + rect.width <= 0 || y + rect.height <= 0)
      return null;
    return { x, y, width: rect.width, height: rect.height };
  }

  private add(node: Element, box: { y: number; height: number }): void {
    this.content.append(node);
    this.items.push({ node, top: box.y, bottom: box.y + box.height });
  }

  /**
   * Closes up the empty bands the left-out controls leave (the options row under the title, a
   * slider): every band wider than MAX_GAP with nothing drawn in it shrinks to MAX_GAP. Returns the
   * bottom of what is drawn, after the shift.
   */
  private closeGaps(): number {
    const spans = this.items.map(({ top, bottom }) => [top, bottom] as const).sort((a, b) => a[0] - b[0]);
    const cuts: { at: number; removed: number }[] = [];
    let reach = 0;
    let removed = 0;
    for (const [top, bottom] of spans) {
      if (top - reach > MAX_GAP) {
        removed += top - reach - MAX_GAP;
        cuts.push({ at: top, removed });
      }
      reach = Math.max(reach, bottom);
    }
    const shiftAt = (y: number) => cuts.reduce((shift, cut) => (y >= cut.at ? cut.removed : shift), 0);
    for (const { node, top } of this.items) {
      const shift = shiftAt(top);
      if (shift === 0) continue;
      for (const name of ['y', 'y1', 'y2']) {
        const value = node.getAttribute(name);
        if (value !== null) node.setAttribute(name, String(Number(value) - shift));
      }
    }
    return Math.min(reach, this.origin.height) - removed;
  }

  build(caption: FigureCaption, title: string): PanelFigure {
    this.visit(this.panel, 1);
    const bottom = this.closeGaps();
    const width = Math.round(this.origin.width);
    const pad = 10;
    const lineHeight = Math.round(caption.fontSize * 1.35);
    const captionTop = Math.ceil(bottom) + pad;
    const height = captionTop + caption.lines.length * lineHeight + pad;
    const root = this.root;
    root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:xlink', XLINK_NS);
    for (const [key, value] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}` }))
      root.setAttribute(key, String(value));
    const titleElement = this.element('title');
    titleElement.textContent = title;
    const background = getComputedStyle(this.panel).backgroundColor;
    const backdrop = this.element('rect', { width, height, fill: '#ffffff' });
    setPaint(backdrop, 'fill', background, 1);
    if (backdrop.getAttribute('fill-opacity')) backdrop.setAttribute('fill', '#ffffff');
    backdrop.removeAttribute('fill-opacity');
    const small = this.element('g', {
      class: 'configuration',
      'font-size': caption.fontSize,
      'font-family': caption.fontFamily,
      fill: caption.colour,
    });
    caption.lines.forEach((line, i) => {
      const text = this.element('text', { x: pad, y: captionTop + (i + 0.8) * lineHeight });
      text.textContent = line;
      small.append(text);
    });
    root.append(titleElement, backdrop, this.content, small);
    this.copyReferencedDefinitions();
    const svg = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(this.document)}\n`;
    return { svg, width, height };
  }

  private visit(element: Element, opacity: number): void {
    if (element !== this.panel && element.matches(LEFT_OUT)) return;
    const style = getComputedStyle(element);
    if (style.display === 'none') return;
    const alpha = opacity * Number(style.opacity || '1');
    if (alpha === 0) return;
    const rect = element.getBoundingClientRect();
    // Text kept for screen readers only (1 px, clipped).
    if (style.overflow === 'hidden' && (rect.width <= 1 || rect.height <= 1)) return;
    if (element instanceof SVGSVGElement) return this.addSvg(element, rect, alpha);
    if (element instanceof HTMLCanvasElement) return this.addCanvas(element, rect, style, alpha);
    if (!(element instanceof HTMLElement)) return;
    if (element !== this.panel && style.visibility === 'visible') this.addBox(rect, style, alpha);
    for (const child of element.childNodes) {
      if (child instanceof Text) this.addText(child, style, alpha);
      else if (child instanceof Element) this.visit(child, alpha);
    }
  }

  private addSvg(svg: SVGSVGElement, rect: DOMRect, alpha: number): void {
    const box = this.place(rect);
    if (!box) return;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    inlineTree(svg, clone, null);
    for (const name of ['role', 'aria-label', 'aria-hidden', 'focusable', 'tabindex'])
      clone.removeAttribute(name);
    clone.setAttribute('x', String(box.x));
    clone.setAttribute('y', String(box.y));
    clone.setAttribute('width', String(box.width));
    clone.setAttribute('height', String(box.height));
    if (alpha < 1) clone.setAttribute('opacity', String(alpha));
    this.add(this.document.importNode(clone, true), box);
  }

  private addCanvas(canvas: HTMLCanvasElement, rect: DOMRect, style: CSSStyleDeclaration, alpha: number) {
    const box = this.place(rect);
    if (!box || canvas.width === 0 || canvas.height === 0) return;
    const image = this.element('image', { ...box, preserveAspectRatio: 'none' });
    image.setAttributeNS(XLINK_NS, 'xlink:href', canvas.toDataURL('image/png'));
    if (style.imageRendering === 'pixelated' || style.imageRendering === 'crisp-edges')
      // A presentation attribute, not a style attribute: the page's CSP blocks style attributes
      // (style-src 'self') even on elements it never shows. Viewers draw optimizeSpeed unsmoothed.
      image.setAttribute('image-rendering', 'optimizeSpeed');
    if (alpha < 1) image.setAttribute('opacity', String(alpha));
    this.add(image, box);
  }

  /** Background and borders of an HTML box (legend swatches, table rules, badges). */
  private addBox(rect: DOMRect, style: CSSStyleDeclaration, alpha: number): void {
    const box = this.place(rect);
    if (!box) return;
    const fill = this.element('rect', { ...box });
    const radius = parseFloat(style.borderTopLeftRadius) || 0;
    if (radius > 0) fill.setAttribute('rx', String(Math.min(radius, box.width / 2, box.height / 2)));
    if (setPaint(fill, 'fill', style.backgroundColor, alpha)) this.add(fill, box);
    const sides = [
      ['Top', box.x, box.y, box.x + box.width, box.y],
      ['Bottom', box.x, box.y + box.height, box.x + box.width, box.y + box.height],
      ['Left', box.x, box.y, box.x, box.y + box.height],
      ['Right', box.x + box.width, box.y, box.x + box.width, box.y + box.height],
    ] as const;
    for (const [side, x1, y1, x2, y2] of sides) {
      const width = parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) || 0;
      const lineStyle = style.getPropertyValue(`border-${side.toLowerCase()}-style`);
      if (width <= 0 || lineStyle === 'none' || lineStyle === 'hidden') continue;
      // The border is drawn inside the box: its centre line is half a width in.
      const inset = width / 2;
      const [dx, dy] =
        side === 'Top'
          ? [0, inset]
          : side === 'Bottom'
            ? [0, -inset]
            : side === 'Left'
              ? [inset, 0]
              : [-inset, 0];
      const line = this.element('line', {
        x1: x1 + dx,
        y1: y1 + dy,
        x2: x2 + dx,
        y2: y2 + dy,
        'stroke-width': width,
      });
      if (lineStyle === 'dashed') line.setAttribute('stroke-dasharray', `${3 * width} ${2 * width}`);
      if (lineStyle === 'dotted') line.setAttribute('stroke-dasharray', `${width} ${width}`);
      if (setPaint(line, 'stroke', style.getPropertyValue(`border-${side.toLowerCase()}-color`), alpha))
        this.add(line, { y: Math.min(y1, y2), height: Math.abs(y2 - y1) });
    }
  }

  /** A text node as one SVG text per line it was laid out on, at the line's position and baseline. */
  private addText(node: Text, style: CSSStyleDeclaration, alpha: number): void {
    if (style.visibility !== 'visible' || !node.data.trim()) return;
    const range = document.createRange();
    const fontSize = parseFloat(style.fontSize) || 14;
    const lines: { words: string[]; rect: DOMRect }[] = [];
    for (const match of node.data.matchAll(/\S+/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rect = range.getClientRects()[0];
      if (!rect || rect.width === 0) continue;
      const line = lines[lines.length - 1];
      if (line && Math.abs(rect.top - line.rect.top) < fontSize / 2 && rect.left >= line.rect.left) {
        line.words.push(match[0]);
      } else {
        lines.push({ words: [match[0]], rect });
      }
    }
    const { ascent, descent } = fontMetrics(cssFont(style), fontSize);
    const transform = style.textTransform;
    for (const { words, rect } of lines) {
      const box = this.place(rect);
      if (!box) continue;
      let content = words.join(' ');
      if (transform === 'uppercase') content = content.toUpperCase();
      else if (transform === 'lowercase') content = content.toLowerCase();
      else if (transform === 'capitalize') content = content.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
      const baseline = box.y + (box.height - (ascent + descent)) / 2 + ascent;
      const text = this.element('text', {
        x: box.x,
        y: Math.round(baseline * 100) / 100,
        'font-family': style.fontFamily,
        'font-size': style.fontSize,
      });
      if (style.fontWeight !== '400') text.setAttribute('font-weight', style.fontWeight);
      if (style.fontStyle !== 'normal') text.setAttribute('font-style', style.fontStyle);
      if (style.letterSpacing !== 'normal') text.setAttribute('letter-spacing', style.letterSpacing);
      if (!setPaint(text, 'fill', style.color, alpha)) continue;
      text.textContent = content;
      this.add(text, box);
    }
  }

  /**
   * Patterns, markers, gradients and clip paths a cloned chart refers to but keeps elsewhere on
   * the page (a shared <defs>): copied in, with their styles, so that the file stands alone.
   */
  private copyReferencedDefinitions(): void {
    const defs = this.element('defs');
    const copied = new Set<string>();
    for (let pass = 0; pass < 4; pass++) {
      const wanted = new Set<string>();
      const serialized = new XMLSerializer().serializeToString(this.root);
      for (const m of serialized.matchAll(/url\((?:&quot;|["'])?#([^"')&]+)(?:&quot;|["'])?\)/g))
        wanted.add(m[1]!);
      for (const m of serialized.matchAll(/href="#([^"]+)"/g)) wanted.add(m[1]!);
      let added = false;
      for (const id of wanted) {
        if (copied.has(id) || this.hasId(id)) continue;
        const source = document.getElementById(id);
        if (!source) continue;
        const clone = source.cloneNode(true) as Element;
        inlineTree(source, clone, null);
        defs.append(this.document.importNode(clone, true));
        copied.add(id);
        added = true;
      }
      if (!added) break;
      if (!defs.parentNode) this.root.insertBefore(defs, this.root.firstChild);
    }
  }

  private hasId(id: string): boolean {
    for (const element of this.root.querySelectorAll('[id]')) if (element.id === id) return true;
    return false;
  }
}
