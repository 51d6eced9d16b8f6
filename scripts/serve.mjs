#!/usr/bin/env node
// Serves the production build and prints the URL. Every response, errors included, carries the
// headers of scripts/headers.mjs: cross-origin isolation (COOP/COEP, which the WASM backend's
// threads need), a strict Content-Security-Policy, nosniff and no-referrer. Files come through
// sirv, which answers with the .br or .gz copy that scripts/precompress.mjs wrote next to each
// file when the browser accepts it.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve, sep } from 'node:path';
import sirv from 'sirv';
import { SECURITY_HEADERS } from './headers.mjs';

const root = resolve(process.env.DIST_DIR ?? 'dist');
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

/**
 * Longest request path answered; longer ones get 414. The query string is not counted: the lab's
 * state lives there and a link may be long, up to the header limit below.
 */
const MAX_PATH = 2048;
/** Node's default of 16 KiB would refuse long links (431); 80 KiB takes a 60 kB query and headers. */
const MAX_HEADER_BYTES = 80 * 1024;

if (!existsSync(join(root, 'index.html'))) {
  console.error(`No build found in ${root}: run \`npm run build\` first.`);
  process.exit(1);
}

/**
 * The regular files under the root, found without following symbolic links, as device:inode keys.
 * sirv follows symbolic links; a file it is about to send whose inode is not in here was reached
 * through one that leads outside the root, and is refused. Walked again on a miss, so files a
 * rebuild adds while serving are found (the walk is a few dozen files).
 */
let servable = new Set();
function inodes(folder = root, keys = new Set()) {
  let entries = [];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // Removed during the walk (a rebuild): nothing in it is servable.
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // Dirent types are the links' own: a symbolic link is neither a directory nor a file here.
    if (entry.isDirectory()) inodes(path, keys);
    else if (entry.isFile()) {
      try {
        const { dev, ino } = lstatSync(path);
        keys.add(`${dev}:${ino}`);
      } catch {
        // Removed during the walk (a rebuild): not servable.
      }
    }
  }
  return keys;
}
function isServable(stats) {
  const key = `${stats.dev}:${stats.ino}`;
  if (servable.has(key)) return true;
  servable = inodes();
  return servable.has(key);
}

/** Thrown from sirv's setHeaders to stop it sending a file from outside the root. */
class Outside extends Error {}

const files = sirv(root, {
  // Looks the folder up per request, so a rebuild while serving is picked up (no stale listing).
  dev: true,
  etag: true,
  brotli: true,
  gzip: true,
  // Unknown paths without a file extension get index.html (the app reads its state from the URL).
  single: true,
  setHeaders(response, pathname, stats) {
    if (!isServable(stats)) throw new Outside(pathname);
    // Names under assets/ carry a content hash: they never change, so browsers keep them a year.
    // Everything else (index.html, the MNIST files) is revalidated by ETag on every load.
    response.setHeader(
      'Cache-Control',
      pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    if (pathname.endsWith('.u8')) response.setHeader('Content-Type', 'application/octet-stream');
  },
});

/**
 * Why a request target is refused (status and reason), or null when it may be looked up.
 *
 * The split: 400 when the target is not a well-formed path at all (no leading slash, a `%` not
 * followed by two hex digits, or bytes that are not UTF-8, such as `%ff` or the overlong `%c0%ae`),
 * so there is nothing to look up; 404 when it is well formed but names something outside the
 * served tree (a `.` or `..` segment, a hidden name, a backslash or NUL, however encoded), answered
 * exactly like a missing file so that nothing is told about what exists outside. 414 for a path
 * over MAX_PATH characters. Symbolic links leading out of the root are caught in setHeaders (404).
 */
function refusal(url) {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (!path.startsWith('/')) return [400, 'Bad Request'];
  if (path.length > MAX_PATH) return [414, 'URI Too Long'];
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return [400, 'Bad Request'];
  }
  if (/[\\\0]/.test(decoded) || decoded.split('/').some((segment) => segment.startsWith('.')))
    return [404, 'Not Found'];
  const target = resolve(root, `.${decoded}`);
  if (target !== root && !target.startsWith(`${root}${sep}`)) return [404, 'Not Found'];
  return null;
}

const server = createServer(
  { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: 20_000, requestTimeout: 60_000 },
  (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const fail = (status, reason, headers = {}) =>
      response
        .writeHead(status, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
          ...headers,
        })
        .end(reason);
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
      // A Range header sirv would misread (several ranges, start after end) is ignored, as RFC 9110
      // allows: the whole file is sent.
      const range = request.headers.range;
      if (range !== undefined) {
        const [, start, end] = /^bytes=(\d*)-(\d*)$/.exec(range) ?? [];
        if (start === undefined || start === '' || (end !== '' && Number(end) < Number(start)))
          delete request.headers.range;
      }
      files(request, response, () => fail(404, 'Not Found'));
    } catch (error) {
      if (error instanceof Outside) {
        response.removeHeader('Vary');
        fail(404, 'Not Found');
        return;
      }
      console.error(`${request.method} ${request.url}: ${error.message}`);
      if (response.headersSent) response.destroy();
      else fail(500, 'Internal Server Error');
    }
  },
);

/**
 * Requests Node's parser refuses (headers over MAX_HEADER_BYTES, a NUL or space in the path, garbage)
 * get the same headers as every other answer. The client may still be sending, so what it sends is
 * read and dropped for a moment before the connection closes: closing with unread data would reset
 * the connection and lose the answer.
 */
server.on('clientError', (error, socket) => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(reason),
    'Cache-Control': 'no-store',
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head.join('')}\r\n${reason}`);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 2000);
  socket.on('close', () => clearTimeout(timer));
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

servable = inodes();
server.listen(port, host, () => {
  console.log(`Isometry Lab is running at http://localhost:${port}/  (Ctrl+C to stop)`);
});
