// The tab group (pkg-template/tabs.js with the modules it wires), without a
// browser: tabs of one profile in virtual time (support/world.mjs), each with
// its own page, around a stand-in for the wasm class. Forwarded calls and
// their replies, also when the leader changes mid-call; whose `error` an
// error reaches (issue 19, D93); the page lifecycle.
//
//   node --test tests/shell/tab-group.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, pageshow, within } from './support/world.mjs';

const codes = (rec) => rec.errors.map((e) => e.code);

/**
 * Answers: `answer` fails with INVALID_STATE unless the instance rings (the
 * core's `fail`: the error naming the call, then the rejection); `rest`
 * waits for its HTTP reply (`real.failCalls`).
 */
function strict(name, arg, real) {
  if (name === 'answer' && real.st !== 'wait') {
    const e = { code: 'INVALID_STATE', msg: `answer: 当前状态 ${real.st} 不能接听` };
    real.inner.__callError({ ...e }, [real.owner]);
    return Promise.reject({ ...e });
  }
  if (name === 'rest') return real.later();
  if (name === 'reconnect') {
    // A link error while the call runs, and the call itself succeeds.
    real.inner.error({ code: 'PUSH_LINK_LOST', msg: 'push channel lost' });
    return Promise.resolve(null);
  }
  return Promise.resolve(name);
}

async function two(opts = {}) {
  const pr = new Profile(opts);
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  await pr.advance(opts.noLocks ? 2000 : 10);
  assert.equal(pr.leader(), a);
  assert.equal(b.tab._role, 'follower');
  return { pr, a, b };
}

// ---- forwarded calls ----

test("a follower's call runs on the leader's instance and settles with its result", async () => {
  const { pr, a, b } = await two();
  const p = b.tab.rest();
  await pr.advance(10);
  assert.equal(await within(p), 'rest');
  assert.deepEqual(a.real().calls, [['rest', undefined]]);
  assert.equal(pr.Real.made.length, 1, 'one wasm instance');
});

test('a follower sees the leader\'s events and state; a joining tab catches up from the welcome', async () => {
  const { pr, a, b } = await two();
  a.real().emit('STATE_CHANGE', { state: 'ready', from: 'disconnected' });
  await pr.advance(10);
  assert.deepEqual(b.rec.events.map((e) => e.type), ['STATE_CHANGE']);
  assert.equal(b.tab.state(), 'ready');
  const c = pr.open();
  await pr.advance(10);
  assert.deepEqual(c.rec.events.map((e) => e.data.state), ['ready']);
});

for (const noLocks of [false, true]) {
  test(`the leader goes mid-call (${noLocks ? 'BroadcastChannel election' : 'Web Locks'}): a call it had has an unknown outcome (DISCONNECTED), a call made while no tab leads runs on the new leader`, async () => {
    let hold = null;
    const pr = new Profile({
      noLocks,
      answer: (name) => (name === 'hangUp' ? new Promise((r) => (hold = r)) : Promise.resolve(name)),
    });
    const a = pr.open();
    await pr.advance(2000);
    const b = pr.open();
    const c = pr.open();
    await pr.advance(2000);
    const sent = c.tab.hangUp('s1');
    await pr.advance(10);
    assert.ok(hold, 'the leader runs it');
    pr.hide(a); // the leader closes before it answered
    await pr.advance(5); // c heard the abdication (with Web Locks, b leads already)
    const waiting = c.tab.rest();
    await pr.advance(2000);
    const leader = pr.leader();
    assert.notEqual(leader, a);
    await assert.rejects(within(sent), (e) => e.code === 'DISCONNECTED');
    assert.equal(await within(waiting), 'rest');
    // Once, on the new leader (without Web Locks, maybe on c while it led for a moment).
    const rests = pr.Real.made.flatMap((r) => r.calls).filter(([n]) => n === 'rest');
    assert.equal(rests.length, 1);
    if (!noLocks) assert.deepEqual(leader.real().calls, [['rest', undefined]]);
    // The old leader's late answer reaches nobody.
    hold('late');
    await pr.advance(10);
    assert.deepEqual(codes(c.rec), []);
    // (Without Web Locks, b and c may both claim at once and both lead for a moment.)
    if (!noLocks) assert.equal(pr.Real.made.length, 2);
  });
}

test('a call of the tab that becomes the leader: sent ones fail, unsent ones run here', async () => {
  let hold = null;
  const pr = new Profile({ answer: (name) => (name === 'hangUp' ? new Promise((r) => (hold = r)) : Promise.resolve(name)) });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  await pr.advance(10);
  const sent = b.tab.hangUp('s1');
  await pr.advance(10);
  pr.hide(a);
  await pr.advance(10);
  assert.equal(pr.leader(), b);
  await assert.rejects(within(sent), (e) => e.code === 'DISCONNECTED' && /closed before it answered/.test(e.msg));
  assert.ok(hold);
});

test('without Web Locks: the same forwarded calls over the BroadcastChannel election', async () => {
  const { pr, a, b } = await two({ noLocks: true });
  const p = b.tab.snapshot();
  await pr.advance(10);
  assert.equal(await within(p), 'snapshot');
  assert.equal(a.real().calls.length, 1);
});

// ---- whose error (issue 19, D93) ----

test("a follower's failed call: the error reaches that follower only, before the rejection", async () => {
  const pr = new Profile({ answer: strict });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  const c = pr.open();
  await pr.advance(10);
  const order = [];
  const p = b.tab.answer('s1').catch((e) => {
    order.push(`rejected ${e.code} after ${b.rec.errors.length} error(s)`);
    return e;
  });
  await pr.advance(10);
  assert.equal((await within(p)).code, 'INVALID_STATE');
  assert.deepEqual(order, ['rejected INVALID_STATE after 1 error(s)']);
  assert.deepEqual(codes(b.rec), ['INVALID_STATE']);
  assert.deepEqual(codes(a.rec), [], "not on the leader's page");
  assert.deepEqual(codes(c.rec), [], 'not on the other follower');
});

test("the leader's own failed call: its page only, at once", async () => {
  const pr = new Profile({ answer: strict });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  await pr.advance(10);
  const p = a.tab.answer('s1');
  assert.deepEqual(codes(a.rec), ['INVALID_STATE'], 'synchronously, as with one tab');
  await assert.rejects(within(p), (e) => e.code === 'INVALID_STATE');
  await pr.advance(10);
  assert.deepEqual(codes(a.rec), ['INVALID_STATE']);
  assert.deepEqual(codes(b.rec), []);
});

test("a call's failure that comes later (its HTTP request failed): the calling tabs only, once each, before the rejections", async () => {
  const pr = new Profile({ answer: strict });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  const c = pr.open();
  const d = pr.open();
  await pr.advance(10);
  const order = [];
  const seen = (t, name) => (e) => {
    order.push(`${name} rejected after ${t.rec.errors.length} error(s)`);
    return e;
  };
  // A double click in b and one click in c, joined by the core into one request.
  const p1 = b.tab.rest().catch(seen(b, 'b1'));
  const p2 = b.tab.rest().catch(seen(b, 'b2'));
  const p3 = c.tab.rest().catch(seen(c, 'c'));
  await pr.advance(10);
  assert.equal(a.real().pending.length, 3);
  a.real().failCalls('HTTP_ERROR', 'agent/state: HTTP 503');
  await pr.advance(10);
  for (const p of [p1, p2, p3]) assert.equal((await within(p)).code, 'HTTP_ERROR');
  assert.deepEqual(order.sort(), ['b1 rejected after 1 error(s)', 'b2 rejected after 1 error(s)', 'c rejected after 1 error(s)']);
  assert.deepEqual(codes(b.rec), ['HTTP_ERROR'], 'once for its two calls');
  assert.deepEqual(codes(c.rec), ['HTTP_ERROR']);
  assert.deepEqual(codes(a.rec), [], "not on the leader's page");
  assert.deepEqual(codes(d.rec), [], 'not on a tab that made no call');
  // The leader's own call that fails later: its page only.
  const p4 = a.tab.rest();
  a.real().failCalls('TIMEOUT', 'agent/state: 请求超时', [3]);
  await assert.rejects(within(p4), (e) => e.code === 'TIMEOUT');
  await pr.advance(10);
  assert.deepEqual(codes(a.rec), ['TIMEOUT']);
  for (const t of [b, c, d]) assert.ok(!codes(t.rec).includes('TIMEOUT'));
});

test("the agent's errors reach every tab, also one reported while a call runs", async () => {
  const pr = new Profile({ answer: strict });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  const c = pr.open();
  await pr.advance(10);
  a.real().report('EXE_LINK_LOST', 'exe lost');
  await pr.advance(10);
  for (const t of [a, b, c]) assert.deepEqual(codes(t.rec), ['EXE_LINK_LOST']);
  // b's reconnect() succeeds; the link error reported meanwhile is the agent's.
  const p = b.tab.reconnect();
  await pr.advance(10);
  assert.equal(await within(p), null);
  for (const t of [a, b, c]) assert.deepEqual(codes(t.rec), ['EXE_LINK_LOST', 'PUSH_LINK_LOST']);
});

test('one tab alone (multiTab: false): its failed call and the agent errors on its page, once', async () => {
  const pr = new Profile({ answer: strict });
  const a = pr.open({ multiTab: false });
  await pr.advance(10);
  await assert.rejects(a.tab.answer('s1'));
  a.real().report('AUTH', 'token rejected');
  await pr.advance(10);
  assert.deepEqual(codes(a.rec), ['INVALID_STATE', 'AUTH']);
});

// ---- page lifecycle ----

test('pagehide of the leader: hands over without going offline; pageshow from the cache rejoins as a follower', async () => {
  const { pr, a, b } = await two();
  const real = a.real();
  pr.hide(a);
  await pr.advance(10);
  assert.equal(real.ended, false, 'not offline: another tab remains');
  assert.equal(a.tab._role, 'hidden');
  assert.equal(a.counters.channels, 0, 'no channel kept (back/forward cache)');
  assert.equal(pr.leader(), b);
  assert.ok(pr.Real.made[1].snap, 'the new leader adopts the snapshot');
  a.page.win.dispatchEvent(pageshow(false)); // not from the cache: nothing
  assert.equal(a.tab._role, 'hidden');
  a.page.win.dispatchEvent(pageshow(true));
  await pr.advance(10);
  assert.equal(a.tab._role, 'follower');
  assert.equal(pr.leader(), b);
});

test('freeze then pagehide hide once; resume rejoins; the last tab to hide goes offline', async () => {
  const pr = new Profile();
  const a = pr.open();
  await pr.advance(10);
  const real = a.real();
  a.page.doc.dispatchEvent(new Event('freeze'));
  pr.hide(a);
  assert.equal(real.ended, true, 'offline: no other tab');
  assert.equal(a.tab.getLogs().match(/page hidden/g).length, 1);
  a.page.doc.dispatchEvent(new Event('resume'));
  await pr.advance(10);
  assert.equal(a.tab._role, 'leader');
  assert.equal(pr.Real.made.length, 2);
  assert.equal(pr.Real.made[1].snap.recover, true, 're-syncs as after an outage');
});

test('a hidden follower: its waiting calls fail; destroy() removes the listeners', async () => {
  let hold = null;
  const pr = new Profile({ answer: (name) => (name === 'hangUp' ? new Promise((r) => (hold = r)) : Promise.resolve(name)) });
  const a = pr.open();
  await pr.advance(10);
  const b = pr.open();
  await pr.advance(10);
  const p = b.tab.hangUp('s1');
  await pr.advance(10);
  pr.hide(b);
  await assert.rejects(within(p), (e) => e.code === 'DISCONNECTED' && /hidden/.test(e.msg));
  assert.ok(hold);
  await a.tab.destroy();
  assert.equal(a.rec.completes, 1);
  pr.hide(a);
  a.page.win.dispatchEvent(pageshow(true));
  await pr.advance(10);
  assert.equal(a.tab._role, 'ended', 'no listener left');
});
