// A tiny static server for the console: public/ at `/`, the installed SDK at
// /node_modules/snk-rt-video-pc/ (what the page's import map names). In a real
// system this is your own dev server (webpack, Vite) or your web server.
//
//   node serve.mjs            http://127.0.0.1:3000/?account=agent1
//   node serve.mjs 0          any free port

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SDK_DIR = path.dirname(createRequire(import.meta.url).resolve('snk-rt-video-pc/package.json'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json' };
const ROUTES = [
  ['/node_modules/snk-rt-video-pc/', SDK_DIR],
  ['/', path.join(HERE, 'public')],
];

function fileFor(urlPath) {
  for (const [prefix, dir] of ROUTES) {
    if (!urlPath.startsWith(prefix)) continue;
    const rel = decodeURIComponent(urlPath.slice(prefix.length)) || 'index.html';
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep)) return null;
    return existsSync(file) && statSync(file).isFile() ? file : null;
  }
  return null;
}

/** Serves the console on 127.0.0.1:`port` (0 = any free port); resolves with `{url, close()}`. */
export function serveConsole({ port = 3000 } = {}) {
  const server = createServer((req, res) => {
    const file = fileFor(new URL(req.url, 'http://x').pathname);
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serveConsole({ port: Number(process.argv[2] ?? 3000) });
  console.log(`理赔审核视频坐席 / claims console: ${url}?account=agent1  (npx rtv-sim 需已启动 / with npx rtv-sim running)`);
}
