import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { DEV_SECURITY_HEADERS, SECURITY_HEADERS } from './scripts/headers.mjs';

/**
 * tfjs-backend-wasm starts its pthread workers from Blob URLs: the worker script is a string
 * (`wasmWorkerContents`), and the Emscripten factory the worker then loads is rebuilt from the
 * factory's source text (`factory.toString()` in a Blob). Neither fits a strict Content-Security-
 * Policy (blob: workers and blob: scripts), and the second breaks under minification: the minifier
 * renames the closure variable the factory tests with `typeof _scriptDir` and drops the typeof, and
 * the threads die with "e is not defined" (tfjs#4107).
 *
 * In the build this emits both as files of their own, exactly as published (assets are never
 * minified): the worker script (assets/tfjs-backend-wasm-threaded-simd.worker-[hash].js) and the
 * whole Emscripten module (assets/tfjs-backend-wasm-threaded-simd-[hash].js, a classic script that
 * defines `WasmBackendModuleThreadedSimd`, which the worker loads with importScripts), and points
 * tfjs at their URLs. The factory the bundle itself runs is minified like everything else: only
 * the copy the threads load has to be the original. So the page needs neither blob: nor eval.
 *
 * The dev server pre-bundles tfjs without minifying it, so there the Blob path stays and works
 * (scripts/headers.mjs allows blob: for `vite` only).
 */
function wasmThreadsFromFiles(): Plugin {
  const BACKEND = /tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
  const WORKER_IMPORT =
    /import \{ wasmWorkerContents \} from '\.\.\/wasm-out\/tfjs-backend-wasm-threaded-simd\.worker\.js';\n/;
  const WORKER_BLOB =
    /const response = wasmWorkerContents\.replace\([^;]*\);\s*const blob = new Blob\(\[response\], \{ type: 'application\/javascript' \}\);\s*return URL\.createObjectURL\(blob\);/;
  const FACTORY_BLOB =
    /factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\);/;
  return {
    name: 'wasm-threads-from-files',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!BACKEND.test(id.split('?')[0]!)) return null;
      const fail = (what: string) =>
        this.error(`${id}: ${what} not found; tfjs-backend-wasm changed, update wasmThreadsFromFiles`);
      for (const [pattern, what] of [
        [WORKER_IMPORT, 'the wasmWorkerContents import'],
        [WORKER_BLOB, "the pthread worker's Blob"],
        [FACTORY_BLOB, "the factory's Blob"],
      ] as const) {
        if (code.match(new RegExp(pattern, 'g'))?.length !== 1) fail(what);
      }
      const out = join(dirname(id.split('?')[0]!), '..', 'wasm-out');
      // The worker's source is a template literal; tfjs escapes its newlines back before making the
      // Blob, so the script it runs is the literal's raw text. Only `\n` escapes occur in it today.
      const workerModule = readFileSync(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'), 'utf8');
      const literal = /^module\.exports\.wasmWorkerContents = `([^`]*)`;\s*$/.exec(workerModule)?.[1];
      if (literal === undefined || literal.includes('${') || /\\[^n]|\n/.test(literal))
        fail('the pthread worker source literal');
      const workerRef = this.emitFile({
        type: 'asset',
        name: 'tfjs-backend-wasm-threaded-simd.worker.js',
        source: literal!,
      });
      const factoryRef = this.emitFile({
        type: 'asset',
        name: 'tfjs-backend-wasm-threaded-simd.js',
        source: readFileSync(join(out, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'),
      });
      // Made absolute: a pthread worker's importScripts resolves against the worker's own URL.
      const url = (ref: string) =>
        `new URL(import.meta.ROLLUP_FILE_URL_${ref}, globalThis.location.href).href`;
      return {
        code: code
          .replace(WORKER_IMPORT, '')
          .replace(WORKER_BLOB, `return ${url(workerRef)};`)
          .replace(FACTORY_BLOB, `factoryConfig.mainScriptUrlOrBlob = ${url(factoryRef)};`),
        map: null,
      };
    },
  };
}

export default defineConfig({
  plugins: [wasmThreadsFromFiles(), react()],
  worker: { format: 'es', plugins: () => [wasmThreadsFromFiles()] },
  // The same headers as scripts/serve.mjs; the dev server's policy also allows what `vite` needs.
  server: { headers: DEV_SECURITY_HEADERS },
  preview: { headers: SECURITY_HEADERS },
  build: {
    target: 'es2022',
    // Source maps only when asked for (SOURCEMAP=1 npm run build): they publish the whole source
    // and weigh several times the bundle.
    sourcemap: Boolean(process.env.SOURCEMAP) && process.env.SOURCEMAP !== '0',
    minify: true,
    // KaTeX's fonts stay files (font-src 'self' in scripts/headers.mjs), never data: URLs.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
