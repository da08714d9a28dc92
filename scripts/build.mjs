// `npm run build`: builds the SDK package into pkg/.
//
//   pkg/index.js, index.d.ts, consts.js     ESM entry (bundlers, module scripts) and its types
//   pkg/index.wasm-import.js                the same entry importing the .wasm (esbuild, D89)
//   pkg/support.js, logs.js, preflight.js   browser checks, log ring, self-check
//   pkg/push-reader.js, election.js,        the tab layer: push reader, who leads, forwarded
//   tab-calls.js, lifecycle.js,             calls, page lifecycle, what the page sees, the group
//   tab-page.js, tabs.js                    (all shared with the script-tag build, which inlines them)
//   pkg/snk_rt_video_pc.js, _bg.wasm         wasm-bindgen `web` output (loaded by index.js)
//   pkg/dist/snk-rt-video-pc.js             script-tag build: the ES5 file pages include (window.RtVideo) ...
//   pkg/dist/snk-rt-video-pc.sdk.js         ... the rest of the SDK it loads where it can run (ES2019) ...
//   pkg/dist/snk_rt_video_pc_bg.wasm        ... and the wasm it loads
//   pkg/package.json, README.md, SIZES.txt
//
// Steps: set-up (no browser) → cargo build (release, wasm32, MVP) → drop the
// `target_features` section → wasm-bindgen twice (web, no-modules) → wasm-opt
// -Oz + lowering to the MVP (cached by content) → short import names → check
// that both .wasm are MVP → the files from pkg-template/ → sizes. The package is assembled in target/ and moved
// into place at the end, so a failed build leaves the previous pkg/ intact.
// When the wasm, the templates, the constants and these scripts are unchanged,
// pkg/ is left as it is (a stamp file records the inputs).
//
// Then the simulator's npm packages: pkg-sim/ (snk-rt-video-pc-sim, launcher +
// test client + demo console) and pkg-sim-<platform>/ (prebuilt rtv-sim per
// platform), see lib/sim-package.mjs; they have their own stamp.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, capture, isMain, logger, run, runMain, secs } from './lib/proc.mjs';
import * as files from './lib/package-files.mjs';
import { writeSizes } from './lib/sizes.mjs';
import { checkFeatures, optimizeInPlace } from './lib/wasm-opt.mjs';
import { renameInGlue, shortenImports } from './lib/wasm-imports.mjs';
import { buildSimPackages } from './lib/sim-package.mjs';
import { withoutCustomSection } from './lib/wasm-sections.mjs';
import { setup } from './setup.mjs';

const log = logger('build');
const PKG = path.join(ROOT, 'pkg');
// Per process, so that two builds at once (two terminals, a test run) do not mix their files.
const STAGE = path.join(ROOT, 'target', `rtv-pkg-stage.${process.pid}`);
const OLD = path.join(ROOT, 'target', `rtv-pkg-old.${process.pid}`);
const STAMP = '.build-stamp';
const NO_MINIFY = Boolean(process.env.RTV_NO_MINIFY);
const RAW_WASM = path.join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', `${files.OUT_NAME}.wasm`);
const WASM = `${files.OUT_NAME}_bg.wasm`;
// RAW_WASM without its `target_features` section (see lib/wasm-sections.mjs).
const MVP_WASM = path.join(ROOT, 'target', `rtv-mvp.${process.pid}`, `${files.OUT_NAME}.wasm`);

/** What must be in pkg/ for the stamp to be trusted. */
const OUTPUTS = [
  'index.js',
  files.WASM_IMPORT_ENTRY,
  'index.d.ts',
  'consts.js',
  'support.js',
  'logs.js',
  'push-reader.js',
  'election.js',
  'tab-calls.js',
  'lifecycle.js',
  'tab-page.js',
  'tabs.js',
  'preflight.js',
  'package.json',
  'README.md',
  `${files.OUT_NAME}.js`,
  WASM,
  `dist/${files.DIST_SCRIPT}`,
  `dist/${files.DIST_SDK}`,
  `dist/${WASM}`,
];

/** The inputs of everything after `cargo build`; equal hash → equal pkg/. */
function inputsHash(constsJson, bindgenVersion) {
  const h = createHash('sha256');
  const add = (label, data) => h.update(label).update('\0').update(data).update('\0');
  add('wasm', readFileSync(RAW_WASM));
  add('consts', constsJson);
  add('bindgen', bindgenVersion);
  add('version', files.workspaceVersion());
  for (const dir of [files.TEMPLATE_DIR, path.join(ROOT, 'scripts', 'lib')]) {
    for (const f of readdirSync(dir).sort()) add(f, readFileSync(path.join(dir, f)));
  }
  add('build.mjs', readFileSync(new URL(import.meta.url)));
  add('minify', NO_MINIFY ? 'no' : 'yes');
  return h.digest('hex');
}

function upToDate(hash) {
  const stamp = path.join(PKG, STAMP);
  return (
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === hash &&
    OUTPUTS.every((f) => existsSync(path.join(PKG, f)))
  );
}

async function bindgen(target, outDir) {
  await run('wasm-bindgen', [
    '--target', target,
    '--out-dir', outDir,
    '--out-name', files.OUT_NAME,
    '--remove-name-section',
    '--remove-producers-section',
    MVP_WASM,
  ]);
}

/**
 * The script-tag build is loaded as it is (no bundler of the page's minifies
 * it): terser, with output limited to `ecma` (5 for the file pages include,
 * so every engine parses it; 2019 for the rest, which Chromium 72 parses), and
 * no eval (terser never adds one). About 4 KB gzip less.
 * RTV_NO_MINIFY=1 leaves it as it is (readable names in CPU profiles:
 * BENCH_PROFILE of tests/bench/browser.mjs).
 */
async function minifyScript(source, ecma) {
  if (NO_MINIFY) return source;
  const { minify } = await import('terser');
  const out = await minify(source, {
    ecma,
    module: false,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /^!/ },
  });
  return `${out.code}\n`;
}

/** Builds the package in STAGE; returns nothing, throws on any failure. */
async function assemble(consts, version, hash) {
  rmSync(STAGE, { recursive: true, force: true });
  const glueDir = path.join(STAGE, '.no-modules');
  const dist = path.join(STAGE, 'dist');
  mkdirSync(dist, { recursive: true });

  mkdirSync(path.dirname(MVP_WASM), { recursive: true });
  writeFileSync(MVP_WASM, withoutCustomSection(readFileSync(RAW_WASM), 'target_features'));
  await bindgen('web', STAGE);
  await bindgen('no-modules', glueDir);
  rmSync(path.dirname(MVP_WASM), { recursive: true, force: true });

  // The hand-written declarations replace wasm-bindgen's (which name types it
  // does not define); check they still cover every export first.
  const bootSource = readFileSync(path.join(files.TEMPLATE_DIR, 'boot.js'), 'utf8');
  files.checkDeclarations(readFileSync(path.join(STAGE, `${files.OUT_NAME}.d.ts`), 'utf8'), bootSource);
  for (const f of [`${files.OUT_NAME}.d.ts`, `${files.OUT_NAME}_bg.wasm.d.ts`]) rmSync(path.join(STAGE, f));

  const t = Date.now();
  const cachedA = await optimizeInPlace(path.join(STAGE, WASM));
  renameSync(path.join(glueDir, WASM), path.join(dist, WASM));
  const cachedB = await optimizeInPlace(path.join(dist, WASM));
  log(`wasm-opt -Oz: ${cachedA && cachedB ? 'cached' : secs(Date.now() - t)}`);
  // Short import names in each .wasm and the glue that goes with it
  // (scripts/lib/wasm-imports.mjs).
  const shorten = (wasmFile, glueFile) => {
    const r = shortenImports(readFileSync(wasmFile));
    writeFileSync(wasmFile, r.bytes);
    writeFileSync(glueFile, renameInGlue(readFileSync(glueFile, 'utf8'), r));
  };
  shorten(path.join(STAGE, WASM), path.join(STAGE, `${files.OUT_NAME}.js`));
  shorten(path.join(dist, WASM), path.join(glueDir, `${files.OUT_NAME}.js`));
  // A toolchain or dependency upgrade must not raise the minimum engine silently.
  await checkFeatures(path.join(STAGE, WASM));
  await checkFeatures(path.join(dist, WASM));

  const write = (rel, text) => writeFileSync(path.join(STAGE, rel), text);
  write('consts.js', files.constsJs(consts.js));
  write('support.js', files.supportJs());
  write('logs.js', files.logsJs());
  for (const f of files.SHELL_FILES) write(f.name, files.shellJs(f.name));
  write('preflight.js', files.preflightJs());
  write('index.js', files.indexJs(version));
  write(files.WASM_IMPORT_ENTRY, files.indexJs(version, { wasmImport: true }));
  write('index.d.ts', files.indexDts(consts.dts, consts.errorCodes));
  write('package.json', files.packageJson(version));
  write('README.md', files.readme(version));
  const glue = readFileSync(path.join(glueDir, `${files.OUT_NAME}.js`), 'utf8');
  write(`dist/${files.DIST_SCRIPT}`, await minifyScript(files.distBoot(consts.js, version), 5));
  write(`dist/${files.DIST_SDK}`, await minifyScript(files.distSdk(glue, version, consts.links), 2019));
  rmSync(glueDir, { recursive: true });
  write(STAMP, `${hash}\n`);
}

/**
 * Replaces pkg/ with the staged package (two renames: pkg/ is missing only
 * between them). If a concurrent build put its pkg/ there in between, that
 * one is moved away too: the last build to finish wins.
 */
function install() {
  for (let attempt = 0; ; attempt += 1) {
    rmSync(OLD, { recursive: true, force: true });
    if (existsSync(PKG)) renameSync(PKG, OLD);
    try {
      renameSync(STAGE, PKG);
      break;
    } catch (e) {
      if (attempt >= 3 || !['ENOTEMPTY', 'EEXIST'].includes(e.code)) throw e;
    }
  }
  rmSync(OLD, { recursive: true, force: true });
}

/**
 * The whole build; `quiet` skips the size table (for callers that print their
 * own); `simPackages: false` skips pkg-sim*\/ (npm start does not need them).
 */
export async function build({ quiet = false, simPackages = true } = {}) {
  const t0 = Date.now();
  await setup({ browser: false });
  await run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'snk-rt-video-pc']);
  const constsJson = await capture('cargo', ['run', '-q', '-p', 'rtv-core', '--example', 'gen_consts']);
  const consts = JSON.parse(constsJson);
  if (typeof consts.js !== 'string' || typeof consts.dts !== 'string' || typeof consts.errorCodes !== 'string' || !consts.links) {
    throw new Error('gen_consts printed no {"js", "dts", "errorCodes", "links"} object');
  }
  const bindgenVersion = (await capture('wasm-bindgen', ['--version'])).trim();
  const version = files.workspaceVersion();
  const hash = inputsHash(constsJson, bindgenVersion);
  if (upToDate(hash)) {
    log(`pkg/ is up to date (${secs(Date.now() - t0)})`);
  } else {
    try {
      await assemble(consts, version, hash);
      install();
    } finally {
      rmSync(STAGE, { recursive: true, force: true });
    }
    log(`pkg/ built: snk-rt-video-pc ${version} (${secs(Date.now() - t0)})`);
  }
  if (!quiet) writeSizes(PKG);
  if (simPackages) await buildSimPackages({ log });
}

if (isMain(import.meta.url)) {
  runMain('build', () => build());
}
