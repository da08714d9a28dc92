// A small static file server for the fault, leak, CSP and soak tests: serves
// tests/e2e/pages/ at / and the built package pkg/ at /pkg/, on a free
// 127.0.0.1 port. It can send a real Content-Security-Policy header with every
// HTML page, which is the only honest way to test the SDK under a strict CSP
// (a <meta> policy does not cover everything a header does).

import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, PKG_DIR } from './sim.mjs';

const PAGES = path.join(ROOT, 'tests', 'e2e', 'pages');
const PKG = PKG_DIR;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** Maps a URL path to a file under `base`, refusing anything that climbs out. */
function resolveUnder(base, rel) {
  const file = path.resolve(base, `.${path.posix.normalize(`/${rel}`)}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/**
 * Starts the server. `csp`: a Content-Security-Policy value sent with every
 * HTML response (none when absent). `tls`: `{key, cert}` to serve HTTPS (a
 * console served from the internet; see support/tls.mjs). Resolves to `{ url, stop(), hold(),
 * release(), wasmAsked(), requested() }`; `url` ends with `/`. After `hold()`, every
 * `.wasm` response waits until `release()` (a script-tag page then surely
 * runs its facade while the wasm loads).
 */
export async function startStatic({ csp, tls } = {}) {
  let gate = null; // a promise while .wasm responses are held
  let open = () => {};
  let wasmAsked = 0;
  const requested = []; // every path asked for, in order
  const handler = async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    requested.push(pathname);
    const file = pathname.startsWith('/pkg/')
      ? resolveUnder(PKG, decodeURIComponent(pathname.slice('/pkg/'.length)))
      : resolveUnder(PAGES, decodeURIComponent(pathname === '/' ? 'harness.html' : pathname.slice(1)));
    try {
      if (!file) throw new Error('outside');
      const body = await readFile(file);
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      if (path.extname(file) === '.wasm') {
        wasmAsked += 1;
        await gate;
      }
      // no-cache, not no-store: a no-store page is never kept in the back/forward cache.
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache' };
      if (csp && type.startsWith('text/html')) headers['Content-Security-Policy'] = csp;
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  };
  const server = tls ? createTlsServer(tls, handler) : createServer(handler);
  // Keep-alive sockets would hold `close()` open for their idle timeout.
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    port,
    wasmAsked: () => wasmAsked,
    requested: () => requested.slice(),
    hold() {
      if (!gate) gate = new Promise((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    async stop() {
      open();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
