// The demo's 自检 / Self-check page (www-demo/selfcheck.html): it runs
// RtVideo.preflight with the console's options, shows one row per check with
// its advice, and saves the report as a file for a support ticket.
//
//   cargo build -p rtv-sim && npm run build && npm run build:demo
//   node --test tests/e2e/selfcheck-page.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { simSuite } from './support/sim.mjs';

const env = simSuite();

function pageUrl(account, extra = {}) {
  const o = env.sim.options(account, extra);
  const q = new URLSearchParams({
    account: o.account,
    systemCode: o.systemCode,
    sseServerUrl: o.sseServerUrl,
    videoServiceUrl: o.videoServiceUrl,
    stateServiceUrl: o.stateServiceUrl,
    exeUrl: o.exeUrl,
  });
  return `${env.sim.url}selfcheck.html?${q}`;
}

test('every check passes: nine rows, the summary says so, the report downloads as JSON', async () => {
  const page = await env.browser.context.newPage();
  try {
    await page.goto(pageUrl('sc-good'));
    const summary = page.getByTestId('selfcheck-summary');
    await summary.filter({ hasText: '全部正常' }).waitFor();
    assert.equal(await page.locator('[data-testid=selfcheck-rows] tr').count(), 9);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('selfcheck-save').click()]);
    assert.match(download.suggestedFilename(), /^rtvideo-selfcheck-sc-good-\d{8}-\d{6}\.json$/);
    const report = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(report.ok, true);
    assert.equal(report.checks.length, 9);
  } finally {
    await page.close();
  }
});

test('no video client: its row says EXE_LINK_LOST with what to do, the summary asks for attention', async () => {
  const page = await env.browser.context.newPage();
  try {
    await page.goto(pageUrl('sc-noexe', { exeUrl: 'ws://127.0.0.1:9/rtv' }));
    await page.getByTestId('selfcheck-summary').filter({ hasText: '发现问题' }).waitFor();
    const row = page.locator('tr[data-check=exe]');
    assert.match(await row.innerText(), /EXE_LINK_LOST/);
    assert.match(await row.innerText(), /启动视频客户端/);
    assert.match(await page.locator('tr[data-check=push]').innerText(), /正常/);
  } finally {
    await page.close();
  }
});
