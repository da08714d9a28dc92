// The SDK as web teams install it: `npm pack` of pkg/, installed from that
// tarball into a fresh app per consumer (tests/consumers/apps.mjs: Vite,
// webpack 5, Rsbuild/Rspack, Parcel, esbuild, and the package's files served
// as a CDN serves them), built with the tool's default configuration, served
// on 127.0.0.1 and opened in headless Chromium against the simulator: each
// must reach `ready` and answer a call. The bundlers come from the npm
// registry at pinned versions, installed once under .tools/consumers/
// (tests/consumers/tools.mjs). Prints a table (build time, output size,
// navigation → ready) and writes it to test-results/consumers.json.
//
//   RTV_TEST_STEPS=build,sim-build,consumers npm test
//   node --test tests/consumers/consumers.test.mjs       (after both builds)
//   RTV_CONSUMERS=vite,esbuild node --test tests/consumers/consumers.test.mjs
//   RTV_CONSUMERS_PKG=/tmp/pkg-copy (a package other than pkg/, e.g. a broken one)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { launchBrowser, startSim, waitFor, OUT_DIR, ROOT } from '../e2e/support/sim.mjs';
import { entryFiles } from '../../scripts/lib/sizes.mjs';
import { CONSUMERS } from './apps.mjs';
import { TOOLS_DIR, ensureTool } from './tools.mjs';

// RTV_CONSUMERS_PKG: another built package (e.g. a deliberately broken copy).
const PKG = process.env.RTV_CONSUMERS_PKG || path.join(ROOT, 'pkg');
const PACK_DIR = path.join(ROOT, 'target', 'consumers');
const ONLY = (process.env.RTV_CONSUMERS || '').split(',').map((s) => s.trim()).filter(Boolean);
const log = (...a) => console.log('[consumers]', ...a);

const env = { sim: null, browser: null, tarball: null, version: null, rows: [] };

/** Runs `cmd args` in `cwd`; resolves with its output, rejects with it on failure. */
function sh(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (exit ${code}):\n${out}`))));
  });
}

before(async () => {
  for (const f of ['package.json', 'index.js', 'dist/snk-rt-video-pc.js']) {
    if (!existsSync(path.join(PKG, f))) throw new Error(`pkg/${f} is missing: npm run build`);
  }
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(PACK_DIR, { recursive: true });
  const packed = JSON.parse(await sh('npm', ['pack', PKG, '--json', '--pack-destination', PACK_DIR], ROOT));
  env.tarball = path.join(PACK_DIR, packed[0].filename);
  env.version = packed[0].version;
  // Every file the build made goes into the tarball (package.json `files`).
  const inTarball = new Set(packed[0].files.map((f) => f.path));
  const built = readdirSync(PKG, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !['SIZES.txt', '.build-stamp'].includes(e.name))
    .map((e) => path.relative(PKG, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'));
  const left = built.filter((f) => !inTarball.has(f));
  if (left.length) throw new Error(`pkg-template/package.json \`files\` leaves out ${left.join(', ')}`);
  log(`packed ${path.relative(ROOT, env.tarball)} (${packed[0].entryCount} files, ${packed[0].size} B)`);
  env.sim = await startSim();
  env.browser = await launchBrowser();
});

after(async () => {
  await env.browser?.close();
  await env.sim?.stop();
  if (env.rows.length) {
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, 'consumers.json'), `${JSON.stringify(env.rows, null, 2)}\n`);
    console.log('\n| consumer | config | build | output: files, raw | JS + wasm, gzip -9 | navigation → ready |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const r of env.rows) {
      const build = r.buildMs === null ? '–' : `${(r.buildMs / 1000).toFixed(1)} s`;
      console.log(`| ${r.label} | ${r.config} | ${build} | ${r.files}, ${(r.rawBytes / 1024).toFixed(1)} KiB | ${(r.gzipBytes / 1024).toFixed(1)} KiB | ${r.readyMs.toFixed(0)} ms |`);
    }
  }
});

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/** Serves `root` at / and each `mounts` prefix from its directory, as a static host or CDN does. */
async function serve(root, mounts = {}) {
  const server = createServer(async (req, res) => {
    let { pathname } = new URL(req.url, 'http://x');
    pathname = decodeURIComponent(pathname);
    let base = root;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (pathname.startsWith(prefix)) {
        base = dir;
        pathname = `/${pathname.slice(prefix.length)}`;
      }
    }
    const file = path.resolve(base, `.${path.posix.normalize(pathname.endsWith('/') ? `${pathname}index.html` : pathname)}`);
    try {
      if (!file.startsWith(base + path.sep)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () => new Promise((resolve) => (server.closeAllConnections?.(), server.close(resolve))),
  };
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir, rel = '') {
  return readdirSync(path.join(dir, rel)).flatMap((n) => {
    const r = path.join(rel, n);
    return statSync(path.join(dir, r)).isDirectory() ? filesUnder(dir, r) : [r];
  });
}

/**
 * Files, raw bytes, and gzip -9 bytes of the .js/.mjs/.wasm files the page
 * may load: what the build wrote, plus `extra` files (absolute) it loads from
 * elsewhere (the CDN page: the package's entry and what it imports).
 */
function outputSize(dir, extra = []) {
  const files = [...filesUnder(dir), ...extra].filter((f) => !f.endsWith('.map') && !f.endsWith('.LICENSE.txt'));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const f of files) {
    const bytes = readFileSync(path.isAbsolute(f) ? f : path.join(dir, f));
    rawBytes += bytes.length;
    if (/\.(m?js|wasm)$/.test(f)) gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, rawBytes, gzipBytes };
}

for (const c of CONSUMERS) {
  const skip = ONLY.length > 0 && !ONLY.includes(c.name);
  test(`${c.name}: built from the packed tarball with ${c.config === 'none' ? 'its default configuration' : c.config}, reaches ready and answers a call`, { skip, timeout: 600_000 }, async () => {
    const toolDir = c.tool ? await ensureTool(c.tool, log) : path.join(TOOLS_DIR, 'cdn');
    // The app sits inside the tool's directory, so it resolves the tool as
    // an app resolves its devDependencies; it is made afresh every run.
    const dir = path.join(toolDir, 'app');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${c.name}`, version: '1.0.0', private: true }, null, 2)}\n`);
    // What a user runs: npm install <the package>. From the tarball, offline.
    await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', env.tarball], dir);
    assert.ok(existsSync(path.join(dir, 'node_modules', 'snk-rt-video-pc', 'package.json')), 'the package is installed');
    c.files(dir, { version: env.version });

    let buildMs = null;
    if (c.build) {
      const [bin, args] = c.build;
      const t = Date.now();
      await sh(path.join(toolDir, 'node_modules', '.bin', bin), args, dir);
      if (c.after) c.after(dir);
      buildMs = Date.now() - t;
    }
    const out = path.join(dir, c.out);
    const installed = path.join(dir, 'node_modules', 'snk-rt-video-pc');
    const size = outputSize(out, c.build ? [] : entryFiles(installed).map((f) => path.join(installed, f)));
    const server = await serve(out, c.mounts ? c.mounts(dir, { version: env.version }) : {});
    const page = await env.browser.context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const failed = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.url()} HTTP ${r.status()}`));
    try {
      const account = `consumer-${c.name}`;
      const q = new URLSearchParams({ sim: env.sim.url, exe: env.sim.exeUrl, account });
      await page.goto(`${server.url}?${q}`);
      const why = async () => JSON.stringify({ pageErrors, failed, T: await page.evaluate(() => window.T || null).catch(() => null) });
      await waitFor(() => page.evaluate(() => window.T && (window.T.ready !== undefined || window.T.loadError)), {
        ms: 30000,
        what: `${c.name}: STATE_CHANGE ready`,
      }).catch(async (e) => {
        throw new Error(`${e.message}; ${await why()}`);
      });
      const loadError = await page.evaluate(() => window.T.loadError || null);
      assert.equal(loadError, null, `${c.name}: RtVideo.ready rejected: ${loadError}; ${await why()}`);
      const readyMs = await page.evaluate(() => window.T.ready);

      const { sid } = await env.sim.control('call', { account });
      await waitFor(() => page.evaluate((s) => window.T.answered.includes(s) && window.T.events.some((e) => e.type === 'STATE_CHANGE' && e.state === 'busy'), sid), {
        what: `${c.name}: call ${sid} answered (busy)`,
      });
      const t = await page.evaluate(() => window.T);
      assert.deepEqual(t.errors, [], `${c.name}: error callbacks`);
      assert.deepEqual(pageErrors, [], `${c.name}: page errors`);
      assert.equal(await page.evaluate(() => document.body.dataset.sdk), env.version, 'RtVideo.version is the packed version');
      env.rows.push({ name: c.name, label: c.label, config: c.config, buildMs, ...size, readyMs });
      log(`${c.name}: build ${buildMs === null ? '–' : `${buildMs} ms`}, ${size.files} files ${size.rawBytes} B (JS + wasm ${size.gzipBytes} B gzip -9), ready at ${readyMs.toFixed(0)} ms, answered ${sid}`);
    } finally {
      await page.close().catch(() => {});
      await server.stop();
    }
  });
}
