// Old Chromium engines for the compatibility tests (tests/compat/): the
// headless Chromium that npm packages of chrome-aws-lambda ship as a
// brotli-compressed binary. Installed once into .tools/old-chromium/<major>/
// by `npm pack` (npm's cache keeps the tarball, so a second machine set-up
// works offline once it was fetched), then reused: idempotent and fast.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { ROOT } from './proc.mjs';

export const ENGINES_DIR = path.join(ROOT, '.tools', 'old-chromium');

/** The engines the support matrix names (README): the oldest one is the stated minimum. */
export const OLD_ENGINES = [
  { major: 72, pkg: 'chrome-aws-lambda@1.11.2' },
  { major: 80, pkg: 'chrome-aws-lambda@2.1.1' },
  { major: 86, pkg: 'chrome-aws-lambda@5.3.1' },
  { major: 92, pkg: 'chrome-aws-lambda@10.1.0' },
];

/** Path of the engine's executable (present or not). */
export function enginePath(major) {
  return path.join(ENGINES_DIR, String(major), 'chromium');
}

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.error || '').toString().trim()}`);
  return r.stdout;
}

/** Installs one engine unless present; returns true when it installed it. */
export function installEngine({ major, pkg }, log = () => {}) {
  const exe = enginePath(major);
  if (existsSync(exe)) return false;
  const dir = path.dirname(exe);
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`installing Chromium ${major} from the npm package ${pkg} (once)`);
  const tgz = sh('npm', ['pack', pkg, '--silent', '--pack-destination', work], work).trim().split('\n').pop();
  sh('tar', ['xzf', tgz, '-C', work], work);
  const bin = path.join(work, 'package', 'bin');
  // 1.x names the file chromium-<version>.br, later versions chromium.br.
  const br = readdirSync(bin).find((f) => /^chromium(-[\d.]+)?\.br$/.test(f));
  if (!br) throw new Error(`${pkg}: no bin/chromium*.br`);
  writeFileSync(path.join(work, 'chromium'), brotliDecompressSync(readFileSync(path.join(bin, br))));
  chmodSync(path.join(work, 'chromium'), 0o755);
  rmSync(path.join(work, 'package'), { recursive: true, force: true });
  rmSync(path.join(work, tgz), { force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return true;
}

/** Installs every missing engine; returns the names of those it installed. */
export function installOldEngines(log) {
  return OLD_ENGINES.filter((e) => installEngine(e, log)).map((e) => `Chromium ${e.major}`);
}
