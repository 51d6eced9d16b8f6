#!/usr/bin/env node
// Serves the production build with cross-origin isolation (COOP/COEP, which the WASM backend's
// threads need) and prints the URL. Files come through sirv, which answers with the .br or .gz
// copy that scripts/precompress.mjs wrote next to each file when the browser accepts it.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import sirv from 'sirv';

const root = resolve(process.env.DIST_DIR ?? 'dist');
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

/** Longest request path answered; longer ones get 414 (Node itself refuses headers over 16 KB). */
const MAX_PATH = 2048;

if (!existsSync(join(root, 'index.html'))) {
  console.error(`No build found in ${root}: run \`npm run build\` first.`);
  process.exit(1);
}

const files = sirv(root, {
  // Looks the folder up per request, so a rebuild while serving is picked up (no stale listing).
  dev: true,
  etag: true,
  brotli: true,
  gzip: true,
  // Unknown paths without a file extension get index.html (the app reads its state from the URL).
  single: true,
  setHeaders(response, pathname) {
    // Names under assets/ carry a content hash: they never change, so browsers keep them a year.
    // Everything else (index.html, the MNIST files) is revalidated by ETag on every load.
    response.setHeader(
      'Cache-Control',
      pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    if (pathname.endsWith('.u8')) response.setHeader('Content-Type', 'application/octet-stream');
  },
});

/** Why a request path is refused (status and reason), or null when it may be looked up. */
function refusal(url) {
  const path = url.split('?')[0];
  if (path.length > MAX_PATH) return [414, 'URI Too Long'];
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return [400, 'Bad Request'];
  }
  // No parent or hidden segments, no backslashes or NULs, however they were encoded.
  if (!decoded.startsWith('/') || /[\\\0]|\/\./.test(decoded)) return [400, 'Bad Request'];
  return null;
}

const server = createServer((request, response) => {
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  const fail = (status, reason, headers = {}) =>
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(reason);
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      fail(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const refused = refusal(request.url ?? '/');
    if (refused) {
      fail(...refused);
      return;
    }
    files(request, response, () => fail(404, 'Not Found'));
  } catch (error) {
    console.error(`${request.method} ${request.url}: ${error.message}`);
    if (response.headersSent) response.destroy();
    else fail(500, 'Internal Server Error');
  }
});

// A file removed between lookup and read (a rebuild while serving) fails that response's stream;
// the server itself keeps running.
process.on('uncaughtException', (error) => {
  if (error.code === 'ENOENT' || error.code === 'EISDIR' || error.code === 'EACCES') {
    console.error(`serve: ${error.message}`);
    return;
  }
  console.error(error);
  process.exit(1);
});

server.on('error', (error) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is in use: set PORT to another one, e.g. PORT=4180 npm start.`
      : error.message,
  );
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(`Isometry Lab is running at http://localhost:${port}/  (Ctrl+C to stop)`);
});
