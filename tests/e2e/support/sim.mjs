// Shared support of the end-to-end tests: start the platform simulator on
// free 127.0.0.1 ports, talk to its control API, and launch headless
// Chromium (Debian's /usr/bin/chromium through playwright-core).
//
// The simulator binary is built by the test command (`cargo build -p rtv-sim`)
// before these tests run; RTV_SIM_BIN overrides its path.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where tests save screenshots and other artefacts. */
export const OUT_DIR = path.join(ROOT, 'test-results');

const SIM_BIN = process.env.RTV_SIM_BIN || path.join(ROOT, 'target', 'debug', 'rtv-sim');

/**
 * Starts a simulator on free ports. `args`: extra flags (e.g. `['--ping-interval', '1']`).
 * Resolves to `{ url, exeUrl, control(path, body?), stop() }`; `url` ends with `/`.
 */
export async function startSim(args = []) {
  if (!existsSync(SIM_BIN)) throw new Error(`${SIM_BIN} is missing: run \`cargo build -p rtv-sim\` first`);
  const child = spawn(
    SIM_BIN,
    ['--port', '0', '--exe-port', '0', '--www', path.join(ROOT, 'www-demo', 'dist'), '--pkg', path.join(ROOT, 'pkg'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = [];
  const remember = (l) => {
    lines.push(l);
    if (lines.length > 400) lines.shift();
    if (process.env.RTV_SIM_VERBOSE) console.log(`[sim] ${l}`);
  };
  createInterface({ input: child.stderr }).on('line', remember);
  const out = createInterface({ input: child.stdout });
  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rtv-sim did not start in 20 s:\n${lines.join('\n')}`)), 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rtv-sim exited with ${code}:\n${lines.join('\n')}`));
    });
    out.on('line', (l) => {
      remember(l);
      const m = /^rtv-sim listening on (http:\/\/\S+?)\/? exe (ws:\/\/\S+)/.exec(l);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `${m[1]}/`, exeUrl: m[2] });
      }
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    ...started,
    /** The simulator's recent output (for failure messages). */
    output: () => lines.join('\n'),
    /** POSTs `body` (or GETs when `body` is undefined and `method` is not given) to `/sim/<p>`. */
    async control(p, body, method) {
      const m = method || (body === undefined ? 'GET' : 'POST');
      const res = await fetch(`${started.url}sim/${p}`, {
        method: m,
        headers: { 'Content-Type': 'application/json' },
        body: m === 'GET' ? undefined : JSON.stringify(body ?? {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`sim/${p} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    /** SDK options pointing at this simulator. */
    options(account, extra = {}) {
      return {
        systemCode: 'E2E',
        account,
        sseServerUrl: `${started.url}push-client/`,
        videoServiceUrl: `${started.url}rtv/`,
        stateServiceUrl: `${started.url}dispatch/`,
        exeUrl: started.exeUrl,
        ...extra,
      };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches headless Chromium with a fresh profile. Resolves to
 * `{ browser, context, close() }`; `context` is a persistent context whose
 * user-data-dir is removed on close.
 */
export async function launchBrowser(extraArgs = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtv-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.RTV_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROME_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value (resolved with it) or `ms` pass. */
export async function waitFor(fn, { ms = 10000, every = 50, what = 'condition' } = {}) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, every));
  }
}
