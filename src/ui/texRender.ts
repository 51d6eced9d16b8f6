import katex from 'katex';
import 'katex/dist/katex.min.css';
import { splitTex } from './texSplit.ts';

/**
 * Fills an element with text whose `$…$` runs are typeset by KaTeX. katex.render builds DOM nodes
 * and sets their styles through the CSSOM, which the page's Content-Security-Policy allows (the
 * style attributes of renderToString's HTML it would block). Unreadable TeX shows as its source.
 */
export function typesetInto(element: HTMLElement, text: string): void {
  element.replaceChildren();
  for (const run of splitTex(text)) {
    if (!run.tex) {
      element.append(run.body);
      continue;
    }
    const formula = document.createElement('span');
    katex.render(run.body, formula, { throwOnError: false, output: 'htmlAndMathml' });
    element.append(formula);
  }
}
