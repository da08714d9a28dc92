// Support of the Firefox ESR smoke tests (tests/firefox/): Debian's
// /usr/bin/firefox-esr driven over WebDriver BiDi by puppeteer-core (Playwright
// cannot drive a stock Firefox). Nothing here uses CDP or Playwright: pages are
// driven with `page.evaluate`, the platform is observed through the
// simulator's control API (`/sim/...`: calls, pushes, faults, link counts).
//
//   cargo build -p rtv-sim && npm run build && npm run build:demo
//   node --test --test-concurrency=1 tests/firefox/*.test.mjs

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import puppeteer from 'puppeteer-core';
import { FIREFOX } from '../../scripts/setup.mjs';
import { startSim as startE2eSim } from '../e2e/support/sim.mjs';
import { startStatic } from '../e2e/support/static.mjs';

/** How long a page condition may take by default. */
const WAIT_MS = 10000;

/**
 * Preferences of the test profile: no first-run pages, updates or telemetry;
 * nothing else is changed from a stock Firefox ESR (the back/forward cache,
 * Web Locks and timer throttling stay as agents have them).
 */
const PREFS = {
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'network.http.http3.enable': false,
};

/** Firefox's own message of an EventSource whose connection failed: not an uncaught error of the page. */
export const NETWORK_ERROR = /^Error: Firefox can.t establish a connection to the server at \S+\.\s*$/;

/**
 * The end-to-end tests' simulator (tests/e2e/support/sim.mjs) on free ports;
 * its SDK options name this suite's system and keep the console quiet.
 */
export async function startSim(args = []) {
  const sim = await startE2eSim(args);
  const options = sim.options;
  return { ...sim, options: (account, extra = {}) => options(account, { systemCode: 'FX', logLevel: 'silent', ...extra }) };
}

/** Launches headless Firefox ESR with a fresh profile (removed on close). */
export async function launchFirefox() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtv-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.RTV_FIREFOX || FIREFOX,
    headless: true,
    userDataDir: dir,
    extraPrefsFirefox: PREFS,
  });
  return {
    browser,
    version: await browser.version(),
    async close() {
      await browser.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One simulator (`simArgs`), one static server (tests/e2e/pages at /, pkg/ at
 * /pkg/) and one Firefox per test file; pages opened with `env.page()` /
 * `env.harness()` are closed after each test.
 */
export function firefoxSuite(simArgs = []) {
  const env = { sim: null, server: null, firefox: null, pages: [] };
  before(async () => {
    env.sim = await startSim(simArgs);
    env.server = await startStatic();
    env.firefox = await launchFirefox();
    console.log(`${env.firefox.version} (${process.env.RTV_FIREFOX || FIREFOX})`);
  });
  afterEach(async () => {
    for (const p of env.pages.splice(0)) await p.close().catch(() => {});
  });
  after(async () => {
    await env.firefox?.close();
    await env.server?.stop();
    await env.sim?.stop();
  });
  /** A new tab (same profile: tabs share Web Locks and BroadcastChannel). */
  env.page = async () => {
    const page = await env.firefox.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => {
      const text = String(e && e.stack ? e.stack : e);
      // Firefox reports a refused EventSource connection as an error entry of
      // the page (Chromium as a console line); the SDK handles it (D97).
      if (!NETWORK_ERROR.test(text)) errors.push(text);
    });
    if (process.env.RTV_FIREFOX_DEBUG) page.on('console', (m) => console.log(`[page] ${m.text()}`));
    page.pageErrors = errors;
    env.pages.push(page);
    return page;
  };
  /** A new tab on the harness page (script-tag build, window.H), wasm ready. */
  env.harness = async (file = 'harness.html') => {
    const h = new Harness(await env.page());
    await h.goto(env.server, file);
    return h;
  };
  return env;
}

/** A harness page (tests/e2e/pages/harness.js) driven with `page.evaluate`. */
export class Harness {
  constructor(page) {
    this.page = page;
  }

  async goto(server, file = 'harness.html') {
    await this.page.goto(`${server.url}${file}`);
    await this.page.evaluate(() => window.H.ready);
  }

  eval(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  /** `new RtVideo(options, recorder)`; resolves with the instance id. */
  make(options) {
    return this.eval((o) => window.H.make(o), options);
  }

  rec(id) {
    return this.eval((i) => window.H.rec(i), id);
  }

  state(id) {
    return this.eval((i) => window.H.state(i), id);
  }

  /** `method(arg)` of instance `id`: `{ok, value}` or `{ok: false, error}`. */
  call(id, method, arg) {
    return this.eval(([i, m, a]) => window.H.call(i, m, a), [id, method, arg]);
  }

  async waitState(id, state, ms = WAIT_MS) {
    await waitFor(async () => (await this.state(id)) === state, { ms, what: `state ${state} of instance ${id}` });
  }

  async waitEvent(id, pred, what = 'event', ms = WAIT_MS) {
    return waitFor(async () => (await this.rec(id)).events.find(pred), { ms, what });
  }

  /** EventSources the page constructed: `[{t, url, opened}]` (tests/e2e/pages/probes.js). */
  eventSources() {
    return this.eval(() => window.__probes.eventSources);
  }

  assertNoPageErrors() {
    if (this.page.pageErrors?.length) throw new Error(`uncaught errors in the page:\n${this.page.pageErrors.join('\n')}`);
  }

  /** Closes the tab as an agent does (its unload handlers run). */
  close() {
    return this.page.close({ runBeforeUnload: true }).catch(() => {});
  }
}

/** Polls `fn` until it returns a truthy value (resolved with it) or `ms` pass. */
export async function waitFor(fn, { ms = WAIT_MS, every = 50, what = 'condition' } = {}) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Live push subscriptions and EXE links of `account` (GET /sim/links). */
export async function links(sim, account) {
  return { subscriptions: 0, subscribesTotal: 0, exeLinks: 0, exeHellos: 0, ...((await sim.control(`links?account=${account}`)) || {}) };
}

/** The simulator's log entries of `account` (optionally only those of `path`). */
export async function logged(sim, account, p) {
  const list = await sim.control(`log?account=${encodeURIComponent(account)}`);
  return p ? list.filter((e) => e.path === p) : list;
}

/** The presence reports (`dispatch/agent/state`) of `account`, in order. */
export async function presences(sim, account) {
  return (await logged(sim, account, 'dispatch/agent/state')).map((e) => e.body && e.body.state);
}

/** The STATE_CHANGE states of a harness record. */
export const changes = (rec) => rec.events.filter((e) => e.type === 'STATE_CHANGE').map((e) => e.data.state);
