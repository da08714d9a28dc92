// End-to-end: the customer-call flows of one agent in the real console page
// (www-demo, bundler build of the SDK) against the real simulator: answer,
// refuse, hang-ups from either side, snapshot, recording, rest/back, page
// reload during a call, business errors, and an offer that rings out.
//
//   cargo build -p rtv-sim && npm run build && npm run build:demo
//   node --test --test-concurrency=1 tests/e2e/flows-calls.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simSuite, startSim, waitFor } from './support/sim.mjs';
import { openConsoles, withConsoles, ringCall, answeredCall, session, consoleUrl, Agent } from './support/console.mjs';

  // A short recording delay: the 50203 link follows the end of a call quickly.
const env = simSuite(['--recording-delay', '0.3']);

const run = (accounts, fn) => withConsoles(env.browser.context, env.sim, accounts, fn);

test('log-in form, then ready', async () => {
  const page = await env.browser.context.newPage();
  const agent = new Agent(page, 'c-login');
  try {
    await agent.hooked; // the state() hook must be in place before the page loads
    await page.goto(consoleUrl(env.sim, 'c-login', { autologin: false }));
    await agent.el('login-submit').waitFor();
    assert.equal(await agent.el('login-account').inputValue(), 'c-login');
    await agent.shot('login');
    await agent.click('login-submit');
    await agent.expectState('ready');
    await agent.el('idle-card').waitFor();
    const presence = await waitFor(async () => (await env.sim.control('agents')).find((a) => a.account === 'c-login' && a.presence === 'ready'));
    assert.equal(presence.state, 'ready');
    await agent.shot('ready');
    await agent.click('logout');
    await agent.el('login-submit').waitFor();
    await waitFor(async () => (await env.sim.control('agents')).find((a) => a.account === 'c-login')?.presence === 'offline', { what: 'offline after log-out' });
    agent.assertNoPageErrors();
  } finally {
    await agent.close();
  }
});

test('answer: ringing card, then in call as owner', async () => {
  await run(['c-answer'], async (a) => {
    const sid = await ringCall(env.sim, a, { name: '张三', phone: '13800000000', policyNo: 'P-42' });
    await a.expectText('ring-title', '客户来电');
    await a.el('ring-customer').getByText('张三').waitFor();
    await a.shot('ringing');
    await a.click('answer');
    await a.expectInCall(sid, 'owner');
    await a.el('call-customer').getByText('P-42').waitFor();
    assert.equal(await a.el('ring-card').isVisible(), false);
    const s = await session(env.sim, sid);
    assert.equal(s.phase, 'active');
    assert.equal(s.owner, 'c-answer');
  });
});

test('simulate-call button of the console rings this agent', async () => {
  await run(['c-simcall'], async (a) => {
    await a.click('sim-call');
    await a.expectState('wait');
    await a.el('ring-card').waitFor();
    const sid = await a.el('ring-sid').textContent();
    assert.deepEqual((await session(env.sim, sid)).phase, { offered: 'c-simcall' });
  });
});

test('refuse: back to ready, the call leaves this agent', async () => {
  await run(['c-refuse'], async (a) => {
    const sid = await ringCall(env.sim, a);
    await a.click('refuse');
    await a.expectState('ready');
    await a.el('idle-card').waitFor();
    const s = await session(env.sim, sid);
    assert.notDeepEqual(s.phase, { offered: 'c-refuse' });
    const log = await env.sim.control('log?account=c-refuse');
    assert.ok(log.some((e) => e.path === 'rtv/call/refuse' && e.body.sid === sid), 'call/refuse was sent');
  });
});

for (const [code, text] of [
  [30000, '会话已自动结束'],
  [30017, '客户已挂断'],
  [30019, '客户已离线'],
]) {
  test(`customer side ends the call while busy: ${code}`, async () => {
    await run([`c-end-${code}`], async (a) => {
      const sid = await answeredCall(env.sim, a);
      await env.sim.control('hangup', { sid, msgType: code });
      await a.expectState('ready');
      await a.expectToast(text);
      await a.expectLogged('INCOMING_CALL_HANGUP', `"msgType":${code}`);
      assert.equal(await a.el('call-panel').isVisible(), false);
      // The EXE was told to stop the call's streams.
      await waitFor(async () => (await env.sim.control(`log?account=c-end-${code}`)).some((e) => e.kind === 'exe' && e.path === 'stop' && e.body.sid === sid), { what: 'EXE stop' });
    });
  });
}

test('customer hangs up while ringing (30017)', async () => {
  await run(['c-end-ring'], async (a) => {
    const sid = await ringCall(env.sim, a);
    await env.sim.control('hangup', { sid, msgType: 30017 });
    await a.expectState('ready');
    await a.expectToast('来电已取消');
    assert.equal(await a.el('ring-card').isVisible(), false);
  });
});

test('agent hangs up', async () => {
  await run(['c-hangup'], async (a) => {
    const sid = await answeredCall(env.sim, a);
    await a.click('hangup');
    await a.expectState('ready');
    await waitFor(async () => (await session(env.sim, sid)).phase === 'ended', { what: `${sid} ended` });
    const log = await env.sim.control('log?account=c-hangup');
    assert.ok(log.some((e) => e.path === 'rtv/call/hangup' && e.body.sid === sid));
  });
});

test('snapshot of the customer and of the own picture shows in the page', async () => {
  await run(['c-snap'], async (a) => {
    await answeredCall(env.sim, a, { name: '李四', phone: '13900000000', claimNo: 'C-7' });
    for (const type of ['player', 'pusher']) {
      await a.click(`snapshot-${type}`);
      const img = a.page.locator(`[data-testid="snapshot-img"][data-type="${type}"]`).first();
      await img.waitFor();
      const src = await img.getAttribute('src');
      assert.ok(src.startsWith('data:image/png;base64,'), `src starts with a PNG data URL: ${src.slice(0, 40)}`);
      await waitFor(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), { what: `${type} snapshot decoded` });
    }
    await a.shot('in-call-with-snapshot');
  });
});

test('recording link appears after the call ends', async () => {
  await run(['c-rec'], async (a) => {
    const sid = await answeredCall(env.sim, a);
    await a.click('hangup');
    await a.expectState('ready');
    const link = a.el('recording-link').first();
    await link.waitFor();
    assert.equal(await link.textContent(), `${sid}.mp4`);
    const href = await link.getAttribute('href');
    assert.equal(href, `${env.sim.url}media/rec/${sid}.mp4`);
    const res = await fetch(href);
    assert.equal(res.status, 200);
  });
});

test('rest and back', async () => {
  await run(['c-rest'], async (a) => {
    await a.click('rest-toggle');
    await a.expectState('leave');
    await a.expectText('idle-title', '小休中');
    await waitFor(async () => (await env.sim.control('agents')).find((x) => x.account === 'c-rest')?.presence === 'leave', { what: 'presence leave' });
    await a.shot('leave');
    await a.click('rest-toggle');
    await a.expectState('ready');
    await waitFor(async () => (await env.sim.control('agents')).find((x) => x.account === 'c-rest')?.presence === 'ready', { what: 'presence ready' });
  });
});

test('reload during a call: RECOVERY_CALL, busy again, no second ringing, EXE start again', async () => {
  await run(['c-reload'], async (a) => {
    const sid = await answeredCall(env.sim, a);
    const starts = async () => (await env.sim.control('log?account=c-reload')).filter((e) => e.kind === 'exe' && e.path === 'start' && e.body.sid === sid).length;
    await waitFor(async () => (await starts()) === 1, { what: 'first EXE start' });
    await a.page.reload();
    await a.expectInCall(sid, 'owner');
    await a.expectLogged('RECOVERY_CALL', sid);
    await a.el('call-note').getByText('RECOVERY_CALL').waitFor();
    const events = await a.loggedEvents();
    assert.ok(!events.some((e) => e.type === 'INCOMING_CALL'), 'no INCOMING_CALL after the reload');
    assert.ok(!events.some((e) => e.type === 'STATE_CHANGE' && e.data.includes('"state":"wait"')), 'never rang again');
    await waitFor(async () => (await starts()) === 2, { what: 'EXE start after the reload' });
    // The recovered call is a normal call: it can be hung up.
    await a.click('hangup');
    await a.expectState('ready');
  });
});

test('business error from the platform shows its text (300003 on answer)', async () => {
  await run(['c-busy'], async (a) => {
    const sid = await ringCall(env.sim, a);
    await env.sim.control('fail', { path: 'rtv/call/answer', account: 'c-busy', times: 1, code: 300003 });
    await a.click('answer');
    const t = await a.expectToast('操作失败,坐席忙线');
    assert.match(await t.textContent(), /300003/);
    await a.expectLogged('HTTP_BACK', '"code":300003');
    // The state does not change: the call still rings and can be answered.
    await a.expectRinging('call', sid);
    await a.click('answer');
    await a.expectInCall(sid);
  });
});

test('a call not answered in time is withdrawn (30000) and offered to the next ready agent', async () => {
  const quick = await startSim(['--ring-timeout', '2']);
  const agents = [];
  try {
    agents.push(...(await openConsoles(env.browser.context, quick, ['r-1', 'r-2'])));
    const { sid } = await quick.control('call', {});
    const first = await waitFor(async () => {
      for (const a of agents) if ((await a.state()) === 'wait') return a;
      return null;
    }, { what: 'the call to ring somewhere' });
    const second = agents.find((a) => a !== first);
    await first.expectRinging('call', sid);
    // Nobody answers: after the ring time-out it rings at the other agent.
    await first.expectState('ready', 5000);
    await first.expectLogged('INCOMING_CALL_HANGUP', '"msgType":30000');
    await first.expectToast('来电已取消');
    await second.expectRinging('call', sid);
    assert.deepEqual((await session(quick, sid)).phase, { offered: second.account });
    await second.click('answer');
    await second.expectInCall(sid);
    for (const a of agents) {
      a.assertNoPageErrors();
      await a.assertStateChain();
      await a.assertNoSdkErrors();
    }
  } finally {
    for (const a of agents) await a.close();
    await quick.stop();
  }
});
