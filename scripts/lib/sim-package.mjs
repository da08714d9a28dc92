// The simulator as npm packages (issue 20), built by `npm run build`:
//
//   pkg-sim/                 snk-rt-video-pc-sim: the `rtv-sim` launcher (bin), the test
//                            client (index.js, index.d.ts), the demo console (demo/),
//                            README.md, SIM-API.md; from pkg-sim-template/
//   pkg-sim-linux-x64/       snk-rt-video-pc-sim-linux-x64: bin/rtv-sim      (os linux, cpu x64)
//   pkg-sim-win32-x64/       snk-rt-video-pc-sim-win32-x64: bin/rtv-sim.exe  (os win32, cpu x64)
//
// One package per platform, named by the launcher as optional dependencies
// (npm installs the one whose os/cpu match), as esbuild ships its binary.
// The binaries: `cargo build --profile sim-dist -p rtv-sim` (release settings,
// stripped), Windows cross-compiled for x86_64-pc-windows-gnu with the
// mingw-w64 linker (installed by `npm run setup`). A platform whose toolchain
// is missing is skipped with the reason. The demo console is the webpack build
// of www-demo/ against pkg/. When the binaries, the templates, the demo's
// inputs and this file are unchanged, the directories are left as they are
// (a stamp in pkg-sim/).

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, nodeBin, probe, run, secs } from './proc.mjs';
import { workspaceVersion } from './package-files.mjs';

export const TEMPLATE = path.join(ROOT, 'pkg-sim-template');
export const LAUNCHER_NAME = 'snk-rt-video-pc-sim';
export const LAUNCHER_DIR = path.join(ROOT, 'pkg-sim');
const API_DOC = path.join(ROOT, 'docs', 'SIM-API.md');
const STAMP = '.build-stamp';
const PROFILE = 'sim-dist';

/** The platforms with a prebuilt binary (keys are `process.platform-process.arch`). */
export const PLATFORMS = [
  { key: 'linux-x64', os: 'linux', cpu: 'x64', label: 'Linux x86-64', target: 'x86_64-unknown-linux-gnu', file: 'rtv-sim' },
  {
    key: 'win32-x64',
    os: 'win32',
    cpu: 'x64',
    label: 'Windows x86-64',
    target: 'x86_64-pc-windows-gnu',
    file: 'rtv-sim.exe',
    linker: 'x86_64-w64-mingw32-gcc',
  },
];

/** Name and directory of a platform's package. */
export function platformPackage(p) {
  return { name: `${LAUNCHER_NAME}-${p.key}`, dir: path.join(ROOT, `pkg-sim-${p.key}`) };
}

const HOST_KEY = `${process.platform}-${process.arch}`;

/** Why `p` cannot be built here, or null. */
function unavailable(p) {
  if (p.key === HOST_KEY) return null;
  if (!p.linker) return `only built on ${p.label} itself (this is ${HOST_KEY})`;
  if (probe(p.linker, ['--version']) === null) return `the linker ${p.linker} is missing (npm run setup installs it with apt)`;
  const targets = probe('rustup', ['target', 'list', '--installed']);
  if (targets !== null && !targets.split('\n').some((l) => l.trim() === p.target)) {
    return `the Rust target ${p.target} is missing (npm run setup adds it)`;
  }
  return null;
}

/** Where cargo puts the binary of `p`. */
function binaryOf(p) {
  const host = p.key === HOST_KEY;
  return path.join(ROOT, 'target', ...(host ? [] : [p.target]), PROFILE, p.file);
}

function hashTree(h, dir, rel = '') {
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, name);
    const full = path.join(dir, r);
    if (statSync(full).isDirectory()) {
      if (name !== 'dist' && name !== 'node_modules') hashTree(h, dir, r);
    } else {
      h.update(r).update('\0').update(readFileSync(full)).update('\0');
    }
  }
}

function stampOf(version, built) {
  const h = createHash('sha256');
  h.update(version).update('\0');
  for (const b of built) h.update(b.p.key).update('\0').update(readFileSync(b.bin)).update('\0');
  hashTree(h, TEMPLATE);
  hashTree(h, path.join(ROOT, 'www-demo'));
  h.update(readFileSync(path.join(ROOT, 'webpack.config.js')));
  h.update(readFileSync(path.join(ROOT, 'pkg', STAMP)));
  h.update(existsSync(API_DOC) ? readFileSync(API_DOC) : '');
  h.update(readFileSync(new URL(import.meta.url)));
  return h.digest('hex');
}

function upToDate(stamp, built) {
  const file = path.join(LAUNCHER_DIR, STAMP);
  return (
    existsSync(file) &&
    readFileSync(file, 'utf8').trim() === stamp &&
    existsSync(path.join(LAUNCHER_DIR, 'demo', 'index.html')) &&
    built.every((b) => existsSync(path.join(platformPackage(b.p).dir, 'bin', b.p.file)))
  );
}

const json = (o) => `${JSON.stringify(o, null, 2)}\n`;

function platformReadme(p, name, version) {
  return `# ${name}

\`rtv-sim\`（${p.label}）：[snk-rt-video-pc-sim](https://www.npmjs.com/package/${LAUNCHER_NAME}) 的预编译二进制，
由它作为可选依赖自动安装，请勿直接依赖本包。

The prebuilt \`rtv-sim\` for ${p.label}, installed by ${LAUNCHER_NAME} ${version} as an optional
dependency; do not depend on it directly.
`;
}

/** Writes the packages into `stage`. */
async function assemble(stage, version, built, log) {
  const launcher = path.join(stage, 'pkg-sim');
  cpSync(TEMPLATE, launcher, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8'));
  pj.version = version;
  pj.optionalDependencies = Object.fromEntries(built.map((b) => [platformPackage(b.p).name, version]));
  writeFileSync(path.join(launcher, 'package.json'), json(pj));
  if (!existsSync(API_DOC)) throw new Error(`${API_DOC} is missing`);
  cpSync(API_DOC, path.join(launcher, 'SIM-API.md'));

  // The demo console, bundled against pkg/ (served at / by `npx rtv-sim`).
  const t = Date.now();
  await run(process.execPath, [nodeBin('webpack'), '--config', 'webpack.config.js', '--output-path', path.join(launcher, 'demo')]);
  log(`demo console bundled (${secs(Date.now() - t)})`);

  for (const b of built) {
    const { name } = platformPackage(b.p);
    const dir = path.join(stage, `pkg-sim-${b.p.key}`);
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    cpSync(b.bin, path.join(dir, 'bin', b.p.file));
    writeFileSync(
      path.join(dir, 'package.json'),
      json({
        name,
        version,
        description: `The rtv-sim binary for ${b.p.label} (installed by ${LAUNCHER_NAME}).`,
        license: 'MIT',
        os: [b.p.os],
        cpu: [b.p.cpu],
        files: ['bin/', 'README.md'],
        preferUnplugged: true,
      }),
    );
    writeFileSync(path.join(dir, 'README.md'), platformReadme(b.p, name, version));
  }
}

/** Replaces `dest` with `src` (the last build to finish wins). */
function replaceDir(src, dest) {
  const old = `${dest}.old.${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dest)) renameSync(dest, old);
  renameSync(src, dest);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Builds pkg-sim/ and pkg-sim-<platform>/ (pkg/ must be built: the demo
 * bundles it). Returns `[{key, label, file, bytes}]` of the binaries packed.
 */
export async function buildSimPackages({ log }) {
  const t0 = Date.now();
  const version = workspaceVersion();
  const built = [];
  for (const p of PLATFORMS) {
    const why = unavailable(p);
    if (why) {
      log(`pkg-sim-${p.key}: skipped: ${why}`);
      continue;
    }
    const host = p.key === HOST_KEY;
    await run('cargo', ['build', '--profile', PROFILE, '-p', 'rtv-sim', ...(host ? [] : ['--target', p.target])]);
    built.push({ p, bin: binaryOf(p) });
  }
  if (built.length === 0) throw new Error(`no rtv-sim binary can be built on ${HOST_KEY}`);
  const stamp = stampOf(version, built);
  if (upToDate(stamp, built)) {
    log(`pkg-sim/ is up to date (${secs(Date.now() - t0)})`);
  } else {
    const stage = path.join(ROOT, 'target', `rtv-pkg-sim-stage.${process.pid}`);
    rmSync(stage, { recursive: true, force: true });
    try {
      await assemble(stage, version, built, log);
      for (const b of built) replaceDir(path.join(stage, `pkg-sim-${b.p.key}`), platformPackage(b.p).dir);
      writeFileSync(path.join(stage, 'pkg-sim', STAMP), `${stamp}\n`);
      replaceDir(path.join(stage, 'pkg-sim'), LAUNCHER_DIR);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    log(`pkg-sim/ built: ${LAUNCHER_NAME} ${version} with ${built.map((b) => b.p.key).join(', ')} (${secs(Date.now() - t0)})`);
  }
  const sizes = built.map((b) => ({ key: b.p.key, label: b.p.label, file: b.p.file, bytes: statSync(b.bin).size }));
  for (const s of sizes) log(`rtv-sim for ${s.label}: ${(s.bytes / 1024 / 1024).toFixed(2)} MiB (${s.bytes} bytes, stripped)`);
  return sizes;
}
