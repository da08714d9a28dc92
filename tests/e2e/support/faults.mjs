// Shared set-up of the fault tests: one simulator, one static server and one
// browser per test file, a fresh harness page per test, and small helpers to
// read what the SDK did (EventSource attempts, simulator log entries).

import { before, after, afterEach } from 'node:test';
import { simSuite, waitFor } from './sim.mjs';
import { startStatic } from './static.mjs';
import { Harness } from './harness.mjs';

/**
 * Registers before/after hooks; returns an object whose `sim`, `server` and
 * `browser` are set once the hooks ran, plus `page(opts)` that opens a
 * harness page closed after the test.
 */
export function faultSuite(simArgs = []) {
  const env = Object.assign(simSuite(simArgs), { server: null, pages: [] });
  before(async () => {
    env.server = await startStatic();
  });
  // Close each test's pages: Chromium allows 6 connections per host, and
  // every live instance holds one for its push channel.
  afterEach(async () => {
    for (const p of env.pages.splice(0)) await p.close();
  });
  after(async () => {
    await env.server?.stop();
  });
  env.page = async (opts) => {
    const h = await Harness.open(env.browser.context, env.server, opts);
    env.pages.push(h);
    return h;
  };
  return env;
}

/** Waits `ms` of SDK time on page `h` (real time / speed): only for "nothing happens" windows. */
export function quietWindow(h, ms) {
  return h.eval((t) => new Promise((r) => window.__clock.realSetTimeout(r, t / window.__clock.speed)), ms);
}

/** Waits until page `h` constructed at least `n` EventSources; resolves with the list. */
export function waitEventSources(h, n, ms = 10000) {
  return waitFor(
    async () => {
      const list = await h.eventSources();
      return list.length >= n && list;
    },
    { ms, what: `${n} EventSources` },
  );
}

/** The simulator's log entries of `account` whose path is `path`. */
export async function logged(sim, account, path) {
  const list = await sim.control(`log?account=${encodeURIComponent(account)}`);
  return list.filter((e) => e.path === path);
}

/**
 * Waits until the newest EventSource of page `h` is open (the simulator's
 * stream count is no help: the SDK's status probe opens streams too).
 */
export function waitPushOpen(h, ms = 10000) {
  return waitFor(async () => (await h.eventSources()).at(-1)?.opened, { ms, what: 'push channel open' });
}

/** Pushes a recording link (50203, accepted in any state) and waits for it: the channel then has a last id. */
export async function primeLastId(sim, h, id, account) {
  const url = `http://rec/prime-${account}.mp4`;
  const { id: lastId } = await sim.control('push', { account, msgType: 50203, sid: 'S-prime', data: { url } });
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === url);
  return lastId;
}

/** Places a customer call to `account`; resolves with the sid. */
export async function placeCall(sim, account) {
  return (await sim.control('call', { account })).sid;
}

/** Dispatches `online` (or a persisted `pageshow`) in the page: the SDK should retry at once. */
export function fireResume(h, kind = 'online') {
  return h.eval((k) => {
    const ev = k === 'online' ? new Event('online') : new PageTransitionEvent('pageshow', { persisted: true });
    window.dispatchEvent(ev);
    return window.__clock.realNow();
  }, kind);
}
