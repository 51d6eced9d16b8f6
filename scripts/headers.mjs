// The HTTP headers the lab is served with: one list for scripts/serve.mjs (production) and for
// vite.config.ts (`vite preview` gets the same, `vite` dev a slightly looser policy), so they
// cannot drift apart. Types: headers.d.mts.

/**
 * Content-Security-Policy directives of the production build, each allowance with its reason.
 * Everything not listed falls back to `default-src 'none'`: no fonts, media, frames, objects or
 * manifests, and nothing from any other origin.
 */
const PRODUCTION_DIRECTIVES = {
  'default-src': ["'none'"],
  // The bundle's own files only: no inline scripts, no eval (vite.config.ts keeps the WASM
  // backend's thread code in files of its own instead of evaluating its source text), and
  // 'wasm-unsafe-eval' only to compile WebAssembly, i.e. tfjs-backend-wasm's .wasm binaries.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // The training and theory workers and the WASM backend's pthread workers, all files under
  // /assets/ (no blob: workers in the build; see wasmThreadsFromFiles in vite.config.ts).
  'worker-src': ["'self'"],
  // fetch(): the MNIST files under /data/ and the .wasm binaries, nothing else.
  'connect-src': ["'self'"],
  // The favicon (plots are SVG and canvas drawn by script), and blob: for the PNG export: it loads
  // the page's own SVG figure, made by script into a Blob URL, as an image to draw into a canvas.
  'img-src': ["'self'", 'blob:'],
  // The built stylesheet. React's `style` props, D3's .style() and KaTeX's katex.render write
  // through the CSSOM (element.style), which CSP does not govern, so no 'unsafe-inline' is needed
  // (KaTeX's renderToString HTML, with style attributes, would need it: src/ui/TexText.tsx avoids it).
  'style-src': ["'self'"],
  // KaTeX's fonts for the typeset captions, files under /assets/ bundled with the page.
  'font-src': ["'self'"],
  // No <base> or form can send the page or its state elsewhere; no site may frame the lab.
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * What `vite` (dev) needs on top: its inline React Refresh preamble and <style> tags for CSS
 * ('unsafe-inline'), and blob: for tfjs-backend-wasm's own thread setup (workers and their
 * importScripts from Blob URLs), which the build replaces with files but pre-bundled dev
 * dependencies keep. HMR's WebSocket is same-origin and covered by connect-src 'self'.
 */
const DEV_EXTRA = {
  'script-src': ["'unsafe-inline'", 'blob:'],
  'worker-src': ['blob:'],
  'style-src': ["'unsafe-inline'"],
};

function serialize(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The production Content-Security-Policy header value. */
export const CONTENT_SECURITY_POLICY = serialize(PRODUCTION_DIRECTIVES);

/** The dev server's policy: the production one plus DEV_EXTRA. */
export const DEV_CONTENT_SECURITY_POLICY = serialize(
  Object.fromEntries(
    Object.entries(PRODUCTION_DIRECTIVES).map(([name, sources]) => [
      name,
      [...sources, ...(DEV_EXTRA[name] ?? [])],
    ]),
  ),
);

/** Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Sent with every response of scripts/serve.mjs and `vite preview`, errors included. */
export const SECURITY_HEADERS = {
  ...ISOLATION_HEADERS,
  // Other sites may not load the lab's files into their pages (no-cors requests are refused).
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // Scripts, styles and workers run only when served with their proper type.
  'X-Content-Type-Options': 'nosniff',
  // Links to papers etc. do not tell the other site which lab state (the URL) was open.
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors for browsers that predate it.
  'X-Frame-Options': 'DENY',
};

/** The same for `vite` (dev), with DEV_CONTENT_SECURITY_POLICY. */
export const DEV_SECURITY_HEADERS = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY,
};
