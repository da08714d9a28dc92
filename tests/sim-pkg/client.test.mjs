// The test client of the installed snk-rt-video-pc-sim (startSim): free ports
// per simulator, the control API v1 through typed methods, refusals as
// SimError with the simulator's reason, stop().

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { closed, installed } from './support.mjs';

const { startSim, SimError, API_VERSION, binaryPath } = await installed();

test('two simulators at once get their own free ports and stop cleanly', async () => {
  const [a, b] = await Promise.all([startSim(), startSim()]);
  try {
    assert.notEqual(a.platformUrl, b.platformUrl);
    assert.notEqual(a.exeUrl, b.exeUrl);
    assert.match(a.platformUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await a.version(), { api: API_VERSION, sim: '2.0.0' });
    const o = a.options('agent1', { systemCode: 'CLAIMS' });
    assert.deepEqual(o, {
      systemCode: 'CLAIMS',
      account: 'agent1',
      sseServerUrl: `${a.platformUrl}/push-client/`,
      videoServiceUrl: `${a.platformUrl}/rtv/`,
      stateServiceUrl: `${a.platformUrl}/dispatch/`,
      exeUrl: a.exeUrl,
    });
    assert.match(binaryPath(), /node_modules\/snk-rt-video-pc-sim-linux-x64\/bin\/rtv-sim$/);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.equal((await a.exited).code, 0, 'SIGTERM: a clean shutdown');
  assert.ok(await closed(new URL(a.platformUrl).port));
});

test('control calls reach the platform; refusals are SimError with the reason', async () => {
  const sim = await startSim();
  try {
    // An agent goes ready the way the SDK does it, then a customer calls.
    const ready = await fetch(`${sim.platformUrl}/dispatch/agent/state`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ systemCode: 'T', account: 'a1', state: 'ready' }),
    });
    assert.equal((await ready.json()).code, 0);
    const sid = await sim.call('a1', { customer: { name: '赵六' } });
    const [s] = await sim.sessions();
    assert.equal(s.sid, sid);
    assert.deepEqual(s.phase, { offered: 'a1' });
    assert.equal(s.customer.name, '赵六');
    await sim.hangUp(sid);

    await sim.fail('rtv/call/answer', { account: 'a1', code: 300003 });
    const env = await (
      await fetch(`${sim.platformUrl}/rtv/call/answer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ systemCode: 'T', account: 'a1', sid: 'S-x' }),
      })
    ).json();
    assert.deepEqual(env, { code: 300003, msg: '操作失败,坐席忙线', data: null });
    const answers = (await sim.log('a1')).filter((e) => e.path === 'rtv/call/answer');
    assert.equal(answers.length, 1);
    assert.deepEqual(await sim.links('nobody'), { subscriptions: 0, subscribesTotal: 0, exeLinks: 0, exeHellos: 0 });

    const refusals = [
      [() => sim.fail('rtv/call/anser', { code: 1 }), 400, /unknown path "rtv\/call\/anser"/],
      [() => sim.fail('rtv/call/answer', {}), 400, /nothing to inject/],
      [() => sim.pushChannel('a1', 'explode'), 400, /unknown action "explode"/],
      [() => sim.exe('a1', 'explode'), 400, /unknown action "explode"/],
      [() => sim.hangUp('S-none'), 404, /no live session S-none/],
      [() => sim.get('nothing-here'), 404, /no control endpoint GET \/sim\/nothing-here/],
    ];
    for (const [call, status, reason] of refusals) {
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof SimError, String(e));
        assert.equal(e.status, status);
        assert.match(e.reason, reason);
        return true;
      });
    }
  } finally {
    await sim.stop();
  }
});

test('startSim({replay}) plays a trace: the recorded push reaches the traced agent', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtv-sim-pkg-'));
  const file = path.join(dir, 'trace.json');
  const offer = '{"msgType":50200,"sid":"S-R","data":{"customer":{"name":"张*"}}}';
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'rtv-trace/1',
      sdk: '2.0.0',
      seed: [0, 1],
      start: 10,
      options: { systemCode: 'T', account: 'rep', token: '***' },
      snapshot: null,
      dropped: 0,
      entries: [
        { t: 1000, in: { k: 'pushOpened' } },
        { t: 1010, in: { k: 'push', id: '5', data: offer } },
      ],
    }),
  );
  let log = '';
  const sim = await startSim({ replay: file, seed: 3, log: (t) => (log += t) });
  try {
    assert.match(log, /replaying trace .*trace\.json for account rep \(systemCode T\), 1 pushes/);
    const res = await fetch(`${sim.platformUrl}/push-client/subscribe?account=rep&systemCode=T`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body.getReader();
    let text = '';
    while (!text.includes('id: 5')) {
      const { value, done } = await reader.read();
      assert.ok(!done, `stream ended: ${text}`);
      text += new TextDecoder().decode(value);
    }
    assert.match(text, new RegExp(`id: 5\ndata: ${offer.replace(/[{}()*.]/g, '\\$&')}`));
    await reader.cancel();
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
