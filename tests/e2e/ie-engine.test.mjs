// The IE engine of dual-core browsers (360 / QQ / Sogou "兼容模式"), approximated
// in Chromium: a page with every ES2015+ global the SDK needs removed, then
// the script tag and `new RtVideo(...)` at once, as the JS package's pages do.
// The file a page includes must parse there (ES5: tests/compat/shipped-files),
// define `window.RtVideo` synchronously, and say what to do through `error()`
// + `complete()`, without throwing into the page or loading anything more
// (issue 18 item 2, docs/DECISIONS.md D75).
//
//   npm run build && node --test tests/e2e/ie-engine.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';

const env = { server: null, browser: null };
before(async () => {
  env.server = await startStatic();
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
});

test('no ES2015+ globals: window.RtVideo is there, error UNSUPPORTED_BROWSER (极速模式) then complete(), nothing thrown or loaded', async () => {
  const page = await env.browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    await page.goto(`${env.server.url}ie-engine.html`);
    // Raw CDP: Playwright's own page scripts need the globals the page removed.
    const cdp = await env.browser.context.newCDPSession(page);
    const read = async () =>
      JSON.parse((await cdp.send('Runtime.evaluate', { expression: 'JSON.stringify(window.E)', returnByValue: true })).result.value);
    const E = await waitFor(async () => {
      const v = await read();
      return v.completes > 0 ? v : null;
    }, { what: 'complete()' });
    assert.ok(E.gone.includes('Promise') && E.gone.includes('WebAssembly') && E.gone.includes('Symbol'), E.gone.join(','));
    assert.equal(E.thrown, null);
    assert.deepEqual(pageErrors, []);
    assert.equal(E.type, 'function');
    assert.equal(E.busy, 'busy');
    assert.equal(E.state, 'disconnected');
    assert.equal(E.answer, 'undefined', 'a method does not throw where there is no Promise');
    assert.equal(E.errors.length, 1, JSON.stringify(E.errors));
    assert.equal(E.errors[0].code, 'UNSUPPORTED_BROWSER');
    assert.match(E.errors[0].msg, /极速模式/);
    assert.match(E.errors[0].msg, /Chrome/);
    assert.match(E.errors[0].msg, /fast mode/);
    assert.match(E.errors[0].msg, /Promise/, 'names what is missing');
    // A second look: complete() once, no second error.
    await new Promise((r) => setTimeout(r, 300));
    const again = await read();
    assert.equal(again.completes, 1);
    assert.equal(again.errors.length, 1);
    const asked = env.server.requested();
    assert.ok(asked.includes('/pkg/dist/snk-rt-video-pc.js'), asked.join(', '));
    assert.ok(!asked.some((p) => p.endsWith('.sdk.js') || p.endsWith('.wasm')), `nothing more is loaded: ${asked.join(', ')}`);
  } finally {
    await page.close();
  }
});
