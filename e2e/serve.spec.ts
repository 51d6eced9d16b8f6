import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../scripts/headers.mjs';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path exactly as written (a browser or fetch would normalize it first). */
function raw(
  baseURL: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent } = {},
) {
  const { hostname, port } = new URL(baseURL);
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest(
      {
        hostname,
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: options.agent,
        timeout: 15_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${path}: no answer in 15 s`)));
    request.on('error', reject);
    request.end();
  });
}

/** The status line the server answers bytes with that no HTTP client library would send. */
function rawBytes(baseURL: string, bytes: string) {
  const { hostname, port } = new URL(baseURL);
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes, 'latin1'));
    let answer = '';
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer in 15 s')));
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    socket.on('end', () => resolve(answer.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

function expectSecurityHeaders(response: RawResponse, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(response.headers[name.toLowerCase()], `${name} on ${what}`).toBe(value);
  }
}

const MALFORMED = [
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%ff',
  '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '/%e0%80%af', // an overlong "/"
  '/%ed%a0%80', // a UTF-16 surrogate
  '/assets/%c0%af..%c0%afpackage.json',
];

const ESCAPING = [
  '/../package.json',
  '/../../etc/passwd',
  '/%2e%2e/package.json',
  '/%2e%2e%2fpackage.json',
  '/..%2f..%2fetc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/assets/../../package.json',
  '/assets/..%2f..%2fpackage.json',
  '/assets/..%5c..%5cpackage.json',
  '/assets\\..\\..\\package.json',
  '/index.html%00.js',
  '/%00',
  '/.git/config',
  '/./index.html',
  '/../dist-secret/secret.txt',
  '/..%2fdist-secret%2fsecret.txt',
];

const METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'];

test.describe('the production server', () => {
  test('answers malformed paths with 400, escaping ones with 404, other methods with 405', async ({
    baseURL,
  }) => {
    const base = baseURL!;
    for (const path of MALFORMED) {
      const response = await raw(base, path);
      expect(response.status, path).toBe(400);
      expectSecurityHeaders(response, path);
    }
    for (const path of ESCAPING) {
      const response = await raw(base, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toBe('Not Found');
      expectSecurityHeaders(response, path);
    }
    for (const method of METHODS) {
      const response = await raw(base, '/', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers['allow'], method).toBe('GET, HEAD');
      expectSecurityHeaders(response, method);
    }
    expect((await raw(base, '/', { method: 'HEAD' })).status).toBe(200);
    expect((await raw(base, '/assets/no-such-file.js')).status).toBe(404);
    // Node's own parser refuses a raw NUL or garbage before the server sees a request.
    for (const bytes of ['GET /index.html\0 HTTP/1.1\r\nHost: x\r\n\r\n', 'GARBAGE\r\n\r\n']) {
      expect(await rawBytes(base, bytes), JSON.stringify(bytes)).toMatch(/^HTTP\/1\.1 400/);
    }
    // A path (not a query) over 2048 characters.
    expect((await raw(base, `/${'a'.repeat(5000)}`)).status).toBe(414);
    // Still serving after all of that.
    const home = await raw(base, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<div id="root">');
  });

  test('opens a 60 kB link (the state is in the query)', async ({ baseURL }) => {
    const query = new URLSearchParams({ v: '1', note: 'x'.repeat(60_000) }).toString();
    expect(query.length).toBeGreaterThan(60_000);
    for (const path of [`/?${query}`, `/index.html?${query}`]) {
      const response = await raw(baseURL!, path);
      expect(response.status).toBe(200);
      expect(response.body).toContain('<div id="root">');
      expectSecurityHeaders(response, 'a 60 kB link');
    }
    // Beyond the 80 KiB header limit: 431, with the same headers as any other answer.
    const tooLong = await raw(baseURL!, `/?${'x'.repeat(100_000)}`);
    expect(tooLong.status).toBe(431);
    expectSecurityHeaders(tooLong, 'a 100 kB link');
  });

  test('sends the security headers and caching rules with every kind of response', async ({ baseURL }) => {
    const base = baseURL!;
    const html = (await raw(base, '/')).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'a script under /assets/ in index.html').toBeTruthy();
    const responses: [string, RawResponse][] = [
      ['/', await raw(base, '/')],
      ['/some/app/route', await raw(base, '/some/app/route')],
      [script!, await raw(base, script!)],
      ['/favicon.svg', await raw(base, '/favicon.svg')],
      ['/data/mnist.json', await raw(base, '/data/mnist.json')],
      ['404', await raw(base, '/assets/no-such-file.js')],
      ['400', await raw(base, '/%ff')],
      ['405', await raw(base, '/', { method: 'POST' })],
    ];
    for (const [what, response] of responses) expectSecurityHeaders(response, what);
    expect(responses[0]![1].headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|'unsafe-inline'|data:|\*/);
    // blob: only as an image source (the PNG export draws the page's own SVG figure), never for
    // scripts or workers.
    const withBlob = CONTENT_SECURITY_POLICY.split('; ').filter((directive) => directive.includes('blob:'));
    expect(withBlob).toEqual(["img-src 'self' blob:"]);
  });

  test('isolates index.html cross-origin and never caches it stale', async ({ baseURL }) => {
    for (const path of ['/', '/index.html', '/some/app/route']) {
      const response = await raw(baseURL!, path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toContain('text/html');
      expect(response.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(response.headers['cross-origin-embedder-policy'], path).toBe('require-corp');
      expect(response.headers['cache-control'], path).toBe('no-cache');
    }
  });

  test('serves hashed assets precompressed and immutable', async ({ baseURL }) => {
    const base = baseURL!;
    const html = (await raw(base, '/')).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'a script under /assets/ in index.html').toBeTruthy();
    const plain = await raw(base, script!);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
    ]) {
      const response = await raw(base, script!, { headers: { 'Accept-Encoding': accept! } });
      expect(response.status, accept).toBe(200);
      expect(response.headers['content-encoding'], accept).toBe(encoding);
      expect(response.headers['content-type'], accept).toContain('javascript');
      expect(response.headers['cache-control'], accept).toBe('public, max-age=31536000, immutable');
      expect(response.headers['vary'], accept).toContain('Accept-Encoding');
      expect(response.headers['cross-origin-embedder-policy'], accept).toBe('require-corp');
      expect(Number(response.headers['content-length']), accept).toBeLessThan(plain.body.length);
    }
  });

  test('serves no source maps unless the build was asked for them', async ({ baseURL }) => {
    test.skip(Boolean(process.env.SOURCEMAP), 'SOURCEMAP is set: this build has source maps on purpose');
    const html = (await raw(baseURL!, '/')).body;
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect((await raw(baseURL!, script)).body, script).not.toContain('sourceMappingURL');
      expect((await raw(baseURL!, `${script}.map`)).status, `${script}.map`).toBe(404);
    }
  });

  test('ignores a Range it cannot satisfy sensibly and honours a good one', async ({ baseURL }) => {
    const whole = await raw(baseURL!, '/favicon.svg');
    const backwards = await raw(baseURL!, '/favicon.svg', { headers: { Range: 'bytes=100-50' } });
    expect(backwards.status).toBe(200);
    expect(backwards.body).toBe(whole.body);
    const part = await raw(baseURL!, '/favicon.svg', { headers: { Range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(part.body).toBe(whole.body.slice(0, 10));
  });

  test('serves the MNIST manifest and first chunk compressed', async ({ baseURL }) => {
    const manifest = await raw(baseURL!, '/data/mnist.json');
    expect(manifest.status).toBe(200);
    const first = (JSON.parse(manifest.body) as { train: { files: string[] } }).train.files[0]!;
    const chunk = await raw(baseURL!, `/data/${first}`, {
      method: 'HEAD',
      headers: { 'Accept-Encoding': 'br' },
    });
    expect(chunk.status).toBe(200);
    expect(chunk.headers['content-encoding']).toBe('br');
    expect(chunk.headers['content-type']).toBe('application/octet-stream');
  });

  test('answers a burst of 200 concurrent good and bad requests, then keeps serving', async ({ baseURL }) => {
    const base = baseURL!;
    const html = (await raw(base, '/')).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '/no-script-in-index.js';
    const kinds: [string, { method?: string; headers?: Record<string, string> }, number][] = [
      ['/', {}, 200],
      [script, { headers: { 'Accept-Encoding': 'br' } }, 200],
      ['/data/mnist.json', {}, 200],
      [`/?note=${'y'.repeat(30_000)}`, {}, 200],
      ['/', { method: 'HEAD' }, 200],
      ['/%c0%ae%c0%ae/etc/passwd', {}, 400],
      ['/..%2f..%2fetc/passwd', {}, 404],
      ['/assets/no-such-file.js', {}, 404],
      ['/', { method: 'POST' }, 405],
      [`/${'b'.repeat(3000)}`, {}, 414],
    ];
    // One connection per request, all at once.
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const [path, options, status] = kinds[i % kinds.length]!;
          const response = await raw(base, path, { ...options, agent });
          return { path: path.slice(0, 40), status: response.status, expected: status };
        }),
      );
      expect(results.filter((result) => result.status !== result.expected)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      agent.destroy();
    }
    const home = await raw(base, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<div id="root">');
  });
});

/** A free localhost port (for a second server of our own). */
function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test.describe('the production server over a tree with traps', () => {
  let folder = '';
  let server: ChildProcess | undefined;
  let base = '';

  // dist/ holds links out to dist-secret/ next to it (the prefix sirv's own check compares with),
  // and one harmless link inside; the server must not send a byte of dist-secret/.
  test.beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'isometry-serve-'));
    const dist = join(folder, 'dist');
    const secret = join(folder, 'dist-secret');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    mkdirSync(secret);
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>\n');
    writeFileSync(join(dist, 'assets', 'app-0123abcd.js'), 'console.log("app");\n');
    writeFileSync(join(secret, 'secret.txt'), 'TOP SECRET\n');
    writeFileSync(join(secret, 'index.html'), 'TOP SECRET\n');
    symlinkSync(join(secret, 'secret.txt'), join(dist, 'leak.txt'));
    symlinkSync(secret, join(dist, 'leakdir'));
    symlinkSync(join(secret, 'secret.txt'), join(dist, 'assets', 'app-0123abcd.js.br'));
    symlinkSync(join(dist, 'index.html'), join(dist, 'inside.html'));

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['scripts/serve.mjs'], {
      env: { ...process.env, DIST_DIR: dist, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('scripts/serve.mjs did not start in 15 s')), 15_000);
      server!.stdout!.on('data', (data: Buffer) => {
        if (String(data).includes('running at')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.on('exit', (code) => reject(new Error(`scripts/serve.mjs exited with ${code}`)));
    });
  });

  test.afterAll(() => {
    server?.kill();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('never serves a file outside the root, through .., a sibling prefix or a symbolic link', async () => {
    for (const path of [
      '/../dist-secret/secret.txt',
      '/..%2fdist-secret%2fsecret.txt',
      '/%2e%2e/dist-secret/secret.txt',
      '/assets/../../dist-secret/secret.txt',
      '/leak.txt',
      '/leakdir/secret.txt',
      '/leakdir/index.html',
    ]) {
      const response = await raw(base, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('SECRET');
    }
    // sirv would pick the .br copy, a link out: refused, while the plain file is served as usual.
    const viaBrotli = await raw(base, '/assets/app-0123abcd.js', { headers: { 'Accept-Encoding': 'br' } });
    expect(viaBrotli.status).toBe(404);
    expect(viaBrotli.body).not.toContain('SECRET');
    const plain = await raw(base, '/assets/app-0123abcd.js');
    expect(plain.status).toBe(200);
    expect(plain.body).toContain('console.log("app")');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A link that stays inside the root is fine; a folder without index.html falls back to the app.
    expect((await raw(base, '/inside.html')).status).toBe(200);
    const fallback = await raw(base, '/leakdir');
    expect(fallback.body).not.toContain('SECRET');
    // And the server is still up.
    expect((await raw(base, '/')).body).toContain('<div id="root">');
  });
});
