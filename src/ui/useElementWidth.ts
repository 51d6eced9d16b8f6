import { useLayoutEffect, useState, type RefObject } from 'react';

/** Narrowest chart drawn: below it axes and labels would collide (a phone's column is ~330 px). */
const MIN_WIDTH = 160;

/** The content box's width, as the ResizeObserver reports it (without padding). */
function contentWidth(element: HTMLElement): number {
  const style = getComputedStyle(element);
  return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}

/**
 * Width of an element in CSS pixels, following resizes, so charts fill their panel. Measured before
 * the first paint: a chart drawn at the fallback width for a frame would widen a phone's page.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    // An element not laid out (hidden, or a test's DOM) keeps the fallback until it is.
    const now = contentWidth(element);
    if (now > 0) setWidth(Math.max(MIN_WIDTH, Math.floor(now)));
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(MIN_WIDTH, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
