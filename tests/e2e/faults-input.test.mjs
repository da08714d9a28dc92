// Bad input (SPEC §5): junk on the push channel and from the EXE — malformed
// JSON, unknown msgType, missing or mistyped fields, frames over 1 MiB,
// deeply nested JSON — is reported once each (BAD_MESSAGE /
// UNKNOWN_MSG_TYPE / TOO_LARGE / UNKNOWN_REPLY) and changes nothing else;
// the wasm memory does not grow with it; no panic reaches JS. And the token
// never shows in console output, error payloads or events.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/faults-input.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite, logged } from './support/faults.mjs';

const env = faultSuite(['--ping-interval', '1', '--recording-delay', '600']);
const MIB = 1024 * 1024;

const deepArray = (n) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Push-channel junk and the one error code each must produce. */
const PUSH_JUNK = [
  ['malformed JSON', '{"msgType":50200,"sid":', 'BAD_MESSAGE'],
  ['not an object', '"just a string"', 'BAD_MESSAGE'],
  ['null', 'null', 'BAD_MESSAGE'],
  ['empty object', '{}', 'BAD_MESSAGE'],
  ['msgType as a string', '{"msgType":"50200","sid":"S-x","data":{}}', 'BAD_MESSAGE'],
  ['unknown msgType', '{"msgType":99999,"sid":"S-x","data":{}}', 'UNKNOWN_MSG_TYPE'],
  ['missing sid', '{"msgType":50200,"data":{"streams":{"pushUrl":"p","playUrls":[]}}}', 'BAD_MESSAGE'],
  ['sid as a number', '{"msgType":50200,"sid":7,"data":{}}', 'BAD_MESSAGE'],
  ['data as a string', '{"msgType":50200,"sid":"S-x","data":"nope"}', 'BAD_MESSAGE'],
  ['2 MiB frame', `{"msgType":50200,"sid":"S-big","data":{"pad":"${'x'.repeat(2 * MIB)}"}}`, 'TOO_LARGE'],
  ['1 MiB + 1 characters', `"${'y'.repeat(MIB - 1)}"`, 'TOO_LARGE'],
  ['deeply nested arrays', deepArray(400000), 'BAD_MESSAGE'],
  ['deeply nested objects', deepObject(150000), 'BAD_MESSAGE'],
  // Under the trace's 64 KiB bound, so the trace keeps it: exportTrace()
  // must still work.
  ['deep nesting kept by the trace', deepArray(30000), 'BAD_MESSAGE'],
];

/** EXE junk (unsolicited frames) and the error code each must produce. */
const EXE_JUNK = [
  ['malformed JSON', '{"event":', 'BAD_MESSAGE'],
  ['not an object', '[1,2,3]', 'BAD_MESSAGE'],
  ['reply to an unknown id', '{"id":424242,"ok":true,"data":{}}', 'UNKNOWN_REPLY'],
  ['2 MiB frame', `{"event":"error","code":1,"msg":"${'z'.repeat(2 * MIB)}"}`, 'TOO_LARGE'],
  ['deeply nested arrays', deepArray(400000), 'BAD_MESSAGE'],
];

let sentinel = 0;

/**
 * Sends one junk frame, then a well-formed sentinel on the same link, and
 * waits for the sentinel: everything the junk caused has been reported by then.
 * Resolves `{errors, events}` that arrived in between (the sentinel's excluded).
 */
async function junkRound(h, id, account, link, text) {
  const before = await h.rec(id);
  const tag = `sentinel-${++sentinel}`;
  if (link === 'push') {
    await env.sim.control('push', { account, raw: text });
    await env.sim.control('push', { account, msgType: 50203, sid: 'S-junk', data: { url: tag } });
  } else {
    await env.sim.control('exe/send', { account, text });
    await env.sim.control('exe/send', { account, text: JSON.stringify({ event: 'stream', sid: 'S-junk', status: tag }) });
  }
  const isSentinel = (e) => e.type === (link === 'push' ? 'VIDEOTAPE' : 'EXE_EVENT') && (e.data.url === tag || e.data.status === tag);
  await h.waitEvent(id, isSentinel, `sentinel after ${link} junk`, 20000);
  const after = await h.rec(id);
  return {
    errors: after.errors.slice(before.errors.length).map((e) => e.err),
    events: after.events.slice(before.events.length).filter((e) => !isSentinel(e)),
  };
}

test('junk on the push channel and from the EXE: one error each, nothing else; wasm memory flat', async () => {
  const acc = 'i-junk';
  const h = await env.page();
  const id = await h.make(fastOptions(env.sim, acc));
  await h.waitState(id, 'ready');
  const cases = [...PUSH_JUNK.map((c) => ['push', ...c]), ...EXE_JUNK.map((c) => ['exe', ...c])];
  const runAll = async (check) => {
    for (const [link, name, text, code] of cases) {
      const { errors, events } = await junkRound(h, id, acc, link, text);
      if (!check) continue;
      assert.deepEqual(errors.map((e) => e.code), [code], `${link} ${name}: one ${code}`);
      assert.equal(typeof errors[0].msg, 'string');
      assert.ok(errors[0].msg.length < 2000, `${link} ${name}: the error does not carry the junk`);
      assert.deepEqual(events, [], `${link} ${name}: no event`);
      assert.equal(await h.state(id), 'ready', `${link} ${name}: state unchanged`);
    }
  };
  await runAll(true);
  const trace = await h.eval((i) => window.H.get(i).exportTrace(), id);
  assert.equal(trace.schema, 'rtv-trace/1', 'exportTrace() works after deeply nested junk');
  assert.ok(trace.entries.some((e) => e.in && e.in.k === 'push' && e.in.data === deepArray(30000)), 'the deep frame is kept as its text');
  // The first round raised the high-water mark (a 1 MiB frame is copied in
  // once); more rounds of the same junk must not raise it further.
  const base = await h.memory();
  for (let i = 0; i < 3; i++) await runAll(false);
  const end = await h.memory();
  console.log(`junk: wasm ${base.wasm} → ${end.wasm} B, heap ${base.heap} → ${end.heap} B after 3 more rounds of ${cases.length} frames`);
  assert.equal(end.wasm - base.wasm, 0, 'wasm memory grew with the junk');
  assert.ok(end.heap - base.heap < MIB, `JS heap grew by ${end.heap - base.heap} B`);
  const r = await h.rec(id);
  assert.equal(r.completes, 0);
  assert.equal(r.errorCounts.INTERNAL, undefined, 'no panic');
  assert.equal((await h.webSockets()).length, 1, 'the EXE link survived the junk');
  // Still fully working after all that: a call round trip.
  const { sid } = await env.sim.control('call', { account: acc });
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  h.assertNoPageErrors();
});

test('the token never shows in console output, error payloads or events', async () => {
  const TOKEN = 'tok-SECRET-7f3a9c';
  const acc = 'i-token';
  const h = await env.page();
  const id = await h.make(fastOptions(env.sim, acc, { token: TOKEN, logLevel: 'debug', httpTimeout: 500 }));
  await h.waitState(id, 'ready');
  // Make the SDK talk about every link: junk, a failed command, a push outage,
  // an EXE crash, and finally rejected credentials.
  await junkRound(h, id, acc, 'push', '{"msgType":"x"}');
  await env.sim.control('fail', { path: 'dispatch/agent/state', account: acc, status: 500 });
  assert.equal((await h.call(id, 'rest')).ok, false);
  await env.sim.control('fail', { path: 'dispatch/agent/state', account: acc, delayMs: 1500, status: 504 });
  assert.equal((await h.call(id, 'rest')).error.code, 'TIMEOUT');
  await env.sim.control('push-channel', { account: acc, action: 'error500' });
  await env.sim.control('push-channel', { account: acc, action: 'drop' });
  await h.waitError(id, 'PUSH_LINK_LOST');
  await env.sim.control('exe', { account: acc, action: 'crash' });
  await h.waitError(id, 'EXE_LINK_LOST');
  await env.sim.control('push-channel', { account: acc, action: 'restore' });
  await env.sim.control('auth', { rejectTokens: [TOKEN] });
  try {
    await h.eval(() => window.dispatchEvent(new Event('online')));
    await h.waitError(id, 'AUTH');
  } finally {
    await env.sim.control('auth', { rejectTokens: [] });
  }
  const r = await h.rec(id);
  const pageConsole = await h.eval(() => window.__probes.console.map((c) => c.text));
  // The token was really in use (the checks below could otherwise pass vacuously).
  assert.ok((await h.eventSources()).some((e) => e.url.includes(TOKEN)), 'the subscribe URL carries the token');
  const cmds = await logged(env.sim, acc, 'dispatch/agent/state');
  assert.ok(cmds.length > 0 && cmds.every((c) => c.authorization === `Bearer ${TOKEN}`), 'commands carry the token header');
  assert.ok(pageConsole.length > 10, 'the SDK logged at debug level');
  const leaks = [
    ...h.consoleTexts.filter((t) => t.includes(TOKEN)).map((t) => `console: ${t}`),
    ...pageConsole.filter((t) => t.includes(TOKEN)).map((t) => `console (page): ${t}`),
    ...r.errors.filter((e) => JSON.stringify(e.err).includes(TOKEN)).map((e) => `error: ${JSON.stringify(e.err)}`),
    ...r.events.filter((e) => JSON.stringify(e.data).includes(TOKEN)).map((e) => `event: ${JSON.stringify(e)}`),
  ];
  assert.deepEqual(leaks, []);
  assert.equal(r.completes, 1);
});
