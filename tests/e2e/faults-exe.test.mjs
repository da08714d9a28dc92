// Fault tests of the EXE link (the local video client's WebSocket, SPEC §4.4)
// against the simulator's fake EXE: a crash, a refusing EXE (backoff, capped
// at 10 s, and reconnect() at once), a silent EXE (reply timeout), garbage
// and replies to unknown ids, and a page reload during a call.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/faults-exe.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite, logged, placeCall } from './support/faults.mjs';

const env = faultSuite(['--ping-interval', '0.5', '--recording-delay', '600']);
const exe = (account, action) => env.sim.control('exe', { account, action });

/** A busy instance of `account` (call answered, EXE started); resolves `{h, id, sid}`. */
async function inCall(account, { speed = 1, options = {} } = {}) {
  const h = await env.page({ speed });
  const id = await h.make(fastOptions(env.sim, account, options));
  await h.waitState(id, 'ready');
  const sid = await placeCall(env.sim, account);
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  await waitFor(async () => (await starts(account, sid)) === 1, { what: 'EXE start' });
  return { h, id, sid };
}

/** How many `start` frames for `sid` the fake EXE received from `account`. */
async function starts(account, sid) {
  return (await logged(env.sim, account, 'start')).filter((e) => e.body.sid === sid).length;
}

/** Codes of the EXE_EVENTs instance `id` reported after index `from`. */
async function exeEvents(h, id, from = 0) {
  return (await h.rec(id)).events.slice(from).filter((e) => e.type === 'EXE_EVENT').map((e) => e.data.code);
}

test('EXE crash during a call: EXE_EVENT and error once, reconnected, `start` sent again, still busy', async () => {
  const acc = 'e-crash';
  const { h, id, sid } = await inCall(acc);
  const seen = (await h.rec(id)).events.length;
  const ws0 = (await h.webSockets()).length;
  await exe(acc, 'crash');
  await waitFor(async () => (await starts(acc, sid)) === 2, { what: 'start sent again' });
  const codes = (await exeEvents(h, id, seen)).filter((c) => c !== 'EXE_STREAM');
  assert.deepEqual(codes, ['EXE_LINK_LOST', 'EXE_LINK_RESTORED']);
  const r = await h.rec(id);
  assert.deepEqual(Object.keys(r.errorCounts), ['EXE_LINK_LOST']);
  assert.equal(r.errorCounts.EXE_LINK_LOST, 1);
  assert.equal((await h.webSockets()).length, ws0 + 1, 'one reconnect (the first retry is at once)');
  assert.ok(!r.events.slice(seen).some((e) => e.type === 'STATE_CHANGE'), 'no state change within the grace period');
  assert.equal(await h.state(id), 'busy');
  await env.sim.control('hangup', { sid });
  await h.waitState(id, 'ready');
});

test('EXE refusing connections: capped backoff (≤ 10 s), reported once; reconnect() retries at once', async () => {
  const SPEED = 10;
  const acc = 'e-refuse';
  const h = await env.page({ speed: SPEED });
  const id = await h.make(fastOptions(env.sim, acc, { gracePeriod: 600000 }));
  await h.waitState(id, 'ready');
  const ws0 = (await h.webSockets()).length;
  await exe(acc, 'refuse');
  // Attempts: at once, then ≤ 1, 2, 4, 8, 10, 10, ... s.
  const list = await waitFor(async () => ((await h.webSockets()).length >= ws0 + 9 ? h.webSockets() : null), { what: '9 EXE attempts', ms: 30000 });
  const tries = list.slice(ws0);
  const gaps = tries.slice(1).map((w, k) => (w.t - tries[k].t) * SPEED);
  assert.ok(gaps.every((g) => g <= 10000 + 300 * SPEED), `a delay over the 10 s cap: ${gaps.map(Math.round)}`);
  assert.ok(Math.max(...gaps) > 2000, `delays do not grow: ${gaps.map(Math.round)}`);
  let r = await h.rec(id);
  assert.equal(r.errorCounts.EXE_LINK_LOST, 1, 'reported once per outage');
  assert.equal(await h.state(id), 'ready');

  // reconnect() while the EXE still refuses, three times, each time with the
  // backoff back at its cap (a scheduled retry then waits a uniform 0..10 s):
  // SPEC's 0.5 s three times in a row cannot be a scheduled retry (~1e-4).
  let base = ws0 + 9;
  for (let round = 1; round <= 3; round++) {
    await waitSocketsFailed(h, base);
    const { n, t } = await h.eval((i) => {
      const n = window.__probes.webSockets.length;
      const t = window.__clock.realNow();
      window.H.get(i).reconnect();
      return { n, t };
    }, id);
    const next = await waitFor(async () => (await h.webSockets())[n], { what: `reconnect() attempt, round ${round}` });
    const took = (next.t - t) * SPEED;
    assert.ok(took <= 500, `round ${round}: reconnect() opened the socket after ${Math.round(took)} ms (SDK time)`);
    // reconnect() started the backoff over: six failures put it at the cap again.
    base = n + 6;
  }

  await waitSocketsFailed(h, base - 5);
  await exe(acc, 'restore');
  const rc = await h.call(id, 'reconnect');
  assert.equal(rc.ok, true);
  await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.code === 'EXE_LINK_RESTORED');
  r = await h.rec(id);
  assert.equal(r.errorCounts.EXE_LINK_LOST, 1);
  assert.equal(await h.state(id), 'ready');
});

/** Waits until page `h` made at least `n` EXE sockets and the newest closed (the SDK then drew its next delay). */
async function waitSocketsFailed(h, n) {
  await waitFor(
    async () => {
      const list = await h.webSockets();
      return list.length >= n && list.at(-1).closed !== null;
    },
    { what: `${n} failed EXE attempts`, ms: 30000 },
  );
  // Let the SDK's own close handler run (it may come after the probe's).
  await h.eval(() => new Promise((r) => window.__clock.realSetTimeout(r, 20)));
}

test('silent EXE (default 10 s reply timeout): snapshot TIMEOUT, link re-opened, streams restarted', async () => {
  const SPEED = 10;
  const acc = 'e-silent';
  const { h, id, sid } = await inCall(acc, { speed: SPEED, options: { gracePeriod: 600000 } });
  await exe(acc, 'silence');
  const t = await h.eval(() => window.__clock.realNow());
  const snap = await h.call(id, 'snapshot', 'player');
  const waited = ((await h.eval(() => window.__clock.realNow())) - t) * SPEED;
  assert.equal(snap.ok, false);
  assert.equal(snap.error.code, 'TIMEOUT');
  assert.ok(waited >= 9500 && waited <= 10000 + 300 * SPEED, `timed out after ${Math.round(waited)} ms`);
  await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.code === 'EXE_LINK_LOST');
  await exe(acc, 'restore');
  await h.call(id, 'reconnect');
  await waitFor(async () => (await starts(acc, sid)) === 2, { what: 'start sent again', ms: 20000 });
  await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.code === 'EXE_LINK_RESTORED');
  const r = await h.rec(id);
  assert.equal(r.errorCounts.TIMEOUT, 1);
  assert.equal(r.errorCounts.EXE_LINK_LOST, 1);
  assert.equal(await h.state(id), 'busy');
  const ok = await h.call(id, 'snapshot', 'pusher');
  assert.equal(ok.ok, true);
  assert.match(ok.value.base64, /^data:image\/png;base64,/);
  await env.sim.control('hangup', { sid });
});

test('EXE garbage and a reply to an unknown id: BAD_MESSAGE and UNKNOWN_REPLY once each, link kept', async () => {
  const acc = 'e-garbage';
  const h = await env.page();
  const id = await h.make(fastOptions(env.sim, acc));
  await h.waitState(id, 'ready');
  const ws0 = (await h.webSockets()).length;
  await exe(acc, 'garbage');
  await waitFor(async () => Object.keys((await h.rec(id)).errorCounts).length >= 2, { what: 'two errors' });
  const r = await h.rec(id);
  assert.deepEqual(r.errors.map((e) => e.err.code).sort(), ['BAD_MESSAGE', 'UNKNOWN_REPLY']);
  assert.equal((await h.webSockets()).length, ws0, 'the link stays open');
  assert.deepEqual(r.events.map((e) => e.type), ['STATE_CHANGE']);
  assert.equal(await h.state(id), 'ready');
  // Still usable: a rest/back round trip works.
  assert.equal((await h.call(id, 'rest')).ok, true);
  assert.equal((await h.call(id, 'back')).ok, true);
});

test('page reload during a call: RECOVERY_CALL (no second ringing), EXE streams restarted', async () => {
  const acc = 'e-reload';
  const { h, sid } = await inCall(acc);
  await h.goto(env.server);
  const id = await h.make(fastOptions(env.sim, acc));
  const rec = await h.waitEvent(id, (e) => e.type === 'RECOVERY_CALL');
  assert.equal(rec.data.sid, sid);
  assert.equal(rec.data.role, 'owner');
  assert.ok(rec.data.streams && rec.data.streams.pushUrl, 'the session streams come with it');
  await h.waitState(id, 'busy');
  await waitFor(async () => (await starts(acc, sid)) === 2, { what: 'start after reload' });
  const r = await h.rec(id);
  assert.equal(r.counts.INCOMING_CALL, undefined, 'no second ringing');
  assert.deepEqual(
    r.events.filter((e) => e.type === 'STATE_CHANGE').map((e) => e.data.state),
    ['busy'],
    'straight from disconnected to busy',
  );
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  assert.equal(await h.state(id), 'ready');
});
