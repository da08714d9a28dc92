// `npm test` (and .ci/run): every test of the repository, from its root, in
// order; stops at the first failing step and says which; prints a timing
// table at the end.
//
//   setup → fmt → clippy → clippy-wasm → native → build → size → types →
//   shell → sim-build → browser → browser-firefox → demo → e2e → e2e-firefox →
//   compat → consumers → sim-pkg → cleanup
//
// RTV_TEST_STEPS=name,name runs only those steps (same order; refused when
// CI is set, so a variable left in a CI environment cannot skip tests), e.g.
//   RTV_TEST_STEPS=build,types npm test
//   RTV_TEST_STEPS=sim-build,browser npm test
//   RTV_TEST_STEPS=sim-build,browser-firefox npm test
//   RTV_TEST_STEPS=build,demo,e2e-firefox npm test
//   RTV_TEST_STEPS=build,demo,e2e npm test
//   RTV_TEST_STEPS=build,sim-build,consumers npm test
// The `cleanup` step (temporary browser profiles) also runs after a failure.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, logger, nodeBin, run, runMain, secs } from './lib/proc.mjs';
import { startSim } from './lib/sim.mjs';
import { LIMITS_FILE, checkBudget } from './lib/sizes.mjs';
import { build } from './build.mjs';
import { FIREFOX, geckodriverPath, setup } from './setup.mjs';
import { simPackageTests } from './lib/sim-package-test.mjs';

const log = logger('test');
const WASM_TARGET = 'wasm32-unknown-unknown';

/** The simulator of the browser-test step, stopped on failure and on Ctrl-C. */
let browserSim = null;
const startedAt = Date.now();

const cargo = (...args) => run('cargo', args);

const STEPS = [
  { name: 'setup', what: 'install missing tools (incl. Chromium, Firefox ESR, geckodriver)', run: () => setup({ browser: true }) },
  {
    name: 'fmt',
    what: 'cargo fmt --check',
    hint: '`cargo fmt --all` formats the code',
    run: () => cargo('fmt', '--all', '--', '--check'),
  },
  {
    name: 'clippy',
    what: 'clippy, native, all targets',
    run: () => cargo('clippy', '--workspace', '--all-targets', '--', '-D', 'warnings'),
  },
  {
    name: 'clippy-wasm',
    what: 'clippy, wasm32, the SDK (as shipped, then with test-hooks)',
    run: async () => {
      const clippy = (...features) =>
        cargo('clippy', '-p', 'snk-rt-video-pc', '--target', WASM_TARGET, '--all-targets', ...features, '--', '-D', 'warnings');
      await clippy();
      // tests/browser_panic.rs and src/test_hooks.rs exist only with the feature.
      await clippy('--features', 'test-hooks');
    },
  },
  { name: 'native', what: 'cargo test --workspace (native)', run: () => cargo('test', '--workspace', '--no-fail-fast') },
  { name: 'build', what: 'npm run build (pkg/)', run: () => build() },
  {
    name: 'size',
    what: `size budget: pkg/ against ${path.basename(LIMITS_FILE)}`,
    hint: `a limit may be raised in ${path.basename(LIMITS_FILE)} in the same commit as a CHANGELOG.md line saying what the bytes buy`,
    run: async () => {
      for (const line of checkBudget(path.join(ROOT, 'pkg'))) log(line);
    },
  },
  {
    name: 'types',
    what: 'TypeScript type test of pkg/index.d.ts',
    run: () => run(nodeBin('tsc'), ['--noEmit', '-p', path.join('tests', 'types')]),
  },
  {
    name: 'shell',
    what: 'node --test tests/shell/*.test.mjs (the JS shell without a browser; early.js URLs against the core)',
    run: () => nodeTests(path.join('tests', 'shell')),
  },
  { name: 'sim-build', what: 'cargo build -p rtv-sim', run: () => cargo('build', '-p', 'rtv-sim') },
  {
    name: 'browser',
    what: 'wasm-bindgen-test in headless Chromium',
    hint: 'RTV_SIM_LOG=1 shows the simulator log; RTV_TEST_STEPS=browser reruns this step alone',
    run: () => browserTests('chromium'),
  },
  {
    name: 'browser-firefox',
    what: 'wasm-bindgen-test in headless Firefox ESR (geckodriver)',
    hint: 'RTV_SIM_LOG=1 shows the simulator log; RTV_TEST_STEPS=sim-build,browser-firefox reruns this step',
    run: () => browserTests('firefox'),
  },
  { name: 'demo', what: 'npm run build:demo (webpack)', run: () => run('npm', ['run', '--silent', 'build:demo']) },
  {
    name: 'e2e',
    what: 'node --test tests/e2e/*.test.mjs (Playwright)',
    run: () => nodeTests(path.join('tests', 'e2e')),
  },
  {
    name: 'e2e-firefox',
    what: 'node --test tests/firefox/*.test.mjs (smoke set in Firefox ESR over WebDriver BiDi, puppeteer-core)',
    hint: 'RTV_FIREFOX_DEBUG=1 prints the pages\' console; RTV_TEST_STEPS=e2e-firefox reruns this step',
    run: () => nodeTests(path.join('tests', 'firefox')),
  },
  {
    name: 'compat',
    what: 'node --test tests/compat/*.test.mjs (shipped files; Chromium 72, 80, 86, 92 and current over CDP)',
    hint: 'RTV_COMPAT_ENGINES=72,current limits the engines; npm run setup installs them',
    run: () => nodeTests(path.join('tests', 'compat')),
  },
  {
    name: 'consumers',
    what: 'node --test tests/consumers/*.test.mjs (the packed tarball in Vite, webpack, Rsbuild, Parcel, esbuild and as CDN files)',
    hint: 'RTV_CONSUMERS=vite,esbuild limits the consumers; the bundlers are installed once into .tools/consumers/',
    run: () => nodeTests(path.join('tests', 'consumers')),
  },
  {
    name: 'sim-pkg',
    what: 'the packed SDK + simulator packages in a fresh directory without Rust: npx rtv-sim, startSim, rtv-sim.exe under wine, examples/claims-console (Playwright)',
    hint: 'RTV_TEST_STEPS=build,sim-pkg npm test reruns it; the installed copy is .tools/sim-pkg/app',
    run: () => simPackageTests(),
  },
  { name: 'cleanup', what: 'remove temporary browser profiles (Chromium, Firefox)', run: async () => cleanup() },
];

/**
 * `node --test` on every *.test.mjs of `dir`, named one by one: Node 20 runs
 * a directory argument, Node 21+ reads it as a glob that matches no file.
 */
function nodeTests(dir) {
  const files = readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => path.join(dir, f));
  if (files.length === 0) throw new Error(`no *.test.mjs in ${dir}`);
  return run(process.execPath, ['--test', '--test-concurrency=1', ...files]);
}

/**
 * The browser tests read the simulator's addresses at compile time
 * (`option_env!("RTV_SIM_URL")`), so the simulator starts first, on free ports.
 * `browser`: 'chromium' (chromedriver, webdriver.json) or 'firefox'
 * (geckodriver, webdriver-firefox.json). wasm-bindgen-test-runner takes the
 * first driver variable it finds, GECKODRIVER before CHROMEDRIVER, so each run
 * gets only its own.
 */
async function browserTests(browser) {
  browserSim = await startSim(['--port', '0', '--exe-port', '0', '--pkg', 'pkg', '--www', path.join('www-demo', 'dist')], {
    quiet: !process.env.RTV_SIM_LOG,
  });
  log(`simulator at ${browserSim.base} (exe ${browserSim.exeUrl}); RTV_SIM_LOG=1 shows its log`);
  const env = { ...process.env };
  for (const v of ['GECKODRIVER', 'GECKODRIVER_REMOTE', 'CHROMEDRIVER', 'CHROMEDRIVER_REMOTE', 'SAFARIDRIVER', 'MSEDGEDRIVER']) delete env[v];
  if (browser === 'firefox') {
    env.GECKODRIVER = geckodriverPath();
    env.WASM_BINDGEN_TEST_WEBDRIVER_JSON = path.join(ROOT, 'webdriver-firefox.json');
    log(`Firefox: ${(probeVersion(FIREFOX) || FIREFOX)}; ${(probeVersion(env.GECKODRIVER) || 'geckodriver')}`);
  } else {
    env.CHROMEDRIVER = '/usr/bin/chromedriver';
    env.WASM_BINDGEN_TEST_WEBDRIVER_JSON = path.join(ROOT, 'webdriver.json');
  }
  try {
    // --no-fail-fast: one run shows every failing test file, the step still fails.
    // test-hooks: lets tests/browser_panic.rs make the SDK panic (never in the shipped build).
    await run('cargo', ['test', '-p', 'snk-rt-video-pc', '--target', WASM_TARGET, '--features', 'test-hooks', '--no-fail-fast'], {
      env: {
        ...env,
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: `${process.execPath} ${path.join(ROOT, 'scripts', 'wasm-test-runner.mjs')}`,
        WASM_BINDGEN_TEST_TIMEOUT: '120',
        RTV_SIM_URL: browserSim.base,
        RTV_EXE_URL: browserSim.exeUrl,
      },
    });
  } finally {
    await stopBrowserSim();
  }
}

/** The first line of `bin --version`, or null. */
function probeVersion(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

async function stopBrowserSim() {
  const sim = browserSim;
  browserSim = null;
  if (sim) await sim.stop();
}

/**
 * Chromium (driven by chromedriver and Playwright) and Firefox (geckodriver's
 * rust_mozprofile*, the Firefox smoke tests' rtv-firefox-*) leave their profile
 * directories in the temp dir. Removed: every such directory no running
 * process names on its command line (Chromium gets it as --user-data-dir,
 * Firefox as -profile), so a browser of a concurrent run keeps its profile.
 */
function cleanup() {
  const tmp = os.tmpdir();
  const inUse = commandLines();
  let removed = 0;
  let kept = 0;
  for (const name of readdirSync(tmp)) {
    if (!['org.chromium.Chromium.scoped_dir.', 'rtv-e2e-', 'rtv-compat-', 'rtv-firefox-', 'rust_mozprofile'].some((p) => name.startsWith(p))) continue;
    if (inUse.includes(name)) {
      kept += 1;
      continue;
    }
    rmSync(path.join(tmp, name), { recursive: true, force: true });
    removed += 1;
  }
  log(`removed ${removed} temporary browser profile(s) from ${tmp}${kept ? `, kept ${kept} in use` : ''}`);
}

/** The command lines of all processes, joined (Linux /proc; empty elsewhere). */
function commandLines() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return '';
  }
  const lines = [];
  for (const pid of pids) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines.join('\n');
}

function selectedSteps() {
  const wanted = (process.env.RTV_TEST_STEPS || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return STEPS;
  if (process.env.CI) {
    throw new Error(`RTV_TEST_STEPS=${process.env.RTV_TEST_STEPS} is set while CI is set: CI runs every step; unset it`);
  }
  log(`RTV_TEST_STEPS: running only ${wanted.join(', ')} (${STEPS.length - wanted.length} step(s) skipped)`);
  const unknown = wanted.filter((w) => !STEPS.some((s) => s.name === w));
  if (unknown.length) {
    throw new Error(`RTV_TEST_STEPS: unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.map((s) => s.name).join(', ')}`);
  }
  return STEPS.filter((s) => wanted.includes(s.name));
}

function printTable(results) {
  const width = Math.max(...results.map((r) => r.name.length), 4);
  console.log('');
  console.log(`[test] ${'step'.padEnd(width)}  ${'time'.padStart(8)}  result`);
  for (const r of results) {
    console.log(`[test] ${r.name.padEnd(width)}  ${(r.ms === undefined ? '-' : secs(r.ms)).padStart(8)}  ${r.result}`);
  }
  console.log(`[test] ${'total'.padEnd(width)}  ${secs(Date.now() - startedAt).padStart(8)}`);
}

async function main() {
  process.chdir(ROOT);
  const steps = selectedSteps();
  const results = steps.map((s) => ({ name: s.name, result: 'not run' }));
  const onSignal = (sig) => {
    log(`${sig}: stopping`);
    stopBrowserSim().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let failure = null;
  for (const [i, step] of steps.entries()) {
    log(`── ${step.name}: ${step.what}`);
    const t = Date.now();
    try {
      await step.run();
      results[i] = { name: step.name, ms: Date.now() - t, result: 'ok' };
    } catch (e) {
      results[i] = { name: step.name, ms: Date.now() - t, result: 'FAILED' };
      const hint = step.hint ? `\n  hint: ${step.hint}` : '';
      failure = new Error(`step "${step.name}" (${step.what}) failed: ${e.message}${hint}`);
      break;
    }
  }
  await stopBrowserSim();
  const cleanupIndex = steps.findIndex((s) => s.name === 'cleanup');
  if (failure && cleanupIndex >= 0) {
    const t = Date.now();
    try {
      cleanup();
      results[cleanupIndex] = { name: 'cleanup', ms: Date.now() - t, result: 'ok (after the failure)' };
    } catch (e) {
      log(`cleanup after the failure did not finish: ${e.message}`);
    }
  }
  printTable(results);
  if (failure) throw failure;
  log(`all ${steps.length} step(s) passed`);
}

runMain('test', main);
