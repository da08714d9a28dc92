// End-to-end: a trace recorded in the browser (call, transfer, outage,
// recovery) replays natively through the same core and gives the events the
// page saw (`cargo run -p rtv-core --example replay -- trace.json --events`).
//
//   node --test --test-concurrency=1 tests/e2e/trace.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor, ROOT, OUT_DIR } from './support/sim.mjs';
import { faultSuite } from './support/faults.mjs';
import { Harness } from './support/harness.mjs';

// One simulator, static server and browser per file (support/faults.mjs).
const env = faultSuite();

async function agent(account, extra = {}, speed = 1) {
  const h = await Harness.open(env.browser.context, env.server, { speed });
  const id = await h.make(env.sim.options(account, { logLevel: 'silent', token: 'tr+ace/tok=', ...extra }));
  await h.waitState(id, 'ready');
  return { h, id };
}

/** What identifies an event independent of masking: type, sid, state, code, url. */
const key = (e) => {
  const d = e.data || {};
  return [e.type, d.sid, d.state, d.from, d.code, d.url, d.msgType].map((v) => (v === undefined ? '' : String(v))).join('|');
};

test('a trace of a call, a transfer, an outage and a recovery replays to the same events', async () => {
  const a1 = 'trace-owner';
  const a2 = 'trace-peer';
  // The owner's page runs its clock 10x (pages/clock.js): heartbeats and
  // backoff timers fire within the test, so the trace must carry the timers.
  const owner = await agent(a1, {}, 10);
  const peer = await agent(a2);
  try {
    // A call, answered.
    const { sid } = await env.sim.control('call', {
      account: a1,
      customer: { name: '李四', phone: '13700001111', policyNo: 'P9988776655' },
    });
    await owner.h.waitState(owner.id, 'wait');
    assert.ok((await owner.h.call(owner.id, 'answer', sid)).ok);
    // A transfer to the peer, accepted: the owner goes ready.
    assert.ok((await owner.h.call(owner.id, 'askChangePerson', { sid, newer: a2 })).ok);
    await peer.h.waitState(peer.id, 'wait');
    assert.ok((await peer.h.call(peer.id, 'acceptChangePerson', { sid })).ok);
    await owner.h.waitState(owner.id, 'ready');
    // A push outage longer than the grace period, then recovery.
    await env.sim.control('push-channel', { account: a1, action: 'error500' });
    await env.sim.control('push-channel', { account: a1, action: 'drop' });
    await owner.h.waitState(owner.id, 'disconnected', 8000);
    // Recovery by the backoff timer alone (no reconnect()).
    await env.sim.control('push-channel', { account: a1, action: 'restore' });
    await owner.h.waitState(owner.id, 'ready', 15000);
    // A recording of the transferred call reaches the owner too.
    await env.sim.control('push', { account: a1, msgType: 50203, sid, data: { url: 'http://127.0.0.1/t.mp4' } });
    await owner.h.waitEvent(owner.id, (e) => e.type === 'VIDEOTAPE', 'VIDEOTAPE');
    // Two heartbeat periods of SDK time (timer-driven requests).
    const beats = async () => (await env.sim.control(`log?account=${a1}`)).filter((e) => e.path === 'dispatch/agent/heartbeat').length;
    const b0 = await beats();
    await waitFor(async () => (await beats()) >= b0 + 2, { ms: 15000, what: 'two more heartbeats' });

    const trace = await owner.h.eval((i) => window.H.get(i).exportTrace(), owner.id);
    assert.equal(trace.schema, 'rtv-trace/1');
    const text = JSON.stringify(trace);
    assert.ok(!text.includes('tr+ace/tok='), 'the token is redacted');
    for (const v of ['李四', '13700001111', 'P9988776655']) assert.ok(!text.includes(v), `${v} masked`);
    assert.equal(await peer.h.eval((i) => window.H.get(i).exportTrace() === null || typeof window.H.get(i).exportTrace() === 'object', peer.id), true);

    mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, 'trace-owner.json');
    writeFileSync(file, text);
    const out = execFileSync('cargo', ['run', '-q', '-p', 'rtv-core', '--example', 'replay', '--', file, '--events'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const replayed = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const seen = (await owner.h.rec(owner.id)).events;
    assert.deepEqual(replayed.map(key), seen.map(key));
    const types = new Set(seen.map((e) => e.type));
    for (const t of ['INCOMING_CALL', 'EXCHANGE_CALL', 'STATE_CHANGE', 'VIDEOTAPE']) assert.ok(types.has(t), `the flow covered ${t}`);
    assert.ok(seen.some((e) => e.type === 'STATE_CHANGE' && e.data.state === 'disconnected'), 'the flow covered an outage');
    // The readable form: no broken invariant, and the same requests, in the
    // same order, as the platform saw (timers included: heartbeats, retries).
    const timeline = execFileSync('cargo', ['run', '-q', '-p', 'rtv-core', '--example', 'replay', '--', file], { cwd: ROOT, encoding: 'utf8' });
    assert.match(timeline, /final state: ready/);
    const replayedHttp = timeline
      .split('\n')
      .map((l) => /^\s*[\d.]+\s+http\s+#\d+ \S*?((?:rtv|dispatch)\/\S+)(?! \(keepalive\))/.exec(l))
      .filter(Boolean)
      .map((m) => m[1]);
    const platformHttp = (await env.sim.control(`log?account=${a1}`)).filter((e) => e.kind === 'http').map((e) => e.path);
    assert.ok(platformHttp.filter((p) => p === 'dispatch/agent/heartbeat').length >= 2);
    // The trace ends at export; the platform may have seen a request after it.
    assert.deepEqual(replayedHttp, platformHttp.slice(0, replayedHttp.length));
    assert.ok(replayedHttp.length >= platformHttp.length - 1, `${replayedHttp.length} of ${platformHttp.length} requests replayed`);
  } finally {
    await owner.h.close();
    await peer.h.close();
  }
});
