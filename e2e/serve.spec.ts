import { expect, test } from '@playwright/test';
import { request as httpRequest } from 'node:http';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path exactly as written (a browser or fetch would normalize it first). */
function raw(
  baseURL: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  const { hostname, port } = new URL(baseURL);
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} },
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
    request.on('error', reject);
    request.end();
  });
}

test.describe('the production server', () => {
  test('refuses malformed and escaping paths and odd methods, and stays up', async ({ baseURL }) => {
    const base = baseURL!;
    for (const path of [
      '/%',
      '/%E0%A4%A',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%5c..%5cpackage.json',
      '/../../etc/passwd',
      `/${'a'.repeat(5000)}`,
    ]) {
      const response = await raw(base, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body, path).not.toContain('root:');
    }
    for (const method of ['POST', 'OPTIONS', 'PUT', 'DELETE']) {
      expect((await raw(base, '/', { method })).status, method).toBe(405);
    }
    expect((await raw(base, '/', { method: 'HEAD' })).status).toBe(200);
    expect((await raw(base, '/assets/no-such-file.js')).status).toBe(404);
    // Still serving after all of that.
    const home = await raw(base, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<div id="root">');
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
});
