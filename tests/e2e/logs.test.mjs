// End-to-end: the support log ring (pkg-template/logs.js): getLogs(),
// exportLogs(), downloadLogs(); secrets never in them nor on the console;
// customers' personal data masked unless logPersonalData; bounded.
//
//   node --test --test-concurrency=1 tests/e2e/logs.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { faultSuite } from './support/faults.mjs';
import { Harness } from './support/harness.mjs';

// `+`, `/` and `=` change under URL encoding: every form must stay out.
const TOKEN = 'tok+en/Z9=secret==';
const TOKEN_FORMS = [TOKEN, encodeURIComponent(TOKEN), 'tok%2Ben%2FZ9%3Dsecret%3D%3D', 'tok en/Z9=secret=='];
const CUSTOMER = {
  name: '张三丰',
  phone: '13912345678',
  idNo: '110101199003077777',
  policyNo: 'P2026000123',
  claimNo: 'C2026009876',
};
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG) \S/;

// One simulator, static server and browser per file (support/faults.mjs).
const env = faultSuite();

async function agent(account, extra = {}) {
  const h = await Harness.open(env.browser.context, env.server);
  const id = await h.make(env.sim.options(account, { token: TOKEN, logLevel: 'info', ...extra }));
  await h.waitState(id, 'ready');
  return { h, id, logs: () => h.eval((i) => window.H.get(i).getLogs(), id) };
}

/** ready → incoming (with CUSTOMER) → answer → hangUp; returns the sid. */
async function oneCall({ h, id }, account) {
  const { sid } = await env.sim.control('call', { account, customer: CUSTOMER });
  await h.waitState(id, 'wait');
  assert.ok((await h.call(id, 'answer', sid)).ok);
  assert.ok((await h.call(id, 'hangUp', sid)).ok);
  return sid;
}

function assertNoSecret(text, where) {
  for (const f of TOKEN_FORMS) assert.ok(!text.includes(f), `${where} holds the token (${f})`);
  assert.doesNotMatch(text, /token=(?!\*\*\*)/, `${where} holds a token= value`);
}

test('the ring records events, errors, commands, state and link changes; no secret anywhere, console lines prefixed', async () => {
  const account = 'logs-main';
  const a = await agent(account);
  try {
    const sid = await oneCall(a, account);
    // A push outage: link lost, retry scheduled, restored.
    await env.sim.control('push-channel', { account, action: 'error500' });
    await env.sim.control('push-channel', { account, action: 'drop' });
    await a.h.waitError(a.id, 'PUSH_LINK_LOST');
    await env.sim.control('push-channel', { account, action: 'restore' });
    await a.h.eval((i) => window.H.get(i).reconnect(), a.id);
    await waitFor(async () => (await a.logs()).split('\n').filter((l) => l.includes('push channel open')).length >= 2, { what: 'restored' });
    const text = await a.logs();
    const lines = text.trimEnd().split('\n');
    for (const l of lines) assert.match(l, LINE);
    for (const want of [
      'event STATE_CHANGE disconnected -> ready',
      `event INCOMING_CALL sid=${sid}`,
      `call answer("${sid}")`,
      'result answer: ok',
      `call hangUp("${sid}")`,
      'result hangUp: ok',
      'event STATE_CHANGE busy -> ready',
      'push channel open',
      'EXE link up',
      'error PUSH_LINK_LOST',
      'push channel retry in',
    ]) {
      assert.ok(text.includes(want), `missing "${want}" in:\n${text}`);
    }
    // Personal data masked by default.
    assert.match(text, /customer\{name=张\* phone=139\*\*\*\*5678 idNo=\*{14}7777 policyNo=\*{7}0123 claimNo=\*{7}9876\}/);
    for (const v of Object.values(CUSTOMER)) assert.ok(!text.includes(v), `personal data in the log: ${v}`);
    assertNoSecret(text, 'getLogs()');
    // Whatever a future log line may quote (a URL, a header), the ring redacts it.
    const quoted = await a.h.eval(([i, t]) => {
      const x = window.H.get(i);
      const logs = x._logs || x._real._logs; // a tab instance, or the loading facade's
      logs.add('info', `GET http://x/subscribe?account=a&token=${encodeURIComponent(t)}&x=1 raw=${t} Authorization: Bearer ${t}`);
      return logs.text().trimEnd().split('\n').pop();
    }, [a.id, TOKEN]);
    assert.match(quoted, /token=\*\*\*&x=1 raw=\*\*\* Authorization: Bearer \*\*\*$/);
    // ... and masks phone and ID numbers in free text.
    const free = await a.h.eval((i) => {
      const x = window.H.get(i);
      const logs = x._logs || x._real._logs;
      logs.add('warn', 'BAD_MESSAGE from 13912345678, id 110101199003077777, tel:13800000000x');
      return logs.text().trimEnd().split('\n').pop();
    }, a.id);
    assert.match(free, /from 139\*\*\*\*5678, id \*{14}7777, tel:138\*\*\*\*0000x$/);

    const exported = await a.h.eval(async (i) => {
      const b = window.H.get(i).exportLogs();
      return { type: b.type, text: await b.text() };
    }, a.id);
    assert.equal(exported.type, 'text/plain;charset=utf-8');
    assert.match(exported.text, /^snk-rt-video-pc \d+\.\d+\.\d+ log\n/);
    for (const want of [`account: ${account}`, 'systemCode: E2E', 'userAgent: ', '"token":"***"', `"account":"${account}"`]) {
      assert.ok(exported.text.includes(want), `export header lacks ${want}`);
    }
    assert.ok(exported.text.endsWith(text) || exported.text.includes(lines[0]), 'the export holds the ring');
    assertNoSecret(exported.text, 'exportLogs()');

    const [download] = await Promise.all([
      a.h.page.waitForEvent('download'),
      a.h.eval((i) => window.H.get(i).downloadLogs(), a.id),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`^rtvideo-${account}-\\d{8}-\\d{6}\\.log$`));
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const saved = readFileSync(path, 'utf8');
    assert.match(saved, /^snk-rt-video-pc /);
    assertNoSecret(saved, 'downloadLogs()');

    // The console (logLevel info): every SDK line prefixed, none with a secret.
    const sdkLines = a.h.consoleTexts.filter((t) => /RtVideo/.test(t));
    assert.ok(sdkLines.length > 5, sdkLines.join('\n'));
    for (const t of sdkLines) assert.match(t, /^\[RtVideo\]/);
    assertNoSecret(a.h.consoleTexts.join('\n'), 'the console');
    a.h.assertNoPageErrors();
  } finally {
    await a.h.close();
  }
});

test('logPersonalData: true keeps the customer data; logLevel silent still fills the ring', async () => {
  const account = 'logs-personal';
  const a = await agent(account, { logPersonalData: true, logLevel: 'silent' });
  try {
    await oneCall(a, account);
    const text = await a.logs();
    for (const v of Object.values(CUSTOMER)) assert.ok(text.includes(v), `${v} kept`);
    assert.ok(text.includes('push channel open'));
    assert.deepEqual(a.h.consoleTexts.filter((t) => /\[RtVideo\]/.test(t)), [], 'silent console');
    assertNoSecret(text, 'getLogs()');
  } finally {
    await a.h.close();
  }
});

test('the ring keeps the newest 2,000 entries and says how many it dropped', async () => {
  const account = 'logs-bound';
  const a = await agent(account);
  try {
    for (let i = 0; i < 2100; i++) {
      await env.sim.control('push', { account, msgType: 50204, sid: 'S-x', data: { url: `http://127.0.0.1/${i}.png` } });
    }
    await a.h.waitEvent(a.id, (e) => e.type === 'IMAGE' && e.data.url === 'http://127.0.0.1/2099.png', 'last IMAGE', 30000);
    const lines = (await a.logs()).trimEnd().split('\n');
    assert.equal(lines.length, 2001);
    assert.match(lines[0], /\((\d+) older entries dropped\)$/);
    assert.match(lines[lines.length - 1], /event IMAGE sid=S-x/);
  } finally {
    await a.h.close();
  }
});

test('the demo console saves the log with its 下载日志 / download logs button', async () => {
  const { openConsole } = await import('./support/console.mjs');
  const agentPage = await openConsole(env.browser.context, env.sim, 'logs-demo');
  try {
    const [download] = await Promise.all([agentPage.page.waitForEvent('download'), agentPage.el('download-logs').click()]);
    assert.match(download.suggestedFilename(), /^rtvideo-logs-demo-\d{8}-\d{6}\.log$/);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(await download.path(), 'utf8');
    assert.match(text, /^snk-rt-video-pc \d+\.\d+\.\d+ log\n/);
    assert.ok(text.includes('event STATE_CHANGE disconnected -> ready'), text);
    await agentPage.shot('download-logs');
  } finally {
    await agentPage.close();
  }
});
