// End-to-end: third-party calls across three agents' consoles (add/*: 20200
// invitation, 20201 joined, 20202 refused, 20203 left or removed, 20204
// cancelled, 50202 streams to the participant, 30025 to a removed participant).
//
//   node --test --test-concurrency=1 tests/e2e/flows-third-party.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simSuite, waitFor } from './support/sim.mjs';
import { withConsoles, answeredCall, session } from './support/console.mjs';

const env = simSuite(['--recording-delay', '0.3']);

// The colleagues log in first, the owner last (its picker lists them).
const run = (accounts, fn) => withConsoles(env.browser.context, env.sim, accounts, fn);

const participantRow = (owner, account, status) =>
  owner.page.locator(`[data-testid="participant"][data-account="${account}"]${status ? `[data-status="${status}"]` : ''}`);

/** Owner `a` invites `b` into call `sid`; waits until it rings at `b` and `a` lists `b` as pending. */
async function invite(a, b, sid) {
  await a.pick('add-target', b.account);
  await a.click('add-ask');
  await b.expectRinging('add', sid);
  await b.expectLogged('ADD_CALL', '"msgType":20200');
  await b.el('ring-from').getByText(a.account).waitFor();
  await participantRow(a, b.account, 'pending').waitFor();
}

/** `b` accepts the invitation to `sid` of owner `a`: `b` is in the call as participant, `a` lists it joined. */
async function join(a, b, sid) {
  await b.click('accept-add');
  await b.expectInCall(sid, 'participant');
  await b.expectLogged('ADD_CALL', '"msgType":50202');
  await a.expectLogged('ADD_CALL', '"msgType":20201');
  await participantRow(a, b.account, 'joined').waitFor();
  // A participant leaves with "quit", not hang-up, and has no transfer/invite tools.
  await b.el('quit').waitFor();
  assert.equal(await b.el('hangup').isVisible(), false);
  assert.equal(await b.el('collab').isVisible(), false);
  assert.equal((await session(env.sim, sid)).participant, b.account);
  // The participant's EXE plays the 50202 streams: its own push URL, customer and owner.
  const start = await waitFor(async () => (await env.sim.control(`log?account=${b.account}`)).findLast((e) => e.kind === 'exe' && e.path === 'start' && e.body.sid === sid), { what: 'EXE start at the participant' });
  assert.match(start.body.streams.pushUrl, new RegExp(`/${sid}-guest$`));
  assert.equal(start.body.streams.playUrls.length, 2);
}

test('third party refused by one colleague, accepted by another', async () => {
  await run(['tp-ref-b', 'tp-ref-c', 'tp-ref-a'], async (b, c, a) => {
    const sid = await answeredCall(env.sim, a, { name: '赵六', phone: '13600000000' });
    await invite(a, b, sid);
    await b.click('refuse-add');
    await b.expectState('ready');
    await a.expectLogged('ADD_CALL', '"msgType":20202');
    await a.expectToast('拒绝加入三方通话');
    await participantRow(a, b.account).waitFor({ state: 'detached' });
    await invite(a, c, sid);
    await join(a, c, sid);
    await a.shot('third-party-joined');
    await c.shot('third-party-participant');
    await a.expectInCall(sid, 'owner');
    assert.equal(await b.state(), 'ready');
  });
});

test('third party invitation cancelled by the owner', async () => {
  await run(['tp-can-b', 'tp-can-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, b, sid);
    await a.click('add-cancel');
    await b.expectState('ready');
    await b.expectLogged('ADD_CALL', '"msgType":20204');
    await b.expectToast('对方已取消三方邀请');
    await participantRow(a, b.account).waitFor({ state: 'detached' });
    await a.expectInCall(sid, 'owner');
    assert.equal((await session(env.sim, sid)).ask, null);
  });
});

test('third party quits; the owner can invite another colleague', async () => {
  await run(['tp-quit-b', 'tp-quit-c', 'tp-quit-a'], async (b, c, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, c, sid);
    await join(a, c, sid);
    await c.click('quit');
    await c.expectState('ready');
    await a.expectLogged('ADD_CALL', '"msgType":20203');
    await participantRow(a, c.account).waitFor({ state: 'detached' });
    await a.expectInCall(sid, 'owner');
    assert.equal((await session(env.sim, sid)).participant, null);
    await waitFor(async () => (await env.sim.control(`log?account=${c.account}`)).some((e) => e.kind === 'exe' && e.path === 'stop' && e.body.sid === sid), { what: 'EXE stop at the participant' });
    // The seat is free again.
    await invite(a, b, sid);
    await join(a, b, sid);
  });
});

test('owner removes the third party: 30025 to the removed participant', async () => {
  await run(['tp-rm-b', 'tp-rm-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, b, sid);
    await join(a, b, sid);
    await a.click('add-remove');
    await b.expectState('ready');
    await b.expectLogged('INCOMING_CALL_HANGUP', '"msgType":30025');
    await b.expectToast('三方通话已结束或您已被移出');
    await a.expectLogged('ADD_CALL', '"msgType":20203');
    await participantRow(a, b.account).waitFor({ state: 'detached' });
    await a.expectInCall(sid, 'owner');
    assert.equal((await session(env.sim, sid)).participant, null);
  });
});

test('customer hangs up a three-party call: owner and participant both end', async () => {
  await run(['tp-end-b', 'tp-end-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, b, sid);
    await join(a, b, sid);
    await env.sim.control('hangup', { sid, msgType: 30017 });
    for (const x of [a, b]) {
      await x.expectState('ready');
      await x.expectLogged('INCOMING_CALL_HANGUP', '"msgType":30017');
    }
    // Only the owner gets the recording.
    await a.el('recording-link').first().waitFor();
  });
});

test('owner hangs up a three-party call: the participant gets 30025', async () => {
  await run(['tp-own-b', 'tp-own-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, b, sid);
    await join(a, b, sid);
    await a.click('hangup');
    await a.expectState('ready');
    await b.expectState('ready');
    await b.expectLogged('INCOMING_CALL_HANGUP', '"msgType":30025');
  });
});

test('participant reloads its page: recovered as participant, can still quit', async () => {
  await run(['tp-rel-b', 'tp-rel-a'], async (b, a) => {
    const sid = await answeredCall(env.sim, a);
    await invite(a, b, sid);
    await join(a, b, sid);
    await b.page.reload();
    await b.expectInCall(sid, 'participant');
    await b.expectLogged('RECOVERY_CALL', '"role":"participant"');
    assert.ok(!(await b.loggedEvents()).some((e) => e.type === 'ADD_CALL'), 'no new invitation after the reload');
    await waitFor(async () => (await env.sim.control(`log?account=${b.account}`)).filter((e) => e.kind === 'exe' && e.path === 'start' && e.body.sid === sid).length === 2, { what: 'EXE start again at the participant' });
    await b.click('quit');
    await b.expectState('ready');
    await participantRow(a, b.account).waitFor({ state: 'detached' });
  });
});
