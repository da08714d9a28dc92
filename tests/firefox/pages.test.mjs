// Firefox ESR smoke: the two builds in their real pages against the simulator.
// The legacy page (www-demo/legacy.html: script tag + <body onload>) reaches
// ready and takes a call with its buttons; the agent console (www-demo, the
// npm build bundled by webpack) logs in and reaches ready.
//
//   node --test --test-concurrency=1 tests/firefox/pages.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firefoxSuite, logged, waitFor } from './support.mjs';

const env = firefoxSuite();

/** The page URL for `account` with every service pointing at the simulator. */
function pageUrl(file, account, extra = {}) {
  const o = env.sim.options(account);
  const q = new URLSearchParams({
    account,
    systemCode: o.systemCode,
    sseServerUrl: o.sseServerUrl,
    videoServiceUrl: o.videoServiceUrl,
    stateServiceUrl: o.stateServiceUrl,
    exeUrl: o.exeUrl,
    ...extra,
  });
  return `${env.sim.url}${file}?${q}`;
}

const text = (page, id) => page.$eval(`[data-testid="${id}"]`, (el) => el.textContent);

test('legacy page (script tag + <body onload>): ready, incoming -> answer -> hangUp', async () => {
  const account = 'fx-legacy';
  const page = await env.page();
  await page.goto(pageUrl('legacy.html', account));
  const stateIs = (s) => waitFor(async () => (await text(page, 'legacy-state')) === s, { what: `legacy state ${s}` });
  const globals = await page.evaluate(() => ({
    type: typeof window.RtVideo,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    onload: document.body.getAttribute('onload'),
  }));
  assert.equal(globals.type, 'function');
  assert.ok(globals.scripts.includes('/pkg/dist/snk-rt-video-pc.js'), globals.scripts.join(','));
  assert.equal(globals.onload, 'init()');

  await stateIs('ready');
  const { sid } = await env.sim.control('call', { account });
  await stateIs('wait');
  await waitFor(async () => (await text(page, 'legacy-sid')) === sid, { what: 'sid shown' });
  await page.click('[data-testid="legacy-answer"]');
  await stateIs('busy');
  await waitFor(async () => (await text(page, 'legacy-log')).includes('answer ok'), { what: 'answer ok logged' });
  assert.equal((await env.sim.control('sessions')).find((s) => s.sid === sid).owner, account);
  await page.click('[data-testid="legacy-hangup"]');
  await stateIs('ready');
  await waitFor(async () => (await text(page, 'legacy-log')).includes('hangUp ok'), { what: 'hangUp ok logged' });
  assert.equal((await env.sim.control('sessions')).find((s) => s.sid === sid).phase, 'ended');
  const exe = (await logged(env.sim, account)).filter((e) => e.kind === 'exe').map((e) => e.path);
  assert.deepEqual(exe.filter((c) => c !== 'hello'), ['start', 'stop']);
  const log = await text(page, 'legacy-log');
  assert.ok(!/ERROR/.test(log), log);
  assert.deepEqual(page.pageErrors, []);
});

test('agent console (npm build, webpack): logs in and reaches ready', async () => {
  const account = 'fx-console';
  const page = await env.page();
  await page.goto(pageUrl('', account, { autologin: '1' }));
  await page.waitForSelector('[data-testid="state-badge"][data-state="ready"]', { timeout: 10000 });
  const presence = await waitFor(async () => (await env.sim.control('agents')).find((a) => a.account === account && a.presence === 'ready'), {
    what: 'presence ready at the platform',
  });
  assert.equal(presence.state, 'ready');
  // The page runs the bundled npm build, not the script-tag build.
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.getAttribute('src') || ''));
  assert.ok(!scripts.some((s) => s.includes('/pkg/dist/')), scripts.join(','));
  assert.deepEqual(page.pageErrors, []);
});
