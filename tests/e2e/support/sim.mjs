// Shared support of the end-to-end tests: start the platform simulator on
// free 127.0.0.1 ports, talk to its control API, and launch headless
// Chromium (Debian's /usr/bin/chromium through playwright-core).
//
// The simulator binary is built by the test command (`cargo build -p rtv-sim`)
// before these tests run; it is started by scripts/lib/sim.mjs, as for
// `npm start` and the browser tests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startSim as runSim } from '../../../scripts/lib/sim.mjs';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/**
 * The built demo and package the tests load. RTV_E2E_WWW / RTV_E2E_PKG point
 * them at other copies, e.g. a deliberately broken one, to prove that a test
 * fails when the SDK is wrong without touching the shared pkg/.
 */
export const WWW_DIR = process.env.RTV_E2E_WWW || path.join(ROOT, 'www-demo', 'dist');
export const PKG_DIR = process.env.RTV_E2E_PKG || path.join(ROOT, 'pkg');
/** Where tests save screenshots and other artefacts. */
export const OUT_DIR = path.join(ROOT, 'test-results');

/**
 * Starts a simulator on free ports (the test command built it). `args`: extra
 * flags (e.g. `['--ping-interval', '1']`). Its log is shown with RTV_SIM_VERBOSE=1.
 * Resolves to `{ url, exeUrl, control(path, body?), options(account), stop() }`;
 * `url` ends with `/`.
 */
export async function startSim(args = []) {
  const started = await runSim(
    ['--port', '0', '--exe-port', '0', '--www', WWW_DIR, '--pkg', PKG_DIR, ...args],
    { quiet: !process.env.RTV_SIM_VERBOSE },
  );
  const url = started.base;
  return {
    url,
    exeUrl: started.exeUrl,
    /** POSTs `body` (or GETs when `body` is undefined and `method` is not given) to `/sim/<p>`. */
    async control(p, body, method) {
      const m = method || (body === undefined ? 'GET' : 'POST');
      const res = await fetch(`${url}sim/${p}`, {
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
        sseServerUrl: `${url}push-client/`,
        videoServiceUrl: `${url}rtv/`,
        stateServiceUrl: `${url}dispatch/`,
        exeUrl: started.exeUrl,
        ...extra,
      };
    },
    stop: started.stop,
  };
}

/**
 * Registers before/after hooks that start a simulator (with `args`) and a
 * browser for the test file; returns `{ sim, browser }`, set once `before` ran.
 */
export function simSuite(args = []) {
  const env = { sim: null, browser: null };
  before(async () => {
    env.sim = await startSim(args);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.sim?.stop();
  });
  return env;
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
 * Launches headless Chromium with a fresh profile (`ignoreDefaultArgs`: e.g.
 * Playwright's `--disable-back-forward-cache`, for back/forward cache tests). Resolves to
 * `{ browser, context, close() }`; `context` is a persistent context whose
 * user-data-dir is removed on close.
 */
export async function launchBrowser(extraArgs = [], { ignoreDefaultArgs } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtv-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.RTV_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROME_ARGS, ...extraArgs],
    ignoreDefaultArgs,
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
