import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * tfjs-backend-wasm starts its pthread workers from the source text of its Emscripten factory
 * (`factory.toString()` in a Blob), so that function must reach the browser exactly as published:
 * a minifier renames the closure variable it tests with `typeof _scriptDir` and drops the typeof,
 * and the threads die with "e is not defined" (tfjs#4107). This keeps the module as a string,
 * evaluated once at load, and lets the rest of the bundle be minified.
 */
function wasmThreadsSourceIntact(): Plugin {
  const MODULE = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
  const HEAD = 'var WasmBackendModuleThreadedSimd = ';
  const TAIL = "\nif (typeof exports === 'object' && typeof module === 'object')";
  return {
    name: 'wasm-threads-source-intact',
    enforce: 'pre',
    transform(code, id) {
      if (!MODULE.test(id.split('?')[0]!)) return null;
      const start = code.indexOf(HEAD);
      const end = code.indexOf(TAIL);
      if (start < 0 || end < start)
        this.error(`${id}: layout changed; cannot keep the WASM thread factory's source intact`);
      const factory = code
        .slice(start + HEAD.length, end)
        .trim()
        .replace(/;$/, '');
      // Indirect eval runs in the global scope: nothing of the bundle is captured or renamed.
      return { code: `module.exports = (0, eval)(${JSON.stringify(`(${factory})`)});\n`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [wasmThreadsSourceIntact(), react()],
  worker: { format: 'es', plugins: () => [wasmThreadsSourceIntact()] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    sourcemap: true,
    minify: true,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
