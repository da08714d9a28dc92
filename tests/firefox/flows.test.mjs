// Firefox ESR smoke: calls through the script-tag build on the harness page
// (tests/e2e/pages/harness.html) against the simulator: a call answered,
// snapshot and hung up; a transfer between two agents; a push-channel outage
// after which nothing is lost and nothing is delivered twice.
//
//   node --test --test-concurrency=1 tests/firefox/flows.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changes, firefoxSuite, logged, waitFor } from './support.mjs';

const env = firefoxSuite();

/** A harness tab with one instance for `account` in `ready`. */
async function readyAgent(account, extra = {}) {
  const h = await env.harness();
  const id = await h.make(env.sim.options(account, extra));
  await h.waitState(id, 'ready');
  return { h, id };
}

async function ring(h, id, account) {
  const { sid } = await env.sim.control('call', { account });
  await h.waitEvent(id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL');
  await h.waitState(id, 'wait');
  return sid;
}

const session = async (sid) => (await env.sim.control('sessions')).find((s) => s.sid === sid);

test('a call answered, snapshot (both pictures decode), hung up', async () => {
  const account = 'fx-call';
  const { h, id } = await readyAgent(account);
  const sid = await ring(h, id, account);
  const answered = await h.call(id, 'answer', sid);
  assert.ok(answered.ok, JSON.stringify(answered));
  assert.equal(await h.state(id), 'busy');
  assert.equal((await session(sid)).owner, account);
  for (const type of ['player', 'pusher']) {
    const r = await h.call(id, 'snapshot', type);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.type, type);
    assert.ok(r.value.base64.startsWith('data:image/png;base64,'), r.value.base64.slice(0, 40));
    // Firefox decodes it into a picture.
    const size = await h.eval(
      (src) =>
        new Promise((resolve) => {
          const img = new Image();
          img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
          img.onerror = () => resolve([0, 0]);
          img.src = src;
        }),
      r.value.base64,
    );
    assert.ok(size[0] > 0 && size[1] > 0, `${type} snapshot decodes: ${size}`);
  }
  assert.equal((await h.rec(id)).counts.SNAPSHOT, 2);
  const hung = await h.call(id, 'hangUp', sid);
  assert.ok(hung.ok, JSON.stringify(hung));
  assert.equal(await h.state(id), 'ready');
  assert.equal((await session(sid)).phase, 'ended');
  const exe = (await logged(env.sim, account)).filter((e) => e.kind === 'exe').map((e) => e.path);
  assert.deepEqual(exe, ['hello', 'start', 'snapshot', 'snapshot', 'stop']);
  const rec = await h.rec(id);
  assert.deepEqual(changes(rec), ['ready', 'wait', 'busy', 'ready']);
  assert.deepEqual(rec.errors, []);
  h.assertNoPageErrors();
});

test('a transfer: the colleague accepts and owns the call, the asker is free', async () => {
  const a = await readyAgent('fx-tr-a');
  const b = await readyAgent('fx-tr-b');
  const sid = await ring(a.h, a.id, 'fx-tr-a');
  assert.ok((await a.h.call(a.id, 'answer', sid)).ok);
  const asked = await a.h.call(a.id, 'askChangePerson', { sid, newer: 'fx-tr-b' });
  assert.ok(asked.ok, JSON.stringify(asked));
  await b.h.waitEvent(b.id, (e) => e.type === 'EXCHANGE_CALL' && e.data.msgType === 20100 && e.data.sid === sid, 'the ask (20100) at b');
  const accepted = await b.h.call(b.id, 'acceptChangePerson', { sid });
  assert.ok(accepted.ok, JSON.stringify(accepted));
  await b.h.waitState(b.id, 'busy');
  await b.h.waitEvent(b.id, (e) => e.type === 'EXCHANGE_CALL' && e.data.msgType === 50201, 'the streams (50201) at b');
  await a.h.waitEvent(a.id, (e) => e.type === 'EXCHANGE_CALL' && e.data.msgType === 20101, 'accepted (20101) at a');
  await a.h.waitState(a.id, 'ready');
  const s = await session(sid);
  assert.equal(s.owner, 'fx-tr-b');
  assert.equal(s.ask, null);
  await waitFor(async () => (await logged(env.sim, 'fx-tr-a')).some((e) => e.kind === 'exe' && e.path === 'stop' && e.body.sid === sid), {
    what: 'EXE stop at the old owner',
  });
  await waitFor(async () => (await logged(env.sim, 'fx-tr-b')).some((e) => e.kind === 'exe' && e.path === 'start' && e.body.sid === sid), {
    what: 'EXE start at the new owner',
  });
  assert.ok((await b.h.call(b.id, 'hangUp', sid)).ok);
  assert.equal((await session(sid)).phase, 'ended');
  a.h.assertNoPageErrors();
  b.h.assertNoPageErrors();
});

test('a push outage: what was pushed meanwhile arrives once, in order, after the channel is back', async () => {
  const account = 'fx-outage';
  const channel = (action) => env.sim.control('push-channel', { account, action });
  const { h, id } = await readyAgent(account, { gracePeriod: 600000 });
  // A delivered message gives the channel a last id to resume from.
  await env.sim.control('push', { account, msgType: 50203, sid: 'S-prime', data: { url: 'http://rec/prime.mp4' } });
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === 'http://rec/prime.mp4', 'the first VIDEOTAPE');
  const n0 = (await h.eventSources()).length;
  await channel('error500');
  await channel('drop');
  await waitFor(async () => (await h.eventSources()).length >= n0 + 2, { what: 'reconnect attempts during the outage' });
  // A call rings and ends while the agent cannot hear it; a recording follows.
  const { sid } = await env.sim.control('call', { account });
  await env.sim.control('hangup', { sid, msgType: 30017 });
  await env.sim.control('push', { account, msgType: 50203, sid, data: { url: 'http://rec/during.mp4' } });
  await channel('restore');
  // `online` retries at once (else the backoff decides when).
  await h.eval(() => window.dispatchEvent(new Event('online')));
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === 'http://rec/during.mp4', 'the VIDEOTAPE of the outage');
  // A sentinel after the outage: everything before it has arrived.
  await env.sim.control('push', { account, msgType: 50203, sid, data: { url: 'http://rec/after.mp4' } });
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === 'http://rec/after.mp4', 'the sentinel');
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
  ]);
  assert.deepEqual(
    r.events.filter((e) => e.type === 'VIDEOTAPE').map((e) => e.data.url),
    ['http://rec/prime.mp4', 'http://rec/during.mp4', 'http://rec/after.mp4'],
  );
  assert.deepEqual(Object.keys(r.errorCounts), ['PUSH_LINK_LOST']);
  assert.equal(await h.state(id), 'ready');
  h.assertNoPageErrors();
});
