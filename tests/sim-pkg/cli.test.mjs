// `npx rtv-sim` from the installed tarballs: starts, prints where it listens
// and how to point `new RtVideo` at it, serves the demo console, stops cleanly
// on SIGTERM and Ctrl-C (SIGINT), and names the platform when no binary fits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP, closed, firstServed, launch, waitOut, within } from './support.mjs';

const npx = (args, opts) => launch('npx', ['rtv-sim', ...args], opts);

test('npx rtv-sim serves the platform and the fake EXE, then stops on SIGTERM', async (t) => {
  const p = npx(['--port', '0', '--exe-port', '0']);
  const { base, exeUrl } = await p.ready();
  const ms = await firstServed(`${base}/sim/version`, p.t0);
  await waitOut(p, /Ctrl-C stops/);
  t.diagnostic(`npx rtv-sim: first request served ${Math.round(ms)} ms after the spawn`);
  assert.deepEqual(await (await fetch(`${base}/sim/version`)).json(), { api: 1, sim: '2.0.0' });
  assert.match(exeUrl, /^ws:\/\/127\.0\.0\.1:\d+\/rtv$/);
  // The hints: the SDK options for these (non-default) ports, the control API.
  assert.match(p.out, new RegExp(`sseServerUrl: '${base}/push-client/'`));
  assert.match(p.out, new RegExp(`exeUrl: '${exeUrl}'`));
  assert.match(p.out, /control API: http:\/\/127\.0\.0\.1:\d+\/sim\//);
  // A control request that makes no sense: 400 with the reason.
  const bad = await fetch(`${base}/sim/fail`, { method: 'POST', body: '{"path": "rtv/nope", "code": 1}' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /unknown path "rtv\/nope"/);

  // SIGTERM to npx alone (a CI job ending): npx exits at once, without passing
  // it on; the launcher notices and stops rtv-sim, which shuts down cleanly.
  p.child.kill('SIGTERM');
  await within(5000, p.closed, 'rtv-sim and the launcher to exit after npx got SIGTERM');
  assert.match(p.err, /shutting down/);
  assert.ok(await closed(new URL(base).port), 'nothing listens after the stop');
});

test('the launcher passes SIGTERM on and exits 0 once rtv-sim shut down', async () => {
  const p = launch(process.execPath, [`${APP}/node_modules/.bin/rtv-sim`, '--port', '0', '--exe-port', '0']);
  const { base } = await p.ready();
  p.child.kill('SIGTERM');
  const { code } = await within(5000, p.exit, 'exit after SIGTERM');
  assert.equal(code, 0, p.err);
  assert.match(p.err, /shutting down/);
  assert.ok(await closed(new URL(base).port));
});

test('with no port flags it listens where profile "dev" looks (8686, 18686), Ctrl-C stops it', async (t) => {
  if (!(await closed(8686))) {
    t.skip('127.0.0.1:8686 is in use (an `npm start`?)');
    return;
  }
  const p = npx([], { detached: true }); // its own process group, like a terminal's job
  const { base, exeUrl } = await p.ready();
  assert.equal(base, 'http://127.0.0.1:8686');
  assert.equal(exeUrl, 'ws://127.0.0.1:18686/rtv');
  await waitOut(p, /profile: 'dev'/);
  // Ctrl-C in a terminal signals the whole foreground group: npx, the launcher, rtv-sim.
  process.kill(-p.child.pid, 'SIGINT');
  await within(5000, p.closed, 'exit after Ctrl-C');
  assert.match(p.err, /shutting down/);
  assert.ok(await closed(8686));
});

test('npx rtv-sim --demo serves the demo console and the installed SDK, with scripted customers', async () => {
  const p = npx(['--demo', '--port', '0', '--exe-port', '0']);
  const { base } = await p.ready();
  await waitOut(p, /Ctrl-C stops/);
  const html = await (await fetch(`${base}/`)).text();
  assert.match(html, /<script defer src="main\.[0-9a-f]+\.js">/, 'the demo page');
  const main = html.match(/src="(main\.[0-9a-f]+\.js)"/)[1];
  assert.equal((await fetch(`${base}/${main}`)).status, 200);
  assert.equal((await fetch(`${base}/pkg/dist/snk-rt-video-pc.js`)).status, 200, 'snk-rt-video-pc at /pkg/ (legacy.html)');
  assert.match(p.out, /account=agent2/);
  assert.match(p.out, /scripted customers call every 15 s/);
  p.child.kill('SIGTERM');
  await within(5000, p.closed, 'exit after SIGTERM');
});

test('on a platform without a binary package the launcher says which platform', async () => {
  // This Node pretends to be an arm64 machine (nothing in the package is changed).
  const pretend = `data:text/javascript,Object.defineProperty(process,"arch",{value:"arm64"})`;
  const p = launch(process.execPath, ['--import', pretend, `${APP}/node_modules/.bin/rtv-sim`]);
  const { code } = await p.exit;
  assert.equal(code, 1);
  assert.match(p.err, /has no prebuilt rtv-sim for linux-arm64 \(platforms: linux-x64, win32-x64\)/);
  assert.match(p.err, /RTV_SIM_BINARY/);
});

