// End-to-end: transferring a call between two agents' consoles (change/*:
// 20100 ask, 20101 accepted, 20102 refused, 20103 cancelled, 50201 streams to
// the new owner), and a transfer the platform rejects (400002).
//
//   node --test --test-concurrency=1 tests/e2e/flows-transfer.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simSuite, waitFor } from './support/sim.mjs';
import { withConsoles, answeredCall, session, consoleUrl, Agent, endAllCalls } from './support/console.mjs';

const env = simSuite(['--recording-delay', '0.3']);

// The colleague logs in first, so the owner's picker lists it.
const run = (accounts, fn) => withConsoles(env.browser.context, env.sim, accounts, fn);

/** Owner `a` asks `b` to take call `sid`; waits until it rings at `b` and `a` shows it pending. */
async function askTransfer(a, b, sid) {
  await a.pick('transfer-target', b.account);
  await a.click('transfer-ask');
  await b.expectRinging('transfer', sid);
  await b.expectLogged('EXCHANGE_CALL', '"msgType":20100');
  await b.el('ring-from').getByText(a.account).waitFor();
  await a.page.locator('[data-testid="transfer-pending"][data-status="pending"]').waitFor();
  await a.el('transfer-status').getByText(b.account).waitFor();
  assert.deepEqual((await session(env.sim, sid)).ask, { kind: 'change', from: a.account, newer: b.account });
}

test('transfer accepted: the colleague owns the call, the asker is free', async () => {
  await run(['tr-acc-b', 'tr-acc-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a, { name: '王五', phone: '13700000000' });
    await askTransfer(a, b, sid);
    await a.shot('transfer-pending');
    await b.shot('transfer-offer');
    await b.click('accept-transfer');
    await b.expectInCall(sid, 'owner');
    await b.expectLogged('EXCHANGE_CALL', '"msgType":50201');
    await b.el('call-note').getByText(`由 ${a.account} 转接而来`).waitFor();
    await a.expectState('ready');
    await a.expectLogged('EXCHANGE_CALL', '"msgType":20101');
    await a.expectToast('已接受转接');
    const s = await session(env.sim, sid);
    assert.equal(s.owner, b.account);
    assert.equal(s.ask, null);
    // Each side's EXE did what its role needs: the old owner stopped, the new one started.
    await waitFor(async () => (await env.sim.control(`log?account=${a.account}`)).some((e) => e.kind === 'exe' && e.path === 'stop' && e.body.sid === sid), { what: 'stop at the old owner' });
    const start = await waitFor(async () => (await env.sim.control(`log?account=${b.account}`)).find((e) => e.kind === 'exe' && e.path === 'start' && e.body.sid === sid), { what: 'start at the new owner' });
    assert.match(start.body.streams.pushUrl, new RegExp(`/${sid}-agent$`), 'the 50201 streams');
    // The new owner ends the call like any other.
    await b.click('hangup');
    await b.expectState('ready');
    await b.el('recording-link').first().waitFor();
  });
});

test('transfer refused: the asker keeps the call', async () => {
  await run(['tr-ref-b', 'tr-ref-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await askTransfer(a, b, sid);
    await b.click('refuse-transfer');
    await b.expectState('ready');
    await a.expectLogged('EXCHANGE_CALL', '"msgType":20102');
    await a.expectToast('拒绝了转接');
    await a.el('transfer-pending').waitFor({ state: 'hidden' });
    await a.expectInCall(sid, 'owner');
    assert.equal((await session(env.sim, sid)).owner, a.account);
  });
});

test('transfer cancelled by the asker: the colleague stops ringing', async () => {
  await run(['tr-can-b', 'tr-can-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await askTransfer(a, b, sid);
    await a.click('transfer-cancel');
    await b.expectState('ready');
    await b.expectLogged('EXCHANGE_CALL', '"msgType":20103');
    await b.expectToast('对方已取消转接');
    await a.el('transfer-pending').waitFor({ state: 'hidden' });
    await a.expectToast('已取消转接');
    await a.expectInCall(sid, 'owner');
    const s = await session(env.sim, sid);
    assert.equal(s.owner, a.account);
    assert.equal(s.ask, null);
  });
});

test('transfer to oneself: the platform text 操作失败,不能切换给自己 is shown', async () => {
  // Without the simulator's colleague list the picker is a text field (as on
  // the real platform), where an agent can type its own account.
  const page = await env.browser.context.newPage();
  const a = new Agent(page, 'tr-self');
  try {
    await a.hooked; // the state() hook must be in place before the page loads
    await page.route('**/sim/agents', (route) => route.abort());
    await page.goto(consoleUrl(env.sim, a.account));
    await a.expectState('ready');
    const sid = await answeredCall(env.sim, a);
    assert.equal(await a.el('transfer-target').evaluate((e) => e.tagName), 'INPUT');
    await a.pick('transfer-target', a.account);
    await a.click('transfer-ask');
    const t = await a.expectToast('操作失败,不能切换给自己');
    assert.match(await t.textContent(), /400002/);
    await a.expectLogged('HTTP_BACK', '"code":400002');
    await a.shot('error-toast');
    // Nothing changed: still in the call, no transfer pending.
    await a.el('transfer-pending').waitFor({ state: 'hidden' });
    await a.expectInCall(sid, 'owner');
    a.assertNoPageErrors();
  } finally {
    await a.close();
    await endAllCalls(env.sim);
  }
});
