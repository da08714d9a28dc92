// A follower's calls (pkg-template/tab-calls.js): when they are sent, how
// they settle, what a change of leader does to them; and which errors
// reported while a call ran are the call's own (issue 19, D93).
//
//   node --test tests/shell/tab-calls.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, within } from './support/world.mjs';

const { TabCalls, tabCallErrors } = load(['support.js', 'tab-calls.js'], ['TabCalls', 'tabCallErrors']);

function calls() {
  const posted = [];
  return { c: new TabCalls((m) => posted.push(m), 'me'), posted };
}

// Objects made in the context of `load` have its prototypes: compared as JSON.
const plain = (x) => JSON.parse(JSON.stringify(x));
const outcome = (p) => within(p).then((v) => ['ok', v], (e) => ['err', e.code]);

test('a call goes to the known leader at once, and settles with its reply', async () => {
  const { c, posted } = calls();
  const p = c.add('rest', undefined, 'L');
  assert.deepEqual(plain(posted), [{ t: 'call', from: 'me', to: 'L', n: 1, name: 'rest' }]);
  c.settled({ n: 1, ok: true, v: 'done' }, () => assert.fail('no error'));
  assert.deepEqual(await outcome(p), ['ok', 'done']);
});

test('without a known leader a call waits; the next leader gets it', async () => {
  const { c, posted } = calls();
  const p = c.add('back', undefined, null);
  assert.deepEqual(posted, []);
  c.leaderChanged('L2');
  assert.equal(posted.length, 1);
  assert.equal(posted[0].to, 'L2');
  c.settled({ n: 1, ok: true, v: null }, () => {});
  assert.deepEqual(await outcome(p), ['ok', null]);
});

test('the leader changes mid-call: the sent call is DISCONNECTED (unknown outcome), once; its late reply is dropped', async () => {
  const { c, posted } = calls();
  const p = c.add('hangUp', 's1', 'L1');
  c.leaderChanged('L2');
  assert.deepEqual(await outcome(p), ['err', 'DISCONNECTED']);
  assert.equal(posted.length, 1, 'not sent again: it may have run');
  c.settled({ n: 1, ok: true, v: 'late' }, () => assert.fail('no error'));
});

test('this tab leads now: sent calls fail, the unsent ones are handed back to run here', async () => {
  const { c } = calls();
  const sent = c.add('hangUp', 's1', 'L1');
  const unsent = c.add('rest', undefined, null);
  const rest = c.take();
  assert.deepEqual(plain(rest.map((x) => x.name)), ['rest']);
  assert.deepEqual(await outcome(sent), ['err', 'DISCONNECTED']);
  rest[0].resolve('ran here');
  assert.deepEqual(await outcome(unsent), ['ok', 'ran here']);
  assert.equal(c.take().length, 0);
});

test("a failed reply: the call's own errors first, then the rejection", async () => {
  const { c } = calls();
  const order = [];
  const p = c.add('back', undefined, 'L');
  p.catch((e) => order.push(`reject ${e.code}`));
  c.settled({ n: 1, ok: false, e: { code: 'INVALID_STATE', msg: 'm' }, errs: [{ code: 'INVALID_STATE', msg: 'm' }] }, (e) => order.push(`error ${e.code}`));
  await p.catch(() => {});
  assert.deepEqual(order, ['error INVALID_STATE', 'reject INVALID_STATE']);
});

test('fail(): all waiting calls, or only the sent ones', async () => {
  const { c } = calls();
  const a = c.add('rest', undefined, 'L');
  const b = c.add('back', undefined, null);
  c.fail('DISCONNECTED', 'hidden', true);
  assert.deepEqual(await outcome(a), ['err', 'DISCONNECTED']);
  c.fail('DESTROYED', 'destroyed');
  assert.deepEqual(await outcome(b), ['err', 'DESTROYED']);
});

test("tabCallErrors: the error equal to the call's rejection is the call's; any other is the agent's", () => {
  const invalid = { code: 'INVALID_STATE', msg: 'back() 不能在当前状态 ready 调用', state: 'ready' };
  const lost = { code: 'PUSH_LINK_LOST', msg: 'lost' };
  let s = tabCallErrors([lost, invalid], { code: 'INVALID_STATE', msg: invalid.msg, state: 'ready' });
  assert.deepEqual(plain(s), { own: [invalid], agent: [lost] });
  s = tabCallErrors([lost], undefined); // the call succeeded
  assert.deepEqual(plain(s), { own: [], agent: [lost] });
  s = tabCallErrors([invalid], { code: 'INVALID_STATE', msg: 'another text' });
  assert.deepEqual(plain(s), { own: [], agent: [invalid] });
  s = tabCallErrors([invalid, { ...invalid }], invalid); // reported once per call
  assert.equal(s.own.length, 1);
  s = tabCallErrors([invalid], { code: 5001, msg: 'business' }); // a business rejection reports nothing
  assert.deepEqual(plain(s.own), []);
});
