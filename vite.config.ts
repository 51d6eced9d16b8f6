import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // Not minified: tfjs-backend-wasm builds its pthread workers from the source text of its own
  // functions, and minified names break them ("e is not defined"; tfjs#4107), which would cost
  // the WASM backend its threads.
  build: {
    target: 'es2022',
    sourcemap: true,
    minify: false,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
