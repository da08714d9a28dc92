// End-to-end: a trace recorded in a page against the normal simulator (a call
// answered and hung up, then its recording) is played by a second simulator
// in replay mode (`rtv-sim --replay trace.json`, docs/TRACE.md) to a fresh
// page of the same account, which does what the first agent did and sees the
// same events (type, sid, state) in the same order.
//
//   node --test --test-concurrency=1 tests/e2e/replay-sim.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, startSim, OUT_DIR } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { Harness } from './support/harness.mjs';

const ACCOUNT = 'replay-agent';
const env = { sim: null, replay: null, server: null, browser: null };
before(async () => {
  // A long recording delay: in the replay the recording comes at its recorded
  // time, which must stay after the second page's hang-up.
  env.sim = await startSim(['--recording-delay', '1.5']);
  env.server = await startStatic();
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
  await env.replay?.stop();
  await env.sim?.stop();
});

/** What the page saw of an event: type, sid, state. */
const key = (e) => {
  const d = e.data || {};
  return [e.type, d.sid, d.state].map((v) => (v === undefined ? '' : String(v))).join('|');
};

/** A page of ACCOUNT against `sim`, ready. */
async function agent(sim) {
  const h = await Harness.open(env.browser.context, env.server);
  const id = await h.make(sim.options(ACCOUNT, { logLevel: 'silent', multiTab: false }));
  await h.waitState(id, 'ready');
  return { h, id };
}

/** The agent's side of the flow: answer the call that rings, hang up, wait for the recording. */
async function takeCall({ h, id }, sidOf) {
  await h.waitState(id, 'wait', 15000);
  const sid = await sidOf();
  assert.ok((await h.call(id, 'answer', sid)).ok, 'answer');
  await h.waitState(id, 'busy');
  assert.ok((await h.call(id, 'hangUp', sid)).ok, 'hangUp');
  await h.waitState(id, 'ready');
  await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.sid === sid, 'VIDEOTAPE', 15000);
  return sid;
}

// The replaying simulator plays each push frame no earlier than the replies
// recorded before it were given again (sim/src/replay.rs): a page slower to
// start than the traced one still gets the call after its own `ready`.
test('a page against `rtv-sim --replay` sees the events of the traced page', async () => {
  // 1. Record: the normal simulator places a call; the agent answers and hangs up.
  const first = await agent(env.sim);
  let sid;
  try {
    const { sid: placed } = await env.sim.control('call', { account: ACCOUNT });
    sid = await takeCall(first, async () => placed);
  } catch (e) {
    await first.h.close();
    throw e;
  }
  const trace = await first.h.eval((i) => window.H.get(i).exportTrace(), first.id);
  const seen = (await first.h.rec(first.id)).events;
  await first.h.destroy(first.id);
  await first.h.close();
  assert.equal(trace.schema, 'rtv-trace/1');
  assert.equal(trace.options.account, ACCOUNT);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'replay-sim-trace.json');
  writeFileSync(file, JSON.stringify(trace));

  // 2. Replay: a second simulator plays the platform's side to a fresh page.
  env.replay = await startSim(['--replay', file]);
  const second = await agent(env.replay);
  try {
    // The sid comes from the recorded offer, which the page just received.
    const sid2 = await takeCall(second, async () => {
      const ev = await second.h.waitEvent(second.id, (e) => e.type === 'INCOMING_CALL', 'INCOMING_CALL');
      return ev.data.sid;
    });
    assert.equal(sid2, sid, 'the recorded call');
    const replayed = (await second.h.rec(second.id)).events;
    assert.deepEqual(replayed.map(key), seen.map(key));
    const types = new Set(seen.map((e) => e.type));
    for (const t of ['INCOMING_CALL', 'STATE_CHANGE', 'VIDEOTAPE']) assert.ok(types.has(t), `the flow covered ${t}`);
    for (const s of ['wait', 'busy', 'ready']) assert.ok(seen.some((e) => e.type === 'STATE_CHANGE' && e.data.state === s), `the flow covered ${s}`);
    // The replaying simulator answered from the trace: its log has the page's
    // requests, and no session of its own was ever created.
    const log = await env.replay.control(`log?account=${ACCOUNT}`);
    assert.ok(log.some((e) => e.path === 'rtv/call/answer' && e.body.sid === sid));
    const sessions = await env.replay.control('sessions');
    assert.ok(!JSON.stringify(sessions).includes(sid), 'no live model session for the replayed call');
    second.h.assertNoPageErrors();
  } finally {
    await second.h.destroy(second.id).catch(() => {});
    await second.h.close();
  }
});
