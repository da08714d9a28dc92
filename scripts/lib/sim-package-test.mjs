// The `sim-pkg` test step: what an integrator installs is what is tested.
//
//   1. npm pack pkg/, pkg-sim/ and pkg-sim-<platform>/ into .tools/sim-pkg/tarballs/
//   2. a fresh .tools/sim-pkg/app/ = a copy of examples/claims-console/, where
//      npm installs those tarballs (the foreign platform's with --force, as
//      nothing is published) and playwright-core (from the npm cache when it
//      is there)
//   0. tsc of tests/sim-pkg/types against pkg-sim/index.d.ts
//   3. with no Rust on PATH: tests/sim-pkg/*.test.mjs (npx rtv-sim, the test
//      client, rtv-sim.exe under wine) and the example's own tests (`npm test`
//      in the app: Playwright against the console)
//
// .tools/ is git-ignored; the wine prefix of the .exe test is kept there
// (.tools/wine-prefix/, created once).

import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, logger, nodeBin, run, secs } from './proc.mjs';
import { LAUNCHER_DIR, PLATFORMS, platformPackage } from './sim-package.mjs';

const log = logger('sim-pkg');
const WORK = path.join(ROOT, '.tools', 'sim-pkg');
const TARBALLS = path.join(WORK, 'tarballs');
const APP = path.join(WORK, 'app');
const EXAMPLE = path.join(ROOT, 'examples', 'claims-console');

/** PATH without the Rust toolchain (cargo, rustc, rustup): an integrator's machine. */
function pathWithoutRust() {
  const parts = (process.env.PATH || '').split(path.delimiter);
  const kept = parts.filter((p) => p && !/[\\/]\.(cargo|rustup)([\\/]|$)/.test(p));
  return kept.join(path.delimiter);
}

export async function simPackageTests() {
  const t0 = Date.now();
  const dirs = [path.join(ROOT, 'pkg'), LAUNCHER_DIR];
  for (const p of PLATFORMS) {
    const { dir } = platformPackage(p);
    if (existsSync(dir)) dirs.push(dir);
    else log(`${path.basename(dir)}/ is missing (not built here: see the build log); its tests are skipped`);
  }
  for (const d of dirs) {
    if (!existsSync(path.join(d, 'package.json'))) throw new Error(`${d} is missing: npm run build`);
  }

  // The client's declarations, as the README uses them.
  await run(nodeBin('tsc'), ['--noEmit', '-p', path.join('tests', 'sim-pkg', 'types')]);

  rmSync(TARBALLS, { recursive: true, force: true });
  mkdirSync(TARBALLS, { recursive: true });
  await run('npm', ['pack', '--silent', '--pack-destination', TARBALLS, ...dirs], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarballs = readdirSync(TARBALLS).filter((f) => f.endsWith('.tgz')).sort().map((f) => path.join(TARBALLS, f));
  log(`packed: ${tarballs.map((f) => path.basename(f)).join(', ')}`);

  // A fresh directory each time: nothing left from an earlier run.
  rmSync(APP, { recursive: true, force: true });
  cpSync(EXAMPLE, APP, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  const playwright = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'playwright-core', 'package.json'), 'utf8')).version;
  const env = { ...process.env, PATH: pathWithoutRust() };
  delete env.RUSTUP_TOOLCHAIN;
  const cargo = spawnSync('cargo', ['--version'], { env, stdio: 'ignore' });
  if (!cargo.error) log('note: a cargo outside ~/.cargo is still on PATH (e.g. /usr/bin/cargo); the packages do not use it');
  const t1 = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--force', '--prefer-offline', ...tarballs, `playwright-core@${playwright}`], {
    cwd: APP,
    env,
  });
  log(`installed into ${path.relative(ROOT, APP)} (${secs(Date.now() - t1)})`);

  const tests = readdirSync(path.join(ROOT, 'tests', 'sim-pkg'))
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => path.join(ROOT, 'tests', 'sim-pkg', f));
  await run(process.execPath, ['--test', '--test-concurrency=1', ...tests], {
    env: { ...env, RTV_SIM_PKG_APP: APP, RTV_WINE_PREFIX: path.join(ROOT, '.tools', 'wine-prefix') },
  });
  log('the example\'s tests, in the installed copy: npm test');
  await run('npm', ['test'], { cwd: APP, env });
  log(`done (${secs(Date.now() - t0)})`);
}
