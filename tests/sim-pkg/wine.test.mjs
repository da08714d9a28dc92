// The Windows rtv-sim.exe from the installed snk-rt-video-pc-sim-win32-x64
// (installed with --force on this Linux machine) under wine: it starts,
// serves the control API and the demo console, and stops. Skipped, with the
// reason, when wine64 or the Windows package is missing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { APP, launch, within } from './support.mjs';

const WINE64 = process.env.RTV_WINE64 || '/usr/lib/wine/wine64';
const MINGW_GCC = 'x86_64-w64-mingw32-gcc';
const PREFIX = process.env.RTV_WINE_PREFIX;
const EXE = path.join(APP, 'node_modules', 'snk-rt-video-pc-sim-win32-x64', 'bin', 'rtv-sim.exe');
const SHIM_C = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wine', 'bcryptprimitives.c');

function why() {
  if (!existsSync(WINE64)) return `${WINE64} is missing (npm run setup installs the Debian package wine64 when apt can)`;
  if (!existsSync(EXE)) return `${EXE} is missing (the Windows package was not built: see the build log)`;
  if (!PREFIX) return 'RTV_WINE_PREFIX is not set';
  return null;
}

/** A wine prefix with the ProcessPrng shim (created once, ~1 min; kept in .tools/). */
function preparePrefix(env) {
  const system32 = path.join(PREFIX, 'drive_c', 'windows', 'system32');
  if (!existsSync(system32)) {
    const boot = spawnSync(WINE64, ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 240_000 });
    assert.ok(existsSync(system32), `wineboot did not create ${system32} (status ${boot.status})`);
  }
  const dll = path.join(system32, 'bcryptprimitives.dll');
  if (!existsSync(dll)) {
    mkdirSync(path.dirname(dll), { recursive: true });
    const out = path.join(PREFIX, 'bcryptprimitives.dll');
    const cc = spawnSync(MINGW_GCC, ['-shared', '-O2', '-s', '-o', out, SHIM_C, '-ladvapi32'], { encoding: 'utf8' });
    assert.equal(cc.status, 0, `${MINGW_GCC}: ${cc.stderr}`);
    copyFileSync(out, dll);
  }
}

test('rtv-sim.exe runs under wine: control API and demo console', { timeout: 300_000 }, async (t) => {
  const reason = why();
  if (reason) {
    t.skip(reason);
    return;
  }
  const env = { ...process.env, WINEPREFIX: PREFIX, WINEDEBUG: '-all' };
  preparePrefix(env);
  const demo = path.join(APP, 'node_modules', 'snk-rt-video-pc-sim', 'demo');
  const p = launch(WINE64, [EXE, '--port', '0', '--exe-port', '0', '--www', demo], { env });
  try {
    const { base, exeUrl, ms } = await p.ready(60_000);
    t.diagnostic(`rtv-sim.exe under wine: listening ${Math.round(ms)} ms after the spawn`);
    assert.match(exeUrl, /^ws:\/\/127\.0\.0\.1:\d+\/rtv$/);
    assert.deepEqual(await (await fetch(`${base}/sim/version`)).json(), { api: 1, sim: '2.0.0' });
    const html = await (await fetch(`${base}/`)).text();
    assert.match(html, /<script defer src="main\.[0-9a-f]+\.js">/, 'the demo page from a Windows path');
    const bad = await fetch(`${base}/sim/exe`, { method: 'POST', body: '{"action": "explode"}' });
    assert.equal(bad.status, 400);
  } finally {
    p.child.kill('SIGKILL');
    await within(10_000, p.exit, 'wine to end');
    spawnSync(path.join(path.dirname(WINE64), 'wineserver'), ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
  }
});
