// End-to-end: an unchanged old-style page (www-demo/legacy.html) that loads
// the script-tag build (pkg/dist/snk-rt-video-pc.js) and calls
// `new RtVideo(...)` from <body onload>, as the original package's README
// shows, completes incoming call -> answer -> hangUp against the simulator.
//
//   node --test --test-concurrency=1 tests/e2e/legacy.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simSuite, waitFor } from './support/sim.mjs';
import { Agent } from './support/console.mjs';

const env = simSuite();

test('legacy page: script tag + <body onload>, incoming -> answer -> hangUp', async () => {
  const account = 'legacy-1';
  const o = env.sim.options(account);
  const q = new URLSearchParams({
    account,
    systemCode: o.systemCode,
    sseServerUrl: o.sseServerUrl,
    videoServiceUrl: o.videoServiceUrl,
    stateServiceUrl: o.stateServiceUrl,
    exeUrl: o.exeUrl,
  });
  const page = await env.browser.context.newPage();
  const agent = new Agent(page, account);
  const state = page.getByTestId('legacy-state');
  const stateIs = (s) => waitFor(async () => (await state.textContent()) === s, { what: `legacy state ${s}` });
  try {
    await agent.hooked;
    await page.goto(`${env.sim.url}legacy.html?${q}`);
    // The page really uses the script-tag build: a global RtVideo class with the old constants.
    const globals = await page.evaluate(() => ({
      type: typeof window.RtVideo,
      busy: window.RtVideo && window.RtVideo.Consts.ServiceFsmState.BUSY,
      incoming: window.RtVideo && window.RtVideo.Consts.VideoControlCode.INCOMING_CALL,
      scripts: [...document.scripts].map((s) => s.getAttribute('src')),
      onload: document.body.getAttribute('onload'),
    }));
    assert.equal(globals.type, 'function');
    assert.equal(globals.busy, 'busy');
    assert.equal(globals.incoming, 50200);
    assert.ok(globals.scripts.includes('/pkg/dist/snk-rt-video-pc.js'), globals.scripts.join(','));
    assert.equal(globals.onload, 'init()');

    await stateIs('ready');
    const { sid } = await env.sim.control('call', { account });
    await stateIs('wait');
    await waitFor(async () => (await page.getByTestId('legacy-sid').textContent()) === sid, { what: 'sid shown' });
    await page.getByTestId('legacy-log').getByText(`INCOMING_CALL ${sid}`).waitFor();
    await page.getByTestId('legacy-answer').click();
    await stateIs('busy');
    await page.getByTestId('legacy-log').getByText('answer ok').waitFor();
    assert.equal((await env.sim.control('sessions')).find((s) => s.sid === sid).owner, account);
    await agent.shot('legacy');
    await page.getByTestId('legacy-hangup').click();
    await stateIs('ready');
    await page.getByTestId('legacy-log').getByText('hangUp ok').waitFor();
    assert.equal((await env.sim.control('sessions')).find((s) => s.sid === sid).phase, 'ended');
    const exe = (await env.sim.control(`log?account=${account}`)).filter((e) => e.kind === 'exe').map((e) => e.path);
    assert.deepEqual(exe.filter((c) => c !== 'hello'), ['start', 'stop']);
    const log = await page.getByTestId('legacy-log').textContent();
    assert.ok(!/ERROR/.test(log), log);
    agent.assertNoPageErrors();
  } finally {
    await agent.close();
  }
});
