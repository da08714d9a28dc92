// Installs what building and testing need, and only what is missing, so it is
// fast when everything is present (it runs before every build, start and test).
//
//   node scripts/setup.mjs            everything (also Chromium for the tests)
//   node scripts/setup.mjs --no-browser
//
// Sources: rustup, crates.io (`cargo install`), Debian apt, the npm registry.
// Nothing here downloads a browser or a binary from anywhere else.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { installOldEngines } from './lib/old-engines.mjs';
import { ROOT, isMain, logger, probe, run, runMain } from './lib/proc.mjs';

const log = logger('setup');
const CHROMIUM = '/usr/bin/chromium';
const CHROMEDRIVER = '/usr/bin/chromedriver';
/** Debian's Firefox ESR (the `browser-firefox` and `e2e-firefox` test steps). */
export const FIREFOX = '/usr/bin/firefox-esr';
/**
 * geckodriver for wasm-bindgen-test-runner, from crates.io into ~/.cargo/bin;
 * this version (the one measured, docs/DECISIONS.md D95) is installed when
 * another or none is found.
 */
export const GECKODRIVER_VERSION = '0.37.1';

/** Set by a script that already ran set-up, for the scripts it spawns. */
const DONE_ENV = 'RTV_SETUP_DONE';

/**
 * Makes the toolchain ready. `browser`: also Chromium + chromedriver (tests).
 * Returns the list of things it installed (empty when all were present).
 */
export async function setup({ browser = true } = {}) {
  if (process.env[DONE_ENV] === (browser ? 'all' : 'build') || process.env[DONE_ENV] === 'all') return [];
  const installed = [];
  await wasmTarget(installed);
  await wasmBindgenCli(installed);
  if (browser) await chromium(installed);
  if (browser) await firefox(installed);
  if (browser) await geckodriver(installed);
  // The simulator's packages (pkg-sim-*/): the Windows cross-build, and wine
  // to run that .exe in the tests.
  await windowsTarget(installed);
  if (browser) await wine(installed);
  await npmDeps(installed);
  // The old engines of the compatibility tests (tests/compat/).
  if (browser) installed.push(...installOldEngines(log));
  process.env[DONE_ENV] = browser ? 'all' : 'build';
  log(installed.length ? `installed: ${installed.join(', ')}` : 'toolchain ready (nothing to install)');
  return installed;
}

async function wasmTarget(installed) {
  const target = 'wasm32-unknown-unknown';
  const list = probe('rustup', ['target', 'list', '--installed']);
  if (list === null) {
    // No rustup (a distribution Rust): the target must be in the sysroot already.
    const sysroot = (probe('rustc', ['--print', 'sysroot']) || '').trim();
    if (!sysroot || !existsSync(path.join(sysroot, 'lib', 'rustlib', target))) {
      throw new Error(`the Rust target ${target} is missing and rustup is not available to add it`);
    }
    return;
  }
  if (list.split('\n').some((l) => l.trim() === target)) return;
  log(`installing the Rust target ${target} (rustup)`);
  await run('rustup', ['target', 'add', target]);
  installed.push(target);
}

/** The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly. */
export async function lockedWasmBindgenVersion() {
  const lock = path.join(ROOT, 'Cargo.lock');
  if (!existsSync(lock)) await run('cargo', ['generate-lockfile']);
  const text = readFileSync(lock, 'utf8');
  const m = /\[\[package\]\]\s*\nname = "wasm-bindgen"\s*\nversion = "([^"]+)"/.exec(text);
  if (!m) throw new Error('Cargo.lock has no wasm-bindgen package');
  return m[1];
}

async function wasmBindgenCli(installed) {
  const want = await lockedWasmBindgenVersion();
  const have = (probe('wasm-bindgen', ['--version']) || '').trim().split(/\s+/)[1];
  const runner = (probe('wasm-bindgen-test-runner', ['--version']) || '').trim().split(/\s+/)[1];
  if (have === want && runner === want) return;
  log(`installing wasm-bindgen-cli ${want} (found ${have || 'none'}; takes a few minutes)`);
  // Not --locked: the CLI's own lockfile pins a crate version the registry lacks.
  await run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']);
  installed.push(`wasm-bindgen-cli ${want}`);
}

/** apt-get as root or through `sudo -n`; null when neither is possible. */
function aptRunner() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && probe('sudo', ['-n', 'true']) !== null;
  if (!root && !sudo) return null;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return (args) => (sudo ? run('sudo', ['-n', '-E', 'apt-get', ...args], { env }) : run('apt-get', args, { env }));
}

async function chromium(installed) {
  if (existsSync(CHROMIUM) && existsSync(CHROMEDRIVER)) return;
  log('installing chromium and chromium-driver (apt)');
  await aptRequire(['chromium', 'chromium-driver'], `${CHROMIUM} / ${CHROMEDRIVER} are missing; install the Debian packages chromium and chromium-driver`);
  installed.push('chromium', 'chromium-driver');
}

async function firefox(installed) {
  if (existsSync(FIREFOX)) return;
  log('installing firefox-esr (apt)');
  await aptRequire(['firefox-esr'], `${FIREFOX} is missing; install the Debian package firefox-esr`);
  installed.push('firefox-esr');
}

/** The path of geckodriver: ~/.cargo/bin (where `cargo install` puts it), else PATH. */
export function geckodriverPath() {
  const home = process.env.CARGO_HOME || path.join(process.env.HOME || '', '.cargo');
  const local = path.join(home, 'bin', 'geckodriver');
  return existsSync(local) ? local : 'geckodriver';
}

async function geckodriver(installed) {
  const have = ((probe(geckodriverPath(), ['--version']) || '').split('\n')[0] || '').trim().split(/\s+/)[1];
  if (have === GECKODRIVER_VERSION) return;
  log(`installing geckodriver ${GECKODRIVER_VERSION} (found ${have || 'none'}; cargo install, takes a few minutes)`);
  await run('cargo', ['install', 'geckodriver', '--version', GECKODRIVER_VERSION, '--force']);
  installed.push(`geckodriver ${GECKODRIVER_VERSION}`);
}

/** The mingw-w64 linker of the Windows cross-build of rtv-sim. */
export const MINGW_GCC = 'x86_64-w64-mingw32-gcc';
/** Debian's wine64 (package wine64 installs it here, without a `wine` on PATH). */
export const WINE64 = '/usr/lib/wine/wine64';

/**
 * Installs Debian packages with apt (an `apt-get update` first only when the
 * install fails). Never throws: returns null, or the reason it could not.
 */
async function aptInstall(packages) {
  const apt = aptRunner();
  if (!apt) return 'not root and no password-less sudo for apt-get';
  const install = () => apt(['install', '-y', '--no-install-recommends', ...packages]);
  try {
    await install();
    return null;
  } catch {
    try {
      await apt(['update']);
      await install();
      return null;
    } catch (e) {
      return e.message;
    }
  }
}

/** `aptInstall`, or an error that says what is `missing`. */
async function aptRequire(packages, missing) {
  const why = await aptInstall(packages);
  if (why) throw new Error(`${missing} (${why})`);
}

/**
 * The Rust target x86_64-pc-windows-gnu (rustup) and its linker (apt
 * gcc-mingw-w64-x86-64). Without them the build skips the Windows package
 * and says why.
 */
async function windowsTarget(installed) {
  const target = 'x86_64-pc-windows-gnu';
  const list = probe('rustup', ['target', 'list', '--installed']);
  if (list !== null && !list.split('\n').some((l) => l.trim() === target)) {
    log(`installing the Rust target ${target} (rustup)`);
    try {
      await run('rustup', ['target', 'add', target]);
      installed.push(target);
    } catch (e) {
      log(`could not add ${target}: ${e.message}; the Windows simulator package is skipped`);
    }
  }
  if (probe(MINGW_GCC, ['--version']) !== null) return;
  log('installing gcc-mingw-w64-x86-64 (apt; the linker of the Windows build of rtv-sim)');
  const why = await aptInstall(['gcc-mingw-w64-x86-64']);
  if (why) log(`gcc-mingw-w64-x86-64 not installed (${why}): the Windows simulator package is skipped`);
  else installed.push('gcc-mingw-w64-x86-64');
}

/** wine64 (apt) to smoke-test the Windows rtv-sim.exe; skipped with the reason when apt cannot. */
async function wine(installed) {
  if (existsSync(WINE64)) return;
  log('installing wine64 (apt; runs the Windows rtv-sim.exe in the tests)');
  const why = await aptInstall(['wine64']);
  if (why || !existsSync(WINE64)) {
    log(`wine64 not installed (${why || `${WINE64} missing after the install`}): the .exe smoke test is skipped`);
    return;
  }
  installed.push('wine64');
}

async function npmDeps(installed) {
  const lock = path.join(ROOT, 'package-lock.json');
  const hidden = path.join(ROOT, 'node_modules', '.package-lock.json');
  const hasLock = existsSync(lock);
  // npm writes node_modules/.package-lock.json after package-lock.json, so a
  // lock file newer than it means node_modules is out of date.
  const stale = !existsSync(hidden) || (hasLock && statSync(lock).mtimeMs > statSync(hidden).mtimeMs);
  if (!stale) return;
  const args = hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  log(`installing npm dependencies (npm ${args[0]})`);
  await run('npm', args);
  installed.push(`npm ${args[0]}`);
}

if (isMain(import.meta.url)) {
  runMain('setup', () => setup({ browser: !process.argv.includes('--no-browser') }));
}
