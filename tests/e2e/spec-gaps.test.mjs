// SPEC checks no other test made: the SDK's own HTTP_BACK texts (§2), the
// snapshot `data:` prefix (§4.4), Content-Type of every POST (§4), an
// unsolicited EXE error (§4.4), a failed EXE `start` (§3), the exact 1 MiB
// push limit counted in characters (§5), `RtVideo.Consts` / `RtVideo.version`
// of both builds (§1, §2), and the script-tag build while its wasm is still
// loading: CONFIG through `error` + `complete()`, queued calls replayed in
// order (§1).
//
//   cargo build -p rtv-sim && npm run build
//   node --test --test-concurrency=1 tests/e2e/spec-gaps.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PKG_DIR, waitFor } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite, logged, placeCall } from './support/faults.mjs';

const env = faultSuite(['--ping-interval', '1', '--recording-delay', '600']);
const MIB = 1024 * 1024;

/** A ready harness instance of `account`; resolves `{h, id}`. */
async function readyInstance(account, { speed = 1, options = {} } = {}) {
  const h = await env.page({ speed });
  const id = await h.make(fastOptions(env.sim, account, options));
  await h.waitState(id, 'ready');
  return { h, id };
}

/** A busy instance (call answered, EXE `start` sent); resolves `{h, id, sid}`. */
async function inCall(account) {
  const { h, id } = await readyInstance(account);
  const sid = await placeCall(env.sim, account);
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  await waitFor(async () => (await logged(env.sim, account, 'start')).some((e) => e.body.sid === sid), { what: 'EXE start' });
  return { h, id, sid };
}

// ---------------------------------------------------------------- §2 HTTP_BACK

/** SPEC §2, copied from the spec text (not from the SDK's tables). */
const SPEC_HTTP_BACK = {
  100025: '操作失败,该会话已经结束',
  200001: '操作失败,服务受理失败',
  200002: '操作失败,服务受理超时',
  300001: '操作失败,从调度系统获取坐席失败',
  300002: '操作失败,向调度系统拒接任务失败',
  300003: '操作失败,坐席忙线',
  400001: '操作失败,正在切换坐席中',
  400002: '操作失败,不能切换给自己',
  400003: '操作失败,正在等待被切换方应答',
  400004: '操作失败(未启用)',
  400005: '操作失败,对方已受理切换请求取消失败',
  400006: '操作失败,受理超时或被请求方取消',
  // SPEC writes "500001 操作失败." at the end of its list: the full stop ends
  // the sentence (no other text has one), so the text is 操作失败.
  500001: '操作失败',
};

test('HTTP_BACK without a server text carries the SDK\'s own text of SPEC §2 (missing, empty and null msg)', async () => {
  const acc = 'g-httpback';
  const { h, id } = await readyInstance(acc);
  const shapes = [
    (code) => JSON.stringify({ code, data: null }), // no msg at all
    (code) => JSON.stringify({ code, msg: '', data: null }), // empty msg
    (code) => JSON.stringify({ code, msg: null, data: null }), // null msg
  ];
  let k = 0;
  for (const [codeText, text] of Object.entries(SPEC_HTTP_BACK)) {
    const code = Number(codeText);
    const body = shapes[k++ % shapes.length](code);
    const before = await h.rec(id);
    await env.sim.control('fail', { path: 'dispatch/agent/state', account: acc, body });
    const r = await h.call(id, 'rest');
    assert.equal(r.ok, false, `${code}: rest() must fail`);
    assert.deepEqual({ code: r.error.code, msg: r.error.msg }, { code, msg: text }, `${code} (${body}): rejection`);
    const after = await h.rec(id);
    const backs = after.events.slice(before.events.length).filter((e) => e.type === 'HTTP_BACK');
    assert.equal(backs.length, 1, `${code}: one HTTP_BACK`);
    assert.equal(backs[0].data.code, code);
    assert.equal(backs[0].data.msg, text, `${code} (${body}): HTTP_BACK msg`);
    assert.equal(backs[0].data.op, 'agent/state');
    assert.equal(after.errors.length, before.errors.length, `${code}: a business failure is not an error`);
    assert.equal(await h.state(id), 'ready');
  }
  // On the video service too: a failed answer keeps the call ringing.
  const sid = await placeCall(env.sim, acc);
  await h.waitState(id, 'wait');
  await env.sim.control('fail', { path: 'rtv/call/answer', account: acc, body: '{"code":200002,"data":null}' });
  const r = await h.call(id, 'answer', sid);
  assert.deepEqual(r.error, { code: 200002, msg: SPEC_HTTP_BACK[200002] });
  const back = (await h.rec(id)).events.filter((e) => e.type === 'HTTP_BACK').at(-1);
  assert.deepEqual(back.data, { op: 'call/answer', sid, code: 200002, msg: SPEC_HTTP_BACK[200002] });
  assert.equal(await h.state(id), 'wait');
  // A server text wins over the SDK's own.
  await env.sim.control('fail', { path: 'rtv/call/refuse', account: acc, body: '{"code":200001,"msg":"服务端原文","data":null}' });
  assert.deepEqual((await h.call(id, 'refuse', sid)).error, { code: 200001, msg: '服务端原文' });
  // The customer hangs up (a refused call would ring at the next test's agent).
  await env.sim.control('hangup', { sid, msgType: 30017 });
  await h.waitState(id, 'ready');
});

// ---------------------------------------------------------------- §4.4 snapshot prefix

test('snapshot: exactly one data: prefix for raw PNG, JPEG data URL and raw JPEG replies of the EXE', async () => {
  const acc = 'g-snap';
  const { h, id, sid } = await inCall(acc);
  const cases = [
    // [EXE reply format, expected prefix, how the base64 payload starts]
    ['snapshotRaw', 'data:image/png;base64,', 'iVBORw0KGgo'],
    ['snapshotJpeg', 'data:image/jpeg;base64,', '/9j/'],
    ['snapshotRawJpeg', 'data:image/png;base64,', '/9j/'],
    ['snapshotPng', 'data:image/png;base64,', 'iVBORw0KGgo'],
  ];
  for (const [action, prefix, magic] of cases) {
    await env.sim.control('exe', { account: acc, action });
    const seen = (await h.rec(id)).events.length;
    const r = await h.call(id, 'snapshot', 'pusher');
    assert.equal(r.ok, true, `${action}: ${JSON.stringify(r.error)}`);
    const evs = await waitFor(
      async () => {
        const list = (await h.rec(id)).events.slice(seen).filter((e) => e.type === 'SNAPSHOT');
        return list.length > 0 && list;
      },
      { what: `SNAPSHOT after ${action}` },
    );
    assert.equal(evs.length, 1, `${action}: one SNAPSHOT event`);
    for (const [what, v] of [['promise value', r.value.base64], ['SNAPSHOT event', evs[0].data.base64]]) {
      assert.equal(typeof v, 'string', `${action}: ${what}`);
      assert.ok(v.startsWith(prefix), `${action}: ${what} starts with ${v.slice(0, 40)}`);
      assert.equal(v.split('data:').length - 1, 1, `${action}: ${what} has one data: prefix: ${v.slice(0, 60)}`);
      assert.ok(v.slice(prefix.length).startsWith(magic), `${action}: ${what} payload ${v.slice(prefix.length, prefix.length + 20)}`);
    }
    assert.equal(evs[0].data.type, 'pusher');
    assert.equal(r.value.base64, evs[0].data.base64, `${action}: event and promise carry the same URL`);
  }
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
});

// ---------------------------------------------------------------- §4 Content-Type

test('every POST to the video and dispatch services has Content-Type: application/json (incl. heartbeat and offline)', async () => {
  const acc = 'g-ctype';
  // Speed 10: a heartbeat (every 20 s) within 2 s.
  const { h, id } = await readyInstance(acc, { speed: 10, options: { token: 'tok-ct' } });
  assert.equal((await h.call(id, 'rest')).ok, true);
  assert.equal((await h.call(id, 'back')).ok, true);
  const sid = await placeCall(env.sim, acc);
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  await waitFor(async () => (await logged(env.sim, acc, 'dispatch/agent/heartbeat')).length > 0, { what: 'a heartbeat' });
  assert.equal((await h.destroy(id)).ok, true);
  await waitFor(async () => (await logged(env.sim, acc, 'dispatch/agent/state')).some((e) => e.body.state === 'offline'), { what: 'offline' });
  const all = await env.sim.control(`log?account=${acc}`);
  const http = all.filter((e) => e.kind === 'http');
  const paths = new Set(http.map((e) => e.path));
  for (const p of ['rtv/session/current', 'dispatch/agent/state', 'rtv/call/answer', 'rtv/call/hangup', 'dispatch/agent/heartbeat']) {
    assert.ok(paths.has(p), `${p} was sent (${[...paths]})`);
  }
  const bad = http.filter((e) => !/^application\/json\s*(;.*)?$/i.test(e.contentType || ''));
  assert.deepEqual(bad.map((e) => `${e.path} ${JSON.stringify(e.body)}: ${e.contentType}`), [], 'POSTs without Content-Type: application/json');
  // The push service only gets the EventSource's GET (no POST is ever sent to it).
  assert.ok(all.some((e) => e.kind === 'subscribe'));
  assert.ok(!http.some((e) => e.path.startsWith('push-client/')));
});

// ---------------------------------------------------------------- §4.4 unsolicited EXE error

test('an unsolicited EXE {"event":"error"} frame is exactly one EXE_EVENT with its code, msg and the rest', async () => {
  const acc = 'g-exeerr';
  const { h, id } = await readyInstance(acc);
  const before = await h.rec(id);
  const frame = { event: 'error', code: 4711, msg: '摄像头被占用', device: 'cam0' };
  await env.sim.control('exe/send', { account: acc, text: JSON.stringify(frame) });
  // A sentinel on the same link: everything the frame caused is reported by then.
  await env.sim.control('exe/send', { account: acc, text: JSON.stringify({ event: 'stream', sid: 'S-g', status: 'sentinel-g' }) });
  await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.status === 'sentinel-g', 'sentinel');
  const after = await h.rec(id);
  const evs = after.events.slice(before.events.length).filter((e) => e.type === 'EXE_EVENT' && e.data.status !== 'sentinel-g');
  assert.equal(evs.length, 1, `one EXE_EVENT: ${JSON.stringify(evs)}`);
  assert.equal(evs[0].data.code, 4711);
  assert.equal(evs[0].data.msg, '摄像头被占用');
  assert.equal(evs[0].data.device, 'cam0', 'the rest of the frame comes along');
  assert.equal(await h.state(id), 'ready');
});

// ---------------------------------------------------------------- §3 failed EXE start

test('a failed EXE start: EXE_EVENT and one EXE_ERROR, the call stays busy, hangUp still works', async () => {
  const acc = 'g-failstart';
  const { h, id } = await readyInstance(acc);
  await env.sim.control('exe', { account: acc, action: 'failStart', code: 5031, msg: 'camera busy' });
  const sid = await placeCall(env.sim, acc);
  await h.waitState(id, 'wait');
  const seen = (await h.rec(id)).events.length;
  assert.equal((await h.call(id, 'answer', sid)).ok, true, 'the platform accepted the call');
  await h.waitError(id, 'EXE_ERROR');
  const ev = await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.msg === 'camera busy', 'EXE_EVENT of the failed start');
  assert.ok(ev.data.code === 5031 || ev.data.code === 'EXE_ERROR', `EXE_EVENT code ${JSON.stringify(ev.data)}`);
  // Let anything else the failure causes arrive: a sentinel on the EXE link.
  await env.sim.control('exe/send', { account: acc, text: JSON.stringify({ event: 'stream', sid, status: 'sentinel-fs' }) });
  await h.waitEvent(id, (e) => e.type === 'EXE_EVENT' && e.data.status === 'sentinel-fs', 'sentinel');
  const r = await h.rec(id);
  assert.equal(r.errorCounts.EXE_ERROR, 1, 'one EXE_ERROR');
  assert.equal(r.events.slice(seen).filter((e) => e.type === 'EXE_EVENT' && e.data.msg === 'camera busy').length, 1);
  assert.equal(await h.state(id), 'busy', 'the call stays busy');
  assert.deepEqual(r.events.filter((e) => e.type === 'STATE_CHANGE').map((e) => e.data.state), ['ready', 'wait', 'busy']);
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  assert.equal(await h.state(id), 'ready');
  await waitFor(async () => (await logged(env.sim, acc, 'stop')).some((e) => e.body.sid === sid), { what: 'EXE stop' });
});

// ---------------------------------------------------------------- §5 push size limit

/** A VIDEOTAPE push (valid in any state) of exactly `len` characters (JS string length) with url padding `ch`. */
function videotapeOfLength(sid, len, ch) {
  const head = `{"msgType":50203,"sid":"${sid}","data":{"url":"http://rec/`;
  const tail = '"}}';
  const pad = len - head.length - tail.length;
  const text = head + ch.repeat(pad) + tail;
  assert.equal(text.length, len);
  return text;
}

test('push limit: data of exactly 1,048,576 characters accepted, 1,048,577 refused (TOO_LARGE); non-ASCII counted in characters', async () => {
  const acc = 'g-size';
  const { h, id } = await readyInstance(acc);
  const cases = [
    ['S-exact', MIB, 'a', true],
    ['S-over', MIB + 1, 'b', false],
    // 1,048,576 characters, over 3 MB of UTF-8: accepted (the limit is in characters).
    ['S-cjk', MIB, '视', true],
    ['S-cjk-over', MIB + 1, '频', false],
  ];
  for (const [sid, len, ch, ok] of cases) {
    const text = videotapeOfLength(sid, len, ch);
    if (ch !== 'a' && ch !== 'b') assert.ok(Buffer.byteLength(text) > 2.9 * MIB, 'over the limit in UTF-8 bytes');
    const before = await h.rec(id);
    await env.sim.control('push', { account: acc, raw: text });
    const tag = `http://rec/sentinel-${sid}`;
    await env.sim.control('push', { account: acc, msgType: 50203, sid: 'S-sentinel', data: { url: tag } });
    await h.waitEvent(id, (e) => e.type === 'VIDEOTAPE' && e.data.url === tag, `sentinel after ${sid}`, 20000);
    // Read only lengths back: the events themselves are megabytes.
    const got = await h.eval(
      ([i, from, s]) =>
        window.H.rec(i)
          .events.slice(from)
          .filter((e) => e.type === 'VIDEOTAPE' && e.data.sid === s)
          .map((e) => ({ len: e.data.url.length, head: e.data.url.slice(0, 11), last: e.data.url.slice(-1) })),
      [id, before.events.length, sid],
    );
    const errors = await h.eval(([i, from]) => window.H.rec(i).errors.slice(from).map((e) => e.err.code), [id, before.errors.length]);
    if (ok) {
      const urlLen = len - `{"msgType":50203,"sid":"${sid}","data":{"url":"`.length - 3;
      assert.deepEqual(got, [{ len: urlLen, head: 'http://rec/', last: ch }], `${sid}: delivered intact`);
      assert.deepEqual(errors, [], `${sid}: no error`);
    } else {
      assert.deepEqual(got, [], `${sid}: dropped`);
      assert.deepEqual(errors, ['TOO_LARGE'], `${sid}: one TOO_LARGE`);
    }
  }
  assert.equal(await h.state(id), 'ready');
});

// ---------------------------------------------------------------- §1/§2 statics

/** SPEC §1/§2 tables, copied from the spec text. */
const SPEC_EVENT_TYPES = [
  'INCOMING_CALL', 'RECOVERY_CALL', 'INCOMING_CALL_HANGUP', 'VIDEOTAPE', 'SNAPSHOT', 'STATE_CHANGE',
  'HTTP_BACK', 'EXE_EVENT', 'EXCHANGE_CALL', 'ADD_CALL', 'IMAGE',
];
const SPEC_STATES = { DISCONNECTED: 'disconnected', READY: 'ready', LEAVE: 'leave', WAIT: 'wait', BUSY: 'busy' };
const SPEC_CODES = {
  INCOMING_CALL: 50200,
  USER_INTERRUPT: 30017,
  USER_OFF_LINE: 30019,
  AUTO_END_SESSION: 30000,
  STAFF_CHANGE_ASK: 20100,
  STAFF_CHANGE_CALL_BACK_ACCEPT: 20101,
  STAFF_CHANGE_CALL_BACK_REJECT: 20102,
  STAFF_CHANGE_CALL_BACK_CANCEL: 20103,
  STAFF_CHANGE_LIVE_SRC: 50201,
  PARTICIPATOR_LIVE_SRC: 50202,
  VIDEO_REC_SRC: 50203,
  IMG_SRC: 50204,
  END_SESSION: 30025,
  ADDPARTICIPATOR_ASK: 20200,
  ADDPARTICIPATOR_CALL_BACK_ACCEPT: 20201,
  ADDPARTICIPATOR_CALL_BACK_REJECT: 20202,
  ADDPARTICIPATOR_DEL: 20203,
  ADDPARTICIPATOR_CANCEL: 20204,
};

/** Checks one build's `{Consts, version}` (read in the page) against the SPEC tables. */
function checkStatics(build, { Consts, version, keys }) {
  assert.ok(Consts && typeof Consts === 'object', `${build}: RtVideo.Consts`);
  assert.ok(keys.includes('VideoEventType') && keys.includes('ServiceFsmState') && keys.includes('VideoControlCode'), `${build}: Consts keys ${keys}`);
  const vet = Consts.VideoEventType;
  for (const name of SPEC_EVENT_TYPES) assert.equal(vet[name], name, `${build}: VideoEventType.${name}`);
  assert.equal(vet.EXE_ERROR, 'EXE_EVENT', `${build}: VideoEventType.EXE_ERROR alias`);
  for (const [k, v] of Object.entries(vet)) {
    if (k !== 'EXE_ERROR') assert.equal(v, k, `${build}: VideoEventType.${k} equals its name`);
  }
  for (const [k, v] of Object.entries(SPEC_STATES)) assert.equal(Consts.ServiceFsmState[k], v, `${build}: ServiceFsmState.${k}`);
  for (const [k, v] of Object.entries(SPEC_CODES)) assert.strictEqual(Consts.VideoControlCode[k], v, `${build}: VideoControlCode.${k}`);
  assert.equal(typeof version, 'string', `${build}: RtVideo.version`);
  assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, `${build}: RtVideo.version ${version}`);
}

const readStatics = (name) => (n) => {
  const R = window[n];
  return { Consts: JSON.parse(JSON.stringify(R.Consts)), version: R.version, keys: Object.keys(R.Consts) };
};

test('RtVideo.Consts and RtVideo.version of the script-tag and the npm build match SPEC §1/§2', async () => {
  const pkgVersion = JSON.parse(await readFile(path.join(PKG_DIR, 'package.json'), 'utf8')).version;
  const tag = await env.page();
  const script = await tag.eval(readStatics(), 'RtVideo');
  checkStatics('script-tag build', script);
  // Frozen: a page cannot break the tables for everyone.
  assert.equal(await tag.eval(() => Object.isFrozen(RtVideo.Consts.VideoControlCode)), true);

  const esmPage = await env.browser.context.newPage();
  try {
    const errors = [];
    esmPage.on('pageerror', (e) => errors.push(String(e)));
    await esmPage.goto(`${env.server.url}esm.html`);
    // The module's top-level await may finish after the load event.
    await waitFor(() => esmPage.evaluate(() => window.esmReady !== undefined), { what: `the npm build evaluated (${errors})` });
    assert.equal(await esmPage.evaluate(() => window.esmReady), true, `npm build ready (${errors})`);
    const esm = await esmPage.evaluate(readStatics(), 'RtVideoEsm');
    checkStatics('npm build', esm);
    assert.deepEqual(esm.Consts, script.Consts, 'both builds have the same tables');
    assert.equal(esm.version, script.version, 'both builds have the same version');
    assert.equal(script.version, pkgVersion, 'RtVideo.version is the package version');
  } finally {
    await esmPage.close();
  }
});

// ---------------------------------------------------------------- §1 script-tag build while loading

let gated = null;
before(async () => {
  // Holds every `.wasm` response until release(): the script-tag build then
  // surely takes its facade path.
  gated = await startStatic();
  gated.hold();
});
after(async () => {
  await gated?.stop();
});

test('script-tag build while the wasm loads: bad options → CONFIG via error then complete(); queued calls replayed in order', async () => {
  const acc = 'g-facade';
  const page = await env.browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    const opts = fastOptions(env.sim, acc);
    await page.goto(`${gated.url}loading.html?${new URLSearchParams({ opts: JSON.stringify(opts) })}`);
    // The page ran its script while the wasm was held back.
    await waitFor(() => gated.wasmAsked() > 0, { what: 'the wasm requested' });
    const early = await page.evaluate(() => ({
      badThrew: window.L.badThrew,
      badIsInstance: window.L.badIsInstance,
      readySettled: window.L.readySettled,
      stateBefore: window.L.stateBefore,
      log: window.L.log,
    }));
    assert.equal(early.readySettled, false, 'the wasm is still loading');
    assert.equal(early.badThrew, false, 'no throw from the constructor while loading');
    assert.equal(early.badIsInstance, true);
    assert.equal(early.stateBefore, 'disconnected');
    assert.deepEqual(early.log, [], 'nothing reported before the wasm is ready');

    gated.release();
    await waitFor(() => page.evaluate(() => window.L.readySettled === 'resolved'), { what: 'RtVideo.ready' });
    await waitFor(() => page.evaluate(() => window.L.log.filter((e) => e.who === 'good' && (e.kind === 'resolve' || e.kind === 'reject')).length === 6), {
      what: 'the six queued calls settled',
    });
    await waitFor(() => page.evaluate(() => window.L.log.some((e) => e.who === 'bad' && e.kind === 'complete')), { what: 'complete() of the bad instance' });
    const log = await page.evaluate(() => window.L.log);

    // The bad instance: error CONFIG naming the field, then complete(), once each; its queued call rejected.
    const bad = log.filter((e) => e.who === 'bad');
    const badCallbacks = bad.filter((e) => e.kind === 'error' || e.kind === 'complete' || e.kind === 'next');
    assert.deepEqual(badCallbacks.map((e) => `${e.kind}:${e.code || ''}`), ['error:CONFIG', 'complete:'], JSON.stringify(bad));
    assert.match(badCallbacks[0].msg, /profile/, 'the CONFIG message names the field');
    const badRest = bad.find((e) => e.kind === 'reject' && e.call === 'rest');
    assert.ok(badRest, 'the bad instance\'s queued call is rejected');

    // The good instance: its queued calls ran in the order they were made.
    const settled = log.filter((e) => e.who === 'good' && (e.kind === 'resolve' || e.kind === 'reject'));
    assert.deepEqual(
      settled.map((e) => `${e.call}:${e.kind === 'resolve' ? 'ok' : e.code}`),
      ['answer:INVALID_ARGUMENT', 'rest:INVALID_STATE', 'snapshot:INVALID_ARGUMENT', 'back:INVALID_STATE', 'reconnect:ok', 'hangUp:INVALID_ARGUMENT'],
    );
    // ...and their local failures reached `error` in the same order.
    const goodErrors = log.filter((e) => e.who === 'good' && e.kind === 'error').map((e) => e.code);
    assert.deepEqual(goodErrors.slice(0, 5), ['INVALID_ARGUMENT', 'INVALID_STATE', 'INVALID_ARGUMENT', 'INVALID_STATE', 'INVALID_ARGUMENT']);
    // The replayed instance is a real one: it connects.
    await waitFor(() => page.evaluate(() => window.L.good.state() === 'ready'), { what: 'the facade instance ready' });
    assert.equal(await page.evaluate(() => window.L.good instanceof RtVideo), true);
    await page.evaluate(() => window.L.good.destroy());
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
});
