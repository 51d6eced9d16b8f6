import { useLayoutEffect, useRef, useState } from 'react';

type Typeset = (element: HTMLElement, text: string) => void;

let typeset: Typeset | null = null;
let loading: Promise<Typeset> | null = null;

/** KaTeX (bundled, fonts included: a lecture room may have no network), loaded on first use. */
function loadTypeset(): Promise<Typeset> {
  loading ??= import('./texRender.ts').then((module) => (typeset = module.typesetInto));
  return loading;
}

/**
 * Text with inline formulas typeset by KaTeX. KaTeX is fetched only once a caption is shown, so the
 * default link's first training step does not wait for it; until then the TeX source is shown.
 */
export function TexText({ text }: { readonly text: string }) {
  const element = useRef<HTMLSpanElement>(null);
  const [ready, setReady] = useState(() => typeset !== null);
  useLayoutEffect(() => {
    if (!ready) {
      let live = true;
      void loadTypeset().then(() => {
        if (live) setReady(true);
      });
      return () => {
        live = false;
      };
    }
    if (element.current && typeset) typeset(element.current, text);
    return undefined;
  }, [ready, text]);
  // React owns only the span; its children are KaTeX's once typeset.
  return (
    <span className="tex-text" ref={element}>
      {ready ? null : text}
    </span>
  );
}
