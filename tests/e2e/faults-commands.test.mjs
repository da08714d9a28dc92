// Fault tests of the HTTP commands (SPEC §4): a command that times out, gets
// a 5xx, a network error or a body that is not the envelope fails with
// TIMEOUT / HTTP_ERROR / BAD_RESPONSE and changes no state; a business code
// is an HTTP_BACK event only; a double click sends one request.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/faults-commands.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite, logged, placeCall } from './support/faults.mjs';

const env = faultSuite(['--ping-interval', '1', '--recording-delay', '600']);
const HTTP_TIMEOUT = 600;
const fail = (fault) => env.sim.control('fail', fault);

/** A ready instance of `account` whose commands time out after HTTP_TIMEOUT ms; resolves `{h, id}`. */
async function readyAgent(account, options = {}) {
  const h = await env.page();
  const id = await h.make(fastOptions(env.sim, account, { httpTimeout: HTTP_TIMEOUT, ...options }));
  await h.waitState(id, 'ready');
  return { h, id };
}

/** Rings a call at `account` and waits until the instance is `wait`; resolves the sid. */
async function ringing(h, id, account) {
  const sid = await placeCall(env.sim, account);
  await h.waitEvent(id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid);
  await h.waitState(id, 'wait');
  return sid;
}

test('answer and hangUp: timeout, 5xx, non-envelope bodies fail locally and change no state', async () => {
  const acc = 'c-fail';
  const { h, id } = await readyAgent(acc);
  const sid = await ringing(h, id, acc);
  const path = 'rtv/call/answer';
  const cases = [
    // The late 504 must be ignored: the request already timed out.
    [{ delayMs: HTTP_TIMEOUT * 3, status: 504 }, 'TIMEOUT'],
    [{ status: 500 }, 'HTTP_ERROR'],
    [{ status: 404, body: '{"code":0,"msg":"ok","data":null}' }, 'HTTP_ERROR'],
    [{ body: '<html>502 Bad Gateway</html>' }, 'BAD_RESPONSE'],
    [{ body: '{"ok":true}' }, 'BAD_RESPONSE'],
    [{ body: '{"code":"0","msg":"ok","data":null}' }, 'BAD_RESPONSE'],
    [{ body: '[0,"ok"]' }, 'BAD_RESPONSE'],
  ];
  for (const [fault, code] of cases) {
    const before = (await h.rec(id)).errors.length;
    await fail({ path, account: acc, ...fault });
    const res = await h.call(id, 'answer', sid);
    assert.equal(res.ok, false, `${JSON.stringify(fault)} must fail`);
    assert.equal(res.error.code, code, `${JSON.stringify(fault)} → ${code}`);
    assert.equal(typeof res.error.msg, 'string');
    const errs = (await h.rec(id)).errors.slice(before).map((e) => e.err.code);
    assert.deepEqual(errs, [code], `reported once through error: ${JSON.stringify(fault)}`);
    assert.equal(await h.state(id), 'wait', 'state unchanged');
  }
  // The platform still offers the call: answering now works.
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  assert.equal(await h.state(id), 'busy');
  await fail({ path: 'rtv/call/hangup', account: acc, status: 503 });
  const hang = await h.call(id, 'hangUp', sid);
  assert.equal(hang.error.code, 'HTTP_ERROR');
  assert.equal(await h.state(id), 'busy', 'a failed hang-up keeps the call');
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  assert.equal(await h.state(id), 'ready');
  // The late 504 of the first case has arrived by now (3 × timeout) and changed nothing.
  await waitFor(async () => (await logged(env.sim, acc, path)).length === cases.length + 1, { what: 'answers logged' });
  const r = await h.rec(id);
  assert.equal(r.errorCounts.TIMEOUT, 1);
  assert.equal(r.errorCounts.HTTP_ERROR, 3);
  assert.equal(r.counts.HTTP_BACK, undefined, 'local failures are not HTTP_BACK events');
  h.assertNoPageErrors();
});

test('rest() against a failing dispatch service: HTTP_ERROR, stays ready; a business code is HTTP_BACK only', async () => {
  const acc = 'c-rest';
  const { h, id } = await readyAgent(acc);
  await fail({ path: 'dispatch/agent/state', account: acc, status: 500 });
  const res = await h.call(id, 'rest');
  assert.equal(res.error.code, 'HTTP_ERROR');
  assert.equal(await h.state(id), 'ready');

  const sid = await ringing(h, id, acc);
  await fail({ path: 'rtv/call/answer', account: acc, code: 300003 });
  const busy = await h.call(id, 'answer', sid);
  assert.deepEqual(busy.error, { code: 300003, msg: '操作失败,坐席忙线' });
  const back = await h.waitEvent(id, (e) => e.type === 'HTTP_BACK');
  assert.equal(back.data.op, 'call/answer');
  assert.equal(back.data.sid, sid);
  assert.equal(back.data.code, 300003);
  assert.equal(await h.state(id), 'wait');
  const r = await h.rec(id);
  assert.deepEqual(Object.keys(r.errorCounts), ['HTTP_ERROR'], 'the business failure is not an error callback');
  await env.sim.control('hangup', { sid });
  await h.waitState(id, 'ready');
});

test('a double-clicked answer (and hangUp) sends one request; both promises get its result', async () => {
  const acc = 'c-double';
  const { h, id } = await readyAgent(acc);
  const both = (method, sid) =>
    h.eval(
      ([i, m, s]) => {
        const inst = window.H.get(i);
        const settle = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
        return Promise.all([settle(inst[m](s)), settle(inst[m](s))]);
      },
      [id, method, sid],
    );
  let sid = await ringing(h, id, acc);
  // Slow but successful: the second click arrives while the first is in flight.
  await fail({ path: 'rtv/call/answer', account: acc, delayMs: 300 });
  let [a, b] = await both('answer', sid);
  assert.deepEqual([a.ok, b.ok], [true, true]);
  assert.deepEqual(a, b);
  assert.equal((await logged(env.sim, acc, 'rtv/call/answer')).length, 1, 'one answer request');
  assert.equal(await h.state(id), 'busy');
  await fail({ path: 'rtv/call/hangup', account: acc, delayMs: 300 });
  [a, b] = await both('hangUp', sid);
  assert.deepEqual([a.ok, b.ok], [true, true]);
  assert.equal((await logged(env.sim, acc, 'rtv/call/hangup')).length, 1, 'one hang-up request');
  assert.equal(await h.state(id), 'ready');

  // Slow and failing: one request, one error report, both promises rejected alike.
  sid = await ringing(h, id, acc);
  await fail({ path: 'rtv/call/answer', account: acc, delayMs: 300, status: 500 });
  const errorsBefore = (await h.rec(id)).errors.length;
  [a, b] = await both('answer', sid);
  assert.deepEqual([a.ok, b.ok], [false, false]);
  assert.deepEqual(a.e, b.e);
  assert.equal(a.e.code, 'HTTP_ERROR');
  assert.equal((await logged(env.sim, acc, 'rtv/call/answer')).length, 2);
  assert.deepEqual((await h.rec(id)).errors.slice(errorsBefore).map((e) => e.err.code), ['HTTP_ERROR']);
  assert.equal(await h.state(id), 'wait');
  await env.sim.control('hangup', { sid });
  await h.waitState(id, 'ready');
});

test('network error (nothing listens): HTTP_ERROR, the agent stays disconnected and keeps retrying', async () => {
  const h = await env.page();
  // Port 9 (discard): nothing serves it on a test machine, so the fetch fails at once.
  const id = await h.make(fastOptions(env.sim, 'c-net', { videoServiceUrl: 'http://127.0.0.1:9/rtv/', httpTimeout: 2000 }));
  const e = await h.waitError(id, 'HTTP_ERROR');
  assert.match(e.err.msg, /session\/current|网络|network/i);
  // The start-up sync is retried (with backoff), never giving up or completing.
  await waitFor(async () => (await h.rec(id)).errorCounts.HTTP_ERROR >= 2, { what: 'a second attempt', ms: 15000 });
  const r = await h.rec(id);
  assert.equal(await h.state(id), 'disconnected');
  assert.equal(r.completes, 0);
  assert.deepEqual(Object.keys(r.errorCounts), ['HTTP_ERROR']);
});

test('the default command timeout is 10 s', async () => {
  const SPEED = 10; // pages/clock.js: 10 s of SDK time pass in 1 s
  const acc = 'c-default-timeout';
  const h = await env.page({ speed: SPEED });
  const id = await h.make(fastOptions(env.sim, acc, { gracePeriod: 600000 }));
  await h.waitState(id, 'ready');
  await fail({ path: 'dispatch/agent/state', account: acc, delayMs: 3000, status: 504 });
  const t = await h.eval(() => window.__clock.realNow());
  const res = await h.call(id, 'rest');
  const waited = ((await h.eval(() => window.__clock.realNow())) - t) * SPEED;
  assert.equal(res.error.code, 'TIMEOUT');
  assert.ok(waited >= 9500 && waited <= 10000 + 300 * SPEED, `timed out after ${Math.round(waited)} ms`);
  assert.equal(await h.state(id), 'ready');
});
