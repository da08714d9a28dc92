// Fault tests of the push channel (SSE) against the simulator, in headless
// Chromium: outages (500, wrong content type, dropped or stalled streams),
// rejected credentials, the backoff policy, the ping watchdog, delivery
// exactly once across an outage, and the grace period. Tests that need the
// SDK's fixed timings (45 s watchdog, 30 s backoff cap, 20 s heartbeat) run
// the page on an accelerated clock (pages/clock.js, `speed`).
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/faults-push.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite, quietWindow, waitEventSources, logged, waitPushOpen, primeLastId, placeCall, fireResume } from './support/faults.mjs';

// Pings every 0.75 s real: 15 s of SDK time at speed 20 (the SPEC's interval).
const env = faultSuite(['--ping-interval', '0.75', '--recording-delay', '600']);
const SPEED = 20;
/** Real-time slack of one reconnect (request, status probe, timer), in SDK ms at SPEED. */
const SLACK = 300 * SPEED;
const channel = (account, action) => env.sim.control('push-channel', { account, action });

/** Ready instance of `account` on a fresh page; resolves `{h, id}`. */
async function readyAgent(account, { speed = 1, options = {} } = {}) {
  const h = await env.page({ speed });
  const id = await h.make(fastOptions(env.sim, account, options));
  await h.waitState(id, 'ready');
  return { h, id };
}

test('500 and wrong content type: retried at once, then capped exponential backoff with full jitter, lastEventId kept', async () => {
  const acc = 'p-backoff';
  const { h, id } = await readyAgent(acc, { speed: SPEED, options: { gracePeriod: 600000 } });
  // A delivered message gives the channel a last id to resume from.
  const sid = await placeCall(env.sim, acc);
  await h.waitEvent(id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid);
  await env.sim.control('hangup', { sid });
  await h.waitState(id, 'ready');
  const { id: lastId } = await env.sim.control('push', { account: acc, msgType: 50203, sid, data: { url: 'http://rec/1.mp4' } });
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE');

  const first = (await h.eventSources()).length;
  await channel(acc, 'error500');
  const dropped = await h.eval(() => window.__clock.realNow());
  await channel(acc, 'drop');
  const list = (await waitEventSources(h, first + 13, 40000)).slice(first);
  await channel(acc, 'restore');
  // list[k] is retry k+1 (attempt k); gaps[k] the delay before attempt k+1.
  const gaps = list.slice(1).map((e, k) => (e.t - list[k].t) * SPEED);
  for (const e of list) assert.match(e.url, new RegExp(`[?&]lastEventId=${lastId}(&|$)`), 'the re-created EventSource resumes after the last id');
  const firstRetry = (list[0].t - dropped) * SPEED;
  assert.ok(firstRetry < 1000 + SLACK, `first retry after ${firstRetry} ms: should be at once`);
  const capped = gaps.slice(4); // attempts ≥ 5: ceiling 30 s (1 s · 2^5 capped)
  assert.ok(gaps.every((g) => g <= 30000 + SLACK), `a backoff delay over the 30 s cap: ${gaps.map(Math.round)}`);
  assert.ok(Math.max(...gaps.slice(3)) > 4000, `delays do not grow: ${gaps.map(Math.round)}`);
  assert.ok(!capped.every((g) => g >= 27000), `no jitter: ${gaps.map(Math.round)}`);
  await waitPushOpen(h);
  const r = await h.rec(id);
  assert.equal(r.errorCounts.PUSH_LINK_LOST, 1, 'the outage is reported once');
  assert.equal(r.errorCounts.AUTH, undefined);
  assert.equal(await h.state(id), 'ready', 'no state change within the grace period');

  // Wrong content type (200 text/plain) is an outage too, not a credential problem.
  const before = (await h.eventSources()).length;
  await waitFor(async () => (await h.rec(id)).errors.length === r.errors.length, { what: 'quiet' });
  await channel(acc, 'wrongType');
  await channel(acc, 'drop');
  await waitEventSources(h, before + 3, 20000);
  await channel(acc, 'restore');
  const lost = await waitFor(async () => (await h.rec(id)).errors.slice(r.errors.length).find((e) => e.err.code === 'PUSH_LINK_LOST'), { what: 'second PUSH_LINK_LOST' });
  assert.match(lost.err.msg, /content type/);
  await waitPushOpen(h);
  const r2 = await h.rec(id);
  assert.equal(r2.completes, 0);
  assert.equal(r2.errorCounts.AUTH, undefined);
  h.assertNoPageErrors();
});

test('401 at start: AUTH, stays disconnected, complete() once, never retried', async () => {
  await env.sim.control('auth', { rejectTokens: ['tok-rejected'] });
  try {
    const h = await env.page({ speed: SPEED });
    const id = await h.make(fastOptions(env.sim, 'p-401', { token: 'tok-rejected' }));
    const auth = await h.waitError(id, 'AUTH');
    assert.equal(auth.err.status, 401);
    await waitFor(async () => (await h.rec(id)).completes === 1, { what: 'complete()' });
    await quietWindow(h, 60000); // a minute of SDK time: no retry loop
    const r = await h.rec(id);
    assert.equal((await h.eventSources()).length, 1, 'one subscribe, no retry');
    assert.equal(r.completes, 1);
    assert.equal(await h.state(id), 'disconnected');
    assert.deepEqual(r.events, [], 'no event (the state never left disconnected)');
    assert.deepEqual(Object.keys(r.errorCounts), ['AUTH']);
    const c = await h.counters();
    assert.deepEqual([c.eventSources, c.webSockets, c.timers, c.fetches, c.listeners], [0, 0, 0, 0, 0], 'everything closed after complete()');
    assert.equal((await h.call(id, 'rest')).ok, false, 'methods fail after complete()');
  } finally {
    await env.sim.control('auth', { rejectTokens: [] });
  }
});

test('403 on a reconnect: AUTH, disconnected, complete() once, never retried', async () => {
  const acc = 'p-403';
  const { h, id } = await readyAgent(acc, { speed: SPEED });
  await env.sim.control('fail', { path: 'push-client/subscribe', account: acc, status: 403, times: 50 });
  await channel(acc, 'drop');
  const auth = await h.waitError(id, 'AUTH');
  assert.equal(auth.err.status, 403);
  await h.waitEvent(id, (e) => e.type === 'STATE_CHANGE' && e.data.state === 'disconnected' && e.data.from === 'ready');
  const tries = (await logged(env.sim, acc, 'push-client/subscribe')).length;
  await quietWindow(h, 60000);
  const r = await h.rec(id);
  assert.equal(r.completes, 1);
  assert.equal((await logged(env.sim, acc, 'push-client/subscribe')).length, tries, 'no subscribe after AUTH');
  assert.equal(r.events.at(-1).data.state, 'disconnected', 'nothing after disconnected');
  assert.equal(await h.state(id), 'disconnected');
});

test('no ping for 45 s: the channel is closed and re-opened (pings keep it alive)', async () => {
  const acc = 'p-silent';
  const { h, id } = await readyAgent(acc, { speed: SPEED, options: { gracePeriod: 600000 } });
  const n0 = (await h.eventSources()).length;
  await quietWindow(h, 90000); // pings every 15 s: no reconnect in 90 s
  assert.equal((await h.eventSources()).length, n0, 'a healthy channel is not re-opened');
  await channel(acc, 'stall');
  const list = await waitEventSources(h, n0 + 1, 20000);
  await channel(acc, 'restore');
  const silence = (list[n0].t - list[n0 - 1].lastActivity) * SPEED;
  assert.ok(silence >= 45000 - SLACK / 2 && silence <= 45000 + SLACK, `reconnected after ${Math.round(silence)} ms of silence`);
  await waitPushOpen(h);
  const r = await h.rec(id);
  assert.equal(r.errorCounts.PUSH_LINK_LOST, 1);
  assert.equal(await h.state(id), 'ready');
});

test('messages of an outage are delivered exactly once after reconnect; a replayed id is dropped', async () => {
  const acc = 'p-queue';
  const { h, id } = await readyAgent(acc, { options: { gracePeriod: 600000 } });
  await primeLastId(env.sim, h, id, acc);
  const n0 = (await h.eventSources()).length;
  await channel(acc, 'error500');
  await channel(acc, 'drop');
  await waitEventSources(h, n0 + 2);
  // Rings and ends while the agent cannot hear it: both wait in the buffer.
  const sid = await placeCall(env.sim, acc);
  await env.sim.control('hangup', { sid, msgType: 30017 });
  const { id: recId } = await env.sim.control('push', { account: acc, msgType: 50203, sid, data: { url: 'http://rec/q.mp4' } });
  await channel(acc, 'restore');
  await fireResume(h, 'online');
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === 'http://rec/q.mp4');
  // A replay of an old id (a server overlap or a duplicate), then a sentinel.
  await env.sim.control('push', { account: acc, msgType: 50203, sid, data: { url: 'http://rec/dup.mp4' }, id: recId });
  await env.sim.control('push', { account: acc, msgType: 50203, sid, data: { url: 'http://rec/sentinel.mp4' } });
  // And a reconnect whose replay starts at the SDK's last id.
  await h.waitEvent(id, (e) => e.data.url === 'http://rec/sentinel.mp4');
  await channel(acc, 'drop');
  await env.sim.control('push', { account: acc, msgType: 50203, sid, data: { url: 'http://rec/after.mp4' } });
  await h.waitEvent(id, (e) => e.data.url === 'http://rec/after.mp4');
  const r = await h.rec(id);
  const types = r.events.map((e) => e.type + (e.data.state ? `:${e.data.state}` : ''));
  assert.deepEqual(types, [
    'STATE_CHANGE:ready',
    'VIDEOTAPE',
    'STATE_CHANGE:wait',
    'INCOMING_CALL',
    'INCOMING_CALL_HANGUP',
    'STATE_CHANGE:ready',
    'VIDEOTAPE',
    'VIDEOTAPE',
    'VIDEOTAPE',
  ]);
  assert.equal(r.counts.INCOMING_CALL, 1);
  assert.equal(r.counts.INCOMING_CALL_HANGUP, 1);
  assert.deepEqual(
    r.events.filter((e) => e.type === 'VIDEOTAPE').map((e) => e.data.url),
    [`http://rec/prime-${acc}.mp4`, 'http://rec/q.mp4', 'http://rec/sentinel.mp4', 'http://rec/after.mp4'],
  );
  assert.deepEqual(Object.keys(r.errorCounts), ['PUSH_LINK_LOST'], 'the duplicate is dropped silently');
  assert.equal(await h.state(id), 'ready');
});

test('online, pageshow (from the back/forward cache) and reconnect() retry the push channel at once', async () => {
  for (const kind of ['online', 'pageshow', 'reconnect']) {
    // A fresh instance each: its backoff starts from the first step.
    const acc = `p-resume-${kind}`;
    const { h, id } = await readyAgent(acc, { options: { gracePeriod: 600000 } });
    const n0 = (await h.eventSources()).length;
    await channel(acc, 'error500');
    await channel(acc, 'drop');
    await waitEventSources(h, n0 + 3, 20000); // the backoff has grown past its first steps
    // No attempt in flight when the channel comes back (one that is would
    // simply succeed, and no new EventSource would follow the resume).
    await waitFor(async () => (await h.eventSources()).at(-1).failed !== null, { what: 'the last attempt failed' });
    await channel(acc, 'restore');
    const n1 = (await h.eventSources()).length;
    const t = kind === 'reconnect' ? await h.eval((i) => (window.H.get(i).reconnect(), window.__clock.realNow()), id) : await fireResume(h, kind);
    const list = await waitEventSources(h, n1 + 1);
    assert.ok(list[n1].t - t < 500, `${kind}: retried after ${Math.round(list[n1].t - t)} ms`);
    await waitPushOpen(h);
    assert.equal(await h.state(id), 'ready');
  }
});

test('an outage shorter than the grace period (default 5 s) changes no state', async () => {
  const acc = 'p-grace-short';
  const { h, id } = await readyAgent(acc);
  const n0 = (await h.eventSources()).length;
  const t0 = Date.now();
  await channel(acc, 'error500');
  await channel(acc, 'drop');
  await waitEventSources(h, n0 + 2);
  await channel(acc, 'restore');
  await fireResume(h, 'online');
  await waitPushOpen(h);
  // Stay past the default grace period measured from the outage.
  await quietWindow(h, Math.max(0, 5000 - (Date.now() - t0)) + 1000);
  const r = await h.rec(id);
  assert.deepEqual(r.events.map((e) => e.data.state), ['ready'], 'no disconnected');
  assert.equal(r.errorCounts.DISCONNECTED, undefined);
});

test('an outage longer than the grace period: disconnected, then ready; in a call: busy with RECOVERY_CALL', async () => {
  const acc = 'p-grace-long';
  const { h, id } = await readyAgent(acc, { options: { gracePeriod: 1000 } });
  const outage = async () => {
    const seen = (await h.rec(id)).errors.length;
    await channel(acc, 'error500');
    await channel(acc, 'drop');
    await waitFor(async () => (await h.rec(id)).errors.slice(seen).some((e) => e.err.code === 'DISCONNECTED'), { what: 'DISCONNECTED' });
    await channel(acc, 'restore');
    await fireResume(h, 'online');
  };
  await outage();
  await h.waitState(id, 'ready');
  let r = await h.rec(id);
  assert.deepEqual(r.events.map((e) => e.data.state), ['ready', 'disconnected', 'ready']);

  // During a call: the platform keeps the session; the SDK recovers it.
  const sid = await placeCall(env.sim, acc);
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  await waitFor(async () => (await logged(env.sim, acc, 'start')).length === 1, { what: 'EXE start' });
  const seen = (await h.rec(id)).events.length;
  await env.sim.control('log/clear', { account: acc });
  await outage();
  const rec = await h.waitEvent(id, (e) => e.type === 'RECOVERY_CALL');
  assert.equal(rec.data.sid, sid);
  assert.equal(rec.data.role, 'owner');
  await h.waitState(id, 'busy');
  await waitFor(async () => (await logged(env.sim, acc, 'start')).some((e) => e.body.sid === sid), { what: 'EXE start again' });
  r = await h.rec(id);
  const after = r.events
    .slice(seen)
    .filter((e) => e.type !== 'EXE_EVENT') // the fake EXE's stream status reports
    .map((e) => e.type + (e.data.state ? `:${e.data.state}` : ''));
  assert.deepEqual(after, ['STATE_CHANGE:disconnected', 'STATE_CHANGE:busy', 'RECOVERY_CALL']);
  assert.equal(r.counts.INCOMING_CALL, 1, 'no second ringing');
  await env.sim.control('hangup', { sid });
  await h.waitState(id, 'ready');
});

test('hidden tab with timers throttled to once a minute: heartbeats still every ≤ 30 s, driven by pings', async () => {
  const acc = 'p-hidden';
  const h = await env.page({ speed: SPEED, throttle: 60000 });
  const id = await h.make(fastOptions(env.sim, acc, { gracePeriod: 600000 }));
  await h.waitState(id, 'ready');
  await h.eval(() => window.__clock.hide(true));
  await env.sim.control('log/clear', { account: acc });
  const deferred0 = await h.eval(() => window.__clock.deferred);
  await quietWindow(h, 150000); // two and a half throttled minutes
  const beats = await logged(env.sim, acc, 'dispatch/agent/heartbeat');
  const deferred = (await h.eval(() => window.__clock.deferred)) - deferred0;
  await h.eval(() => window.__clock.hide(false));
  const gaps = beats.slice(1).map((b, k) => (b.t - beats[k].t) * SPEED);
  console.log(`hidden tab: ${beats.length} heartbeats in 150 s (SDK time), gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join(' ')} s; ${deferred} timers throttled`);
  assert.ok(deferred > 0, 'the throttle held back some SDK timer');
  assert.ok(beats.length >= 4, `only ${beats.length} heartbeats in 150 s`);
  assert.ok(gaps.every((g) => g <= 30000 + SLACK), `heartbeat gaps ${gaps.map(Math.round)} ms`);
  assert.ok(beats.every((b) => b.body.state === 'ready'));
  assert.equal(await h.state(id), 'ready');
});
