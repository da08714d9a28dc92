// A follower's calls (pkg-template/tab-calls.js): when they are sent, how
// they settle, what a change of leader does to them; and which errors
// reported while a call ran are the call's own (issue 19, D93).
//
//   node --test tests/shell/tab-calls.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, within } from './support/world.mjs';

const { TabCalls, tabErrorTargets } = load(['support.js', 'tab-calls.js'], ['TabCalls', 'tabErrorTargets']);

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
  c.settled({ n: 1, ok: true, v: 'done' });
  assert.deepEqual(await outcome(p), ['ok', 'done']);
});

test('without a known leader a call waits; the next leader gets it', async () => {
  const { c, posted } = calls();
  const p = c.add('back', undefined, null);
  assert.deepEqual(posted, []);
  c.leaderChanged('L2');
  assert.equal(posted.length, 1);
  assert.equal(posted[0].to, 'L2');
  c.settled({ n: 1, ok: true, v: null });
  assert.deepEqual(await outcome(p), ['ok', null]);
});

test('the leader changes mid-call: the sent call is DISCONNECTED (unknown outcome), once; its late reply is dropped', async () => {
  const { c, posted } = calls();
  const p = c.add('hangUp', 's1', 'L1');
  c.leaderChanged('L2');
  assert.deepEqual(await outcome(p), ['err', 'DISCONNECTED']);
  assert.equal(posted.length, 1, 'not sent again: it may have run');
  c.settled({ n: 1, ok: true, v: 'late' });
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

test('a failed reply rejects with the leader\'s error', async () => {
  const { c } = calls();
  const p = c.add('back', undefined, 'L');
  c.settled({ n: 1, ok: false, e: { code: 'INVALID_STATE', msg: 'm' } });
  assert.deepEqual(await outcome(p), ['err', 'INVALID_STATE']);
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

test('tabErrorTargets: the leader\'s page (owner null) and each calling tab once', () => {
  assert.deepEqual(plain(tabErrorTargets([null])), { here: true, tabs: [] });
  assert.deepEqual(plain(tabErrorTargets(['t1'])), { here: false, tabs: ['t1'] });
  // One error settling two calls of t1, one of t2 and one of this page.
  assert.deepEqual(plain(tabErrorTargets(['t1', null, 't2', 't1'])), { here: true, tabs: ['t1', 't2'] });
  assert.deepEqual(plain(tabErrorTargets([undefined])), { here: true, tabs: [] }, 'a call of the page itself (public method)');
  assert.deepEqual(plain(tabErrorTargets([])), { here: false, tabs: [] });
});
