// Who leads a tab group (pkg-template/election.js), without a browser: tabs
// are TabElections on one simulated BroadcastChannel (support/world.mjs), in
// virtual time, with the BroadcastChannel mechanism (no Web Locks), with Web
// Locks, and with both in one group. Each tab's role is what the election
// told it last (lead / follow / stepDown).
//
//   node --test tests/shell/election.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus, Clock, Locks, load, settle } from './support/world.mjs';

const E = load(['election.js'], ['TabElection', 'TAB_BEAT_MS', 'TAB_SILENT_MS', 'TAB_CLAIM_MS'], { AbortController });
const { TAB_BEAT_MS, TAB_SILENT_MS, TAB_CLAIM_MS } = E;
// Joined at once, the tabs claim together; two leaders meet and the younger
// steps down; the tabs that followed it follow the older one at its next beat.
const SETTLED = TAB_CLAIM_MS * 3 + TAB_BEAT_MS + 20;

/** A group of tabs on one channel; `tab(id, born, {locks})` joins one. */
function group({ locks = null } = {}) {
  const clock = new Clock();
  const bus = new Bus(clock);
  const Channel = bus.channelClass();
  const counters = { lockRequests: 0 };
  const tabs = [];
  const g = {
    clock,
    bus,
    counters,
    tabs,
    tab(id, born, opts = {}) {
      const channel = new Channel('rtvideo:g');
      const t = { id, role: 'candidate', leads: 0, stepDowns: 0, followed: [], channel };
      const post = (m) => channel.postMessage(m);
      t.el = new E.TabElection(
        { name: 'rtvideo:g', id, born, locks: opts.noLocks ? null : opts.locks || locks, post, clock: clock.api(), counters },
        {
          lead() {
            t.role = 'leader';
            t.leads += 1;
            t.el.led();
          },
          follow(leader, changed, greet) {
            t.role = 'follower';
            if (changed) t.followed.push(leader);
            if (greet) post({ t: 'hello', from: id });
          },
          stepDown() {
            t.role = 'follower';
            t.stepDowns += 1;
          },
        },
      );
      channel.onmessage = (ev) => {
        const m = ev.data;
        if (m.to !== undefined && m.to !== id) return;
        // The group's part (tabs.js): the leader welcomes a tab that says hello.
        if (m.t === 'hello' && t.role === 'leader') post({ t: 'welcome', from: id, to: m.from });
        t.el.hear(m);
      };
      tabs.push(t);
      t.el.start(opts.early || null);
      post({ t: 'hello', from: id });
      return t;
    },
    /** The tab leaves (pagehide, destroy): its election stops, its channel closes. */
    leave(t) {
      t.el.stop();
      t.channel.close();
      t.role = 'gone';
    },
    leaders() {
      return tabs.filter((t) => t.role === 'leader').map((t) => t.id);
    },
  };
  return g;
}

/** One leader, and every other live tab follows it. */
function assertOneLeader(g, id) {
  assert.deepEqual(g.leaders(), [id]);
  for (const t of g.tabs) {
    if (t.role === 'gone' || t.id === id) continue;
    assert.equal(t.role, 'follower', `${t.id} follows`);
    assert.equal(t.el.leader, id, `${t.id} follows ${id}`);
  }
}

// ---- the BroadcastChannel mechanism ----

test('channel: a lone tab claims and leads after twice the claim time plus one claim', async () => {
  const g = group();
  const a = g.tab('a', 1);
  await g.clock.advance(TAB_CLAIM_MS * 2 - 1);
  assert.equal(a.role, 'candidate');
  await g.clock.advance(TAB_CLAIM_MS + 1);
  assertOneLeader(g, 'a');
  assert.equal(g.bus.log.filter((m) => m.t === 'claim').length, 1);
});

test('channel: two tabs that claim at once: the older stays, the younger steps down and follows', async () => {
  const g = group();
  const a = g.tab('a', 1);
  const b = g.tab('b', 2);
  await g.clock.advance(SETTLED);
  // Both claimed before either heard the other's claim, both led ...
  assert.equal(a.leads, 1);
  assert.equal(b.leads, 1);
  // ... and the 'leader' messages settled it.
  assertOneLeader(g, 'a');
  assert.equal(b.stepDowns, 1);
  assert.equal(a.stepDowns, 0);
  await g.clock.advance(TAB_SILENT_MS * 4);
  assertOneLeader(g, 'a');
});

test('channel: the same birth time: the smaller id stays', async () => {
  const g = group();
  g.tab('b', 5);
  g.tab('a', 5);
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'a');
});

test('channel: three tabs, one leader; a tab joining later follows the welcome, without a claim', async () => {
  const g = group();
  g.tab('a', 3);
  g.tab('b', 1);
  g.tab('c', 2);
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'b');
  await g.clock.advance(TAB_BEAT_MS * 5);
  const claims = g.bus.log.filter((m) => m.t === 'claim').length;
  const d = g.tab('d', 0); // older than all, but late: it follows the leader it hears
  await g.clock.advance(TAB_BEAT_MS + 10);
  assertOneLeader(g, 'b');
  assert.equal(d.leads, 0);
  assert.equal(g.bus.log.filter((m) => m.t === 'claim').length, claims, "the leader's welcome, no claim");
});

test('channel: a leader that goes silent is replaced within silence + claim time, by one tab', async () => {
  const g = group();
  const a = g.tab('a', 1);
  g.tab('b', 2);
  g.tab('c', 3);
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'a');
  g.bus.dropFrom.add('a'); // its beats no longer arrive (a frozen or throttled tab)
  const t0 = g.clock.now();
  await g.clock.advance(TAB_SILENT_MS + TAB_BEAT_MS + TAB_CLAIM_MS + 10);
  const others = g.tabs.filter((t) => t !== a);
  assert.deepEqual(
    others.filter((t) => t.role === 'leader').map((t) => t.id),
    ['b'],
    `one new leader within ${g.clock.now() - t0} ms`,
  );
  // c claimed too and stepped down; it follows b at b's next beat.
  await g.clock.advance(TAB_BEAT_MS);
  assert.equal(g.tabs.find((t) => t.id === 'c').el.leader, 'b');
});

test('channel: a silent leader that comes back: the older of the two leaders stays', async () => {
  const g = group();
  const a = g.tab('a', 1);
  const b = g.tab('b', 2);
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'a');
  g.bus.dropFrom.add('a');
  await g.clock.advance(TAB_SILENT_MS + TAB_BEAT_MS * 2 + TAB_CLAIM_MS);
  assert.equal(b.role, 'leader');
  // a beats again: b, the younger, hands over at a's next beat and follows it.
  const before = b.stepDowns;
  g.bus.dropFrom.delete('a');
  await g.clock.advance(TAB_BEAT_MS + 10);
  assertOneLeader(g, 'a');
  assert.equal(b.stepDowns, before + 1);
  await g.clock.advance(TAB_SILENT_MS * 3);
  assertOneLeader(g, 'a');
});

test('channel: the leader abdicates (pagehide): the others claim at once, not after the silence', async () => {
  const g = group();
  const a = g.tab('a', 1);
  g.tab('b', 2);
  g.tab('c', 3);
  await g.clock.advance(SETTLED);
  a.channel.postMessage({ t: 'abdicate', from: 'a' });
  g.leave(a);
  await g.clock.advance(TAB_BEAT_MS + TAB_CLAIM_MS * 2 + 10);
  assert.deepEqual(g.leaders(), ['b'], 'a new leader within a beat and a claim');
  await g.clock.advance(TAB_BEAT_MS);
  assertOneLeader(g, 'b');
});

test("channel: a leader answers a claim at once, so the claiming tab follows instead of leading", async () => {
  const g = group();
  const a = g.tab('a', 5);
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'a');
  // z (older) missed the welcome: it claims; a's answer makes it follow, although z is older.
  const z = g.tab('z', 1);
  g.bus.dropFrom.add('a');
  await g.clock.advance(TAB_CLAIM_MS * 2 + 5); // z's claim is out, a heard it, its answer is lost ...
  g.bus.dropFrom.delete('a');
  a.el.hear({ t: 'claim', from: 'z', born: 1 }); // ... and a answers the next one
  await g.clock.advance(TAB_CLAIM_MS + 10);
  assert.equal(z.leads, 0);
  assertOneLeader(g, 'a');
});

test('channel: a stopped election posts nothing and keeps no timer', async () => {
  const g = group();
  const a = g.tab('a', 1);
  await g.clock.advance(SETTLED);
  g.leave(a);
  const n = g.bus.log.length;
  await g.clock.advance(TAB_BEAT_MS * 5);
  assert.equal(g.bus.log.length, n);
  assert.equal(g.clock.timers.size, 0);
});

// ---- Web Locks ----

test('locks: the first tab leads; the next leads when it leaves, and the others follow it', async () => {
  const locks = new Locks();
  const g = group({ locks });
  const a = g.tab('a', 3);
  const b = g.tab('b', 1);
  const c = g.tab('c', 2);
  await g.clock.advance(10);
  assertOneLeader(g, 'a'); // the lock's order, not the age
  assert.equal(g.counters.lockRequests, 3);
  g.leave(a);
  await g.clock.advance(10);
  assertOneLeader(g, 'b');
  assert.deepEqual(c.followed, ['a', 'b']);
  assert.equal(g.counters.lockRequests, 2);
  g.leave(b);
  g.leave(c);
  await g.clock.advance(10);
  assert.equal(g.counters.lockRequests, 0);
  assert.equal(locks.held.size, 0);
});

test('locks: no timers, no claims, no beats', async () => {
  const g = group({ locks: new Locks() });
  g.tab('a', 1);
  g.tab('b', 2);
  await g.clock.advance(TAB_SILENT_MS * 3);
  assertOneLeader(g, 'a');
  assert.deepEqual([...new Set(g.bus.log.map((m) => m.t))].sort(), ['hello', 'leader', 'welcome']);
  assert.equal(g.clock.timers.size, 0);
});

test("locks: the loader's request (early.js) is taken over, not doubled; a lock granted after stop() is released", async () => {
  const locks = new Locks();
  const g = group({ locks });
  let grant = null;
  const early = { locking: true, abort: { abort() {} }, lock: (cb) => (grant = cb) };
  const a = g.tab('a', 1, { early });
  assert.equal(g.counters.lockRequests, 0, 'no second request');
  let released = 0;
  grant(() => (released += 1));
  await g.clock.advance(1);
  assertOneLeader(g, 'a');
  g.leave(a);
  assert.equal(released, 1);
  // A grant that arrives after the tab left: released at once, nobody leads.
  const b = g.tab('b', 2, { early: { ...early, lock: (cb) => (grant = cb) } });
  g.leave(b);
  grant(() => (released += 1));
  assert.equal(released, 2);
  assert.equal(b.leads, 0);
});

// ---- both mechanisms in one group ----

test('mixed: a Web Locks leader answers the claims of a tab without Web Locks', async () => {
  const g = group({ locks: new Locks() });
  const a = g.tab('a', 2);
  await g.clock.advance(10);
  const b = g.tab('b', 1, { noLocks: true });
  await g.clock.advance(TAB_CLAIM_MS * 3 + TAB_SILENT_MS);
  assertOneLeader(g, 'a');
  assert.equal(b.leads, 0);
});

test('mixed: a channel leader and a Web Locks leader meet: the older stays', async () => {
  const g = group({ locks: new Locks() });
  const b = g.tab('b', 1, { noLocks: true });
  await g.clock.advance(SETTLED);
  assertOneLeader(g, 'b');
  const a = g.tab('a', 2); // gets the (free) lock and leads, younger
  await g.clock.advance(TAB_BEAT_MS + 10);
  assert.equal(a.leads, 1);
  assertOneLeader(g, 'b');
  assert.equal(a.stepDowns, 1);
  await settle();
});
