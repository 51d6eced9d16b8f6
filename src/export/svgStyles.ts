import { brighten, brightnessOf, hexOf, parseRgb } from './paint.ts';

/**
 * Inlines the computed style of every element of an SVG subtree into its clone, so that the clone
 * draws the same without the page's style sheets (CSS variables are resolved by then).
 */

/** Properties SVG inherits: written where they differ from the parent's, all of them at the top. */
const INHERITED = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'paint-order',
  'shape-rendering',
  'visibility',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'marker-start',
  'marker-mid',
  'marker-end',
] as const;

/** Properties that are not inherited, with their initial values: written where they differ. */
const NOT_INHERITED: readonly (readonly [string, string])[] = [
  ['opacity', '1'],
  ['filter', 'none'],
  ['clip-path', 'none'],
  ['mask', 'none'],
];

/**
 * The styles of one element, each property an SVG presentation attribute (every property above is
 * one), written as attributes: the page's CSP blocks style attributes (style-src 'self'), even on
 * the detached clones a figure is built from, and a standalone figure has no style sheet that
 * presentation attributes would lose to. `parent` is the computed style its clone inherits from in
 * the figure (null at the top, where everything inherited is written). Colours are written as hex
 * plus fill-/stroke-opacity, which viewers that predate rgba() also read.
 */
export function inlineStyle(
  style: CSSStyleDeclaration,
  parent: CSSStyleDeclaration | null,
  isLeaf: boolean,
): Map<string, string> {
  // A leaf's brightness() filter is folded into its colours: CSS filters are a browser's only.
  const brightness = isLeaf ? brightnessOf(style.getPropertyValue('filter')) : null;
  const declarations = new Map<string, string>();
  const alphas = new Map<string, number>();
  for (const property of INHERITED) {
    const value = style.getPropertyValue(property);
    if (!value) continue;
    const isPaint = property === 'fill' || property === 'stroke';
    const recoloured = isPaint && brightness !== null;
    if (parent && !recoloured && parent.getPropertyValue(property) === value) continue;
    const colour = isPaint ? parseRgb(value) : null;
    if (colour) {
      const drawn = brightness === null ? colour : brighten(colour, brightness);
      declarations.set(property, hexOf(drawn));
      if (drawn.a < 1) alphas.set(property, drawn.a);
    } else {
      declarations.set(property, value);
    }
  }
  // An rgba() colour's alpha multiplies the element's own fill-/stroke-opacity.
  for (const [property, alpha] of alphas) {
    const own = Number(style.getPropertyValue(`${property}-opacity`) || '1');
    declarations.set(`${property}-opacity`, String(own * alpha));
  }
  for (const [property, initial] of NOT_INHERITED) {
    const value = style.getPropertyValue(property);
    if (!value || value === initial || (property === 'filter' && brightness !== null)) continue;
    declarations.set(property, value);
  }
  return declarations;
}

/** Copies computed styles from `source` onto its clone `target`, element for element. */
export function inlineTree(source: Element, target: Element, parent: CSSStyleDeclaration | null): void {
  const style = getComputedStyle(source);
  if (style.display === 'none') {
    target.remove();
    return;
  }
  target.removeAttribute('style');
  for (const [property, value] of inlineStyle(style, parent, source.children.length === 0))
    target.setAttribute(property, value);
  const sourceChildren = Array.from(source.children);
  const targetChildren = Array.from(target.children);
  sourceChildren.forEach((child, i) => inlineTree(child, targetChildren[i]!, style));
}
