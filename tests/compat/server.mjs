// The compatibility tests' page server on 127.0.0.1 (any free port):
//   /pkg/...     the built package (pkg/), as a page would host it
//   /compat/...  tests/compat/pages/
//   /npm/        tests/compat/npm-page/index.html and its webpack bundle
// `?csp=<policy>` on any page adds that Content-Security-Policy header.
// After `hold()`, `.wasm` responses wait until `release()` (the script-tag
// facade, and its early links, for sure).

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../e2e/support/sim.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Starts the server; resolves to `{ url, close(), hold(), release() }` (`url` ends with `/`). */
export async function startPageServer({ npmBundleDir }) {
  let gate = null;
  let open = () => {};
  const roots = {
    pkg: path.join(ROOT, 'pkg'),
    compat: path.join(ROOT, 'tests', 'compat', 'pages'),
    npm: npmBundleDir,
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const [, top, ...rest] = url.pathname.split('/');
    let file = null;
    if (top === 'npm' && rest.join('/') === '') file = path.join(ROOT, 'tests', 'compat', 'npm-page', 'index.html');
    else if (roots[top]) {
      file = path.join(roots[top], ...rest);
      if (!file.startsWith(roots[top] + path.sep)) file = null; // no way out of the root
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      if (file.endsWith('.wasm')) await gate;
      const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' };
      const csp = url.searchParams.get('csp');
      if (csp && file.endsWith('.html')) headers['Content-Security-Policy'] = csp;
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    hold() {
      if (!gate) gate = new Promise((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    close: () => {
      open();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
