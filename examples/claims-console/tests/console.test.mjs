// The claims console against the platform simulator: what an integrator's
// CI runs. Only the published packages are used: snk-rt-video-pc (in the
// page), snk-rt-video-pc-sim (startSim) and playwright-core.
//
// Chromium: CHROMIUM_PATH, default /usr/bin/chromium (e.g. Debian's package;
// or the path `npx playwright install chromium` prints).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startSim } from 'snk-rt-video-pc-sim';
import { serveConsole } from '../serve.mjs';

const WAIT = { timeout: 10_000 };
let sim;
let site;
let browser;

before(async () => {
  sim = await startSim(); // free ports: test files can run in parallel
  site = await serveConsole({ port: 0 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await sim?.stop();
});

/** Opens the console as `account`, pointed at the simulator, and waits until the agent is ready. */
async function openConsole(account) {
  const page = await browser.newPage();
  const o = sim.options(account, { systemCode: 'CLAIMS' });
  const q = new URLSearchParams({
    account,
    systemCode: o.systemCode,
    sseServerUrl: o.sseServerUrl,
    videoServiceUrl: o.videoServiceUrl,
    stateServiceUrl: o.stateServiceUrl,
    exeUrl: o.exeUrl,
  });
  await page.goto(`${site.url}?${q}`);
  await expectState(page, 'ready');
  return page;
}

const el = (page, id) => page.getByTestId(id);

async function expectState(page, state) {
  await page.locator(`[data-testid="state"][data-state="${state}"]`).waitFor(WAIT);
}

/** A customer calls `account`, who answers in the console; resolves with the sid. */
async function answeredCall(page, account, customer) {
  const sid = await sim.call(account, { customer });
  await el(page, 'incoming').waitFor(WAIT);
  assert.equal(await el(page, 'incoming-customer').textContent(), customer.name);
  await el(page, 'answer').click();
  await expectState(page, 'busy');
  await page.locator(`[data-testid="call-sid"]:text-is("${sid}")`).waitFor(WAIT);
  return sid;
}

describe('claims console', () => {
  test('a call rings, is answered, and ends when the customer hangs up', async () => {
    const page = await openConsole('agent1');
    const sid = await answeredCall(page, 'agent1', { name: '张三', claimNo: 'LP2026-0001' });
    assert.equal(await el(page, 'incoming-claim').textContent(), 'LP2026-0001');
    // The platform saw the answer for this sid from this agent.
    const answers = (await sim.log('agent1')).filter((e) => e.path === 'rtv/call/answer');
    assert.deepEqual(answers.map((e) => e.body.sid), [sid]);

    await sim.hangUp(sid);
    await expectState(page, 'ready');
    await el(page, 'notice').filter({ hasText: '客户已挂断' }).waitFor(WAIT);
    assert.equal(await el(page, 'call').isHidden(), true);
    await page.close();
  });

  test('a transfer refused by the platform shows its HTTP_BACK text and the call goes on', async () => {
    const page = await openConsole('agent2');
    await answeredCall(page, 'agent2', { name: '李四' });
    await sim.fail('rtv/change/ask', { account: 'agent2', code: 400002 });
    await el(page, 'transfer-to').fill('agent3');
    await el(page, 'transfer').click();
    await el(page, 'notice').filter({ hasText: '操作失败,不能切换给自己 (400002)' }).waitFor(WAIT);
    assert.match(await el(page, 'notice').textContent(), /^转接 \/ transfer 失败/);
    await expectState(page, 'busy');
    await page.close();
  });

  test('the EXE closed mid-call is shown, and the console reconnects once it runs again', async () => {
    const page = await openConsole('agent4');
    const sid = await answeredCall(page, 'agent4', { name: '王五' });
    await sim.closeExe('agent4');
    await el(page, 'exe-status').filter({ hasText: '视频客户端已关闭' }).waitFor(WAIT);
    assert.equal(await el(page, 'call-sid').textContent(), sid, 'the call stays on screen');
    assert.equal((await sim.links('agent4')).exeLinks, 0);

    await sim.restoreExe('agent4');
    await el(page, 'reconnect-exe').click();
    await page.locator('[data-testid="exe-status"][data-status="ok"]').waitFor(WAIT);
    assert.equal((await sim.links('agent4')).exeLinks, 1);
    await expectState(page, 'busy');
    await page.close();
  });

  test('the push channel drops, messages sent meanwhile arrive once each', async () => {
    const page = await openConsole('agent5');
    const recording = (i) => ({ msgType: 50203, sid: `S-rec-${i}`, data: { url: `${sim.platformUrl}/media/rec/S-rec-${i}.mp4` } });
    const shownAs = (i) => `S-rec-${i} ${sim.platformUrl}/media/rec/S-rec-${i}.mp4`;
    const items = page.locator('[data-testid="recordings"] li');
    // One message before the outage: the console now has a push id to resume after.
    await sim.push('agent5', recording(0));
    await items.first().waitFor(WAIT);
    const before = await sim.links('agent5');

    // The platform's push service fails, and the open stream drops.
    await sim.pushChannel('agent5', 'error500');
    await sim.dropPush('agent5');
    for (let i = 1; i <= 3; i += 1) await sim.push('agent5', recording(i));
    // The console tried to come back and was refused at least once.
    for (let t = 0; (await sim.links('agent5')).subscribesTotal <= before.subscribesTotal; t += 1) {
      assert.ok(t < 200, 'no re-subscribe within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await items.count(), 1, 'nothing arrived while the push service was down');

    await sim.restorePush('agent5');
    await items.nth(3).waitFor({ timeout: 20_000 });
    // Still exactly these four a moment later: no loss, no duplicate.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await items.allTextContents(), [0, 1, 2, 3].map(shownAs));
    const resumed = (await sim.log('agent5')).filter((e) => e.kind === 'subscribe').pop();
    assert.ok(resumed.lastEventId, 'the console resumed after its last push id');
    await expectState(page, 'ready');
    await page.close();
  });
});
