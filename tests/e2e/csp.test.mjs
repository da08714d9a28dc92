// The SDK's script-tag build under a strict Content-Security-Policy sent as
// a real header: `script-src 'self' 'wasm-unsafe-eval'` (no 'unsafe-eval',
// no inline script). The SDK must load, connect, run a call with a snapshot,
// and cause no violation; the page's own inline script is blocked, which
// proves the policy is in force.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/csp.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, launchBrowser, waitFor } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { Harness } from './support/harness.mjs';

const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

let sim;
let server;
let browser;

before(async () => {
  sim = await startSim(['--ping-interval', '1']);
  server = await startStatic({ csp: CSP });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.stop();
});

test(`works under ${CSP}`, async () => {
  const page = await browser.context.newPage();
  const res = await page.goto(`${server.url}csp.html`);
  assert.equal(res.headers()['content-security-policy'], CSP, 'the policy is sent as a header');
  const h = new Harness(page, await browser.context.newCDPSession(page));
  try {
    await page.evaluate(() => window.H.ready);
    assert.equal(await page.evaluate(() => window.inlineRan), undefined, 'the inline script was blocked');
    const acc = 'csp-1';
    const id = await h.make(sim.options(acc, { logLevel: 'silent' }));
    await h.waitState(id, 'ready');
    const { sid } = await sim.control('call', { account: acc });
    await h.waitState(id, 'wait');
    assert.equal((await h.call(id, 'answer', sid)).ok, true);
    const snap = await h.call(id, 'snapshot', 'player');
    assert.equal(snap.ok, true);
    assert.match(snap.value.base64, /^data:image\/png;base64,/);
    assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
    assert.equal((await h.destroy(id)).ok, true);
    await waitFor(async () => (await h.rec(id)).completes === 1, { what: 'complete()' });

    const violations = await page.evaluate(() => window.cspViolations);
    const blocked = violations.filter((v) => v.blocked !== 'inline');
    assert.deepEqual(blocked, [], 'the SDK caused no CSP violation (no eval, no inline script)');
    assert.ok(violations.some((v) => v.blocked === 'inline' && v.directive.startsWith('script-src')), 'the inline script was reported as blocked');
    assert.ok(!h.consoleTexts.some((t) => /Content Security Policy/i.test(t) && !/inline/i.test(t)), `CSP console errors: ${h.consoleTexts.join('\n')}`);
    assert.deepEqual(
      (await h.rec(id)).errors.map((e) => e.err.code),
      [],
      'no error reported',
    );
    h.assertNoPageErrors();
  } finally {
    await page.close();
  }
});
