// Compatibility: the SDK as shipped (pkg/) in real old Chromium engines (72,
// 80, 86, 92: the headless builds of chrome-aws-lambda, installed by the
// set-up) and in current Chromium, driven over a raw CDP pipe (tests/compat/
// cdp.mjs), against the simulator:
//   - the script-tag build on a page written like the old README (<body onload>)
//     and the npm build bundled by webpack: ready → incoming → answer → busy →
//     hangUp → ready, with EXE start/stop;
//   - the script-tag build under a strict CSP: what each engine needs;
//   - a browser that lacks an API or cannot compile the module:
//     UNSUPPORTED_BROWSER through `error`, then `complete()`, RtVideo.ready
//     rejects, the npm constructor throws it.
// Times to `ready` are printed (COMPAT lines) for the issue notes and README.
//
//   node --test --test-concurrency=1 tests/compat/old-engines.test.mjs
//   RTV_COMPAT_ENGINES=80,current ...   only those engines

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import webpack from 'webpack';
import { Browser } from './cdp.mjs';
import { startPageServer } from './server.mjs';
import { ROOT, startSim, waitFor } from '../e2e/support/sim.mjs';
import { OLD_ENGINES, enginePath } from '../../scripts/lib/old-engines.mjs';

const CURRENT = '/usr/bin/chromium';
const NPM_BUNDLE = path.join(ROOT, 'target', 'compat-npm');
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*";
const EVAL_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*";

const wanted = (process.env.RTV_COMPAT_ENGINES || '').split(',').filter(Boolean);
const ENGINES = [
  ...OLD_ENGINES.map((e) => ({ name: `Chromium ${e.major}`, key: String(e.major), major: e.major, exe: enginePath(e.major) })),
  { name: 'current Chromium', key: 'current', major: 999, exe: CURRENT },
].filter((e) => wanted.length === 0 || wanted.includes(e.key));

/** Bundles tests/compat/npm-page/main.js against pkg/ as an application would. */
function bundleNpmPage() {
  rmSync(NPM_BUNDLE, { recursive: true, force: true });
  const compiler = webpack({
    mode: 'production',
    context: ROOT,
    entry: path.join(ROOT, 'tests', 'compat', 'npm-page', 'main.js'),
    target: ['web', 'es2019'],
    output: { path: NPM_BUNDLE, filename: 'main.js', publicPath: '/npm/', assetModuleFilename: '[name][ext]' },
    resolve: { alias: { 'snk-rt-video-pc$': path.join(ROOT, 'pkg', 'index.js') } },
    devtool: false,
    performance: { hints: false },
  });
  return new Promise((resolve, reject) =>
    compiler.run((err, stats) => {
      compiler.close(() => {});
      if (err) reject(err);
      else if (stats.hasErrors()) reject(new Error(stats.toString('errors-only')));
      else resolve();
    }),
  );
}

let sim;
let pages;
before(async () => {
  sim = await startSim();
  await bundleNpmPage();
  pages = await startPageServer({ npmBundleDir: NPM_BUNDLE });
});
after(async () => {
  await pages?.close();
  await sim?.stop();
});

const q = (o, extra = {}) => new URLSearchParams({ o: JSON.stringify(o), ...extra }).toString();
const rec = (page) => page.eval('window.__rtv');

/** ready → incoming call → answer → busy → hangUp → ready on `page`, for `account`. */
async function callFlow(page, account) {
  await page.waitFor("window.__state && window.__state() === 'ready'", { what: `${account} ready` });
  const { sid } = await sim.control('call', { account });
  await page.waitFor(`window.__state() === 'wait' && window.__rtv.events.some(e => e.type === 'INCOMING_CALL' && e.sid === ${JSON.stringify(sid)})`, { what: 'ringing' });
  await page.eval(`window.__call('answer', ${JSON.stringify(sid)})`);
  await page.waitFor("window.__state() === 'busy' && window.__rtv.results.includes('answer ok')", { what: 'busy' });
  await page.eval(`window.__call('hangUp', ${JSON.stringify(sid)})`);
  await page.waitFor("window.__state() === 'ready' && window.__rtv.results.includes('hangUp ok')", { what: 'ready after hangUp' });
  const r = await rec(page);
  assert.deepEqual(r.states, ['ready', 'wait', 'busy', 'ready']);
  assert.deepEqual(r.errors, []);
  assert.equal(r.readySettled, 'resolved');
  const exe = (await sim.control(`log?account=${account}`)).filter((e) => e.kind === 'exe').map((e) => e.path);
  assert.deepEqual(exe, ['hello', 'start', 'stop']);
  assert.deepEqual(page.exceptions, []);
  return r;
}

for (const engine of ENGINES) {
  describe(engine.name, { skip: !existsSync(engine.exe) && `${engine.exe} is missing (npm run setup installs it)` }, () => {
    let browser;
    let version;
    before(async () => {
      browser = Browser.launch(engine.exe);
      version = await browser.version();
    });
    after(async () => {
      await browser?.close();
    });

    test('script-tag build on a <body onload> page: ready, incoming, answer, hangUp', async () => {
      const account = `compat-${engine.key}-legacy`;
      const page = await browser.newPage();
      await page.goto(`${pages.url}compat/legacy.html?${q(sim.options(account))}`);
      const r = await callFlow(page, account);
      console.log(`COMPAT ${version} script-tag ready ${Math.round(r.readyAt)} ms after navigation start`);
    });

    test('script-tag build, RtVideo made while the wasm loads: links opened early and taken over', async () => {
      const account = `compat-${engine.key}-early`;
      const page = await browser.newPage();
      pages.hold();
      try {
        await page.goto(`${pages.url}compat/legacy.html?${q(sim.options(account))}`);
        // While the wasm is held: the facade's push subscription is open (the EXE link counts at the simulator only after hello).
        await page.waitFor('RtVideo.debugCounters().eventSources === 1 && RtVideo.debugCounters().webSockets === 1', { what: 'early links' });
        // (The EventSource exists before its request reaches the simulator.)
        await waitFor(async () => (await sim.control(`links?account=${account}`)).subscribesTotal === 1, { what: 'the early subscribe' });
        pages.release();
        await callFlow(page, account);
        const l = await sim.control(`links?account=${account}`);
        assert.deepEqual([l.subscriptions, l.subscribesTotal, l.exeLinks, l.exeHellos], [1, 1, 1, 1], 'taken over, not opened again');
      } finally {
        pages.release();
      }
    });

    test('npm build bundled by webpack: ready, incoming, answer, hangUp', async () => {
      const account = `compat-${engine.key}-npm`;
      const page = await browser.newPage();
      await page.goto(`${pages.url}npm/?${q(sim.options(account))}`);
      const r = await callFlow(page, account);
      console.log(`COMPAT ${version} npm ready ${Math.round(r.readyAt)} ms after navigation start`);
    });

    test("strict CSP: 'wasm-unsafe-eval' from Chromium 97, 'unsafe-eval' before", async () => {
      const strict = await browser.newPage();
      const a1 = `compat-${engine.key}-csp-strict`;
      await strict.goto(`${pages.url}compat/csp.html?${q(sim.options(a1), { csp: STRICT_CSP })}`);
      if (engine.major >= 97) {
        await strict.waitFor("window.__state && window.__state() === 'ready'", { what: 'ready under the strict CSP' });
      } else {
        // The engine refuses to compile WebAssembly without 'unsafe-eval':
        // a clear error naming the CSP, then complete(); never a dead page.
        await strict.waitFor('window.__rtv && window.__rtv.completed === 1', { what: 'complete() under the strict CSP' });
        const r = await rec(strict);
        assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
        assert.equal(r.errors[0].code, 'UNSUPPORTED_BROWSER');
        assert.match(r.errors[0].msg, /unsafe-eval/);
        assert.equal(r.readySettled.code, 'UNSUPPORTED_BROWSER');
        console.log(`COMPAT ${version} strict CSP without 'unsafe-eval': ${r.errors[0].code}`);
      }
      const loose = await browser.newPage();
      const a2 = `compat-${engine.key}-csp-eval`;
      await loose.goto(`${pages.url}compat/csp.html?${q(sim.options(a2), { csp: EVAL_CSP })}`);
      await loose.waitFor("window.__state && window.__state() === 'ready'", { what: "ready with 'unsafe-eval'" });
    });

    test('a browser without WebAssembly, EventSource or fetch, or that cannot compile: UNSUPPORTED_BROWSER', async () => {
      for (const broken of ['WebAssembly', 'EventSource', 'fetch', 'compile']) {
        const account = `compat-${engine.key}-broken-${broken}`;
        // Script-tag build: error, then complete(); RtVideo.ready rejects.
        const tag = await browser.newPage();
        await tag.goto(`${pages.url}compat/broken.html?${q(sim.options(account), { break: broken })}`);
        await tag.waitFor('window.__rtv && window.__rtv.completed === 1 && window.__rtv.readySettled', { what: `script-tag ${broken}: complete()` });
        let r = await rec(tag);
        assert.deepEqual(r.errors.map((e) => e.code), ['UNSUPPORTED_BROWSER'], `script-tag, no ${broken}`);
        if (broken !== 'compile') assert.match(r.errors[0].msg, new RegExp(broken));
        assert.match(r.errors[0].msg, /[\u4e00-\u9fff]/, 'the message has a Chinese part');
        assert.equal(r.readySettled.code, 'UNSUPPORTED_BROWSER');
        // Callbacks and rejections carry plain {code, msg} (D54); only throws are Errors.
        assert.equal(r.readySettled.isError, false);
        assert.deepEqual(tag.exceptions, []);
        // npm build: the constructor throws it, error + complete() follow.
        const npm = await browser.newPage();
        await npm.goto(`${pages.url}npm/?${q(sim.options(account), { break: broken })}`);
        await npm.waitFor('window.__rtv && window.__rtv.completed === 1 && window.__rtv.readySettled', { what: `npm ${broken}: complete()` });
        r = await rec(npm);
        assert.equal(r.threw && r.threw.code, 'UNSUPPORTED_BROWSER', `npm, no ${broken}: ${JSON.stringify(r.threw)}`);
        assert.equal(r.threw.isError, true);
        assert.deepEqual(r.errors.map((e) => e.code), ['UNSUPPORTED_BROWSER']);
        assert.equal(r.readySettled.code, 'UNSUPPORTED_BROWSER');
      }
      // Nothing reached the platform from the broken pages.
      const links = await sim.control('agents');
      const names = JSON.stringify(links);
      assert.ok(!names.includes(`compat-${engine.key}-broken`), names);
    });
  });
}
