// Finds the prebuilt rtv-sim binary: one small package per platform, installed
// by npm as an optional dependency of snk-rt-video-pc-sim (only the one whose
// `os` and `cpu` match this machine), the way esbuild ships its binary.

import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** `${process.platform}-${process.arch}` → the package holding that binary. */
export const PLATFORM_PACKAGES = {
  'linux-x64': 'snk-rt-video-pc-sim-linux-x64',
  'win32-x64': 'snk-rt-video-pc-sim-win32-x64',
};

/** The platform key of this machine, e.g. `linux-x64`. */
export function platformKey() {
  return `${process.platform}-${process.arch}`;
}

/**
 * Absolute path of the rtv-sim binary for this machine. `RTV_SIM_BINARY`
 * names another one (e.g. `target/debug/rtv-sim` of a clone of the SDK).
 * Throws an Error naming the platform when no package fits or it is missing.
 */
export function binaryPath() {
  const own = process.env.RTV_SIM_BINARY;
  if (own) {
    if (!existsSync(own)) throw new Error(`RTV_SIM_BINARY=${own}: no such file`);
    return path.resolve(own);
  }
  const key = platformKey();
  const supported = Object.keys(PLATFORM_PACKAGES).join(', ');
  const name = PLATFORM_PACKAGES[key];
  if (!name) {
    throw new Error(
      `snk-rt-video-pc-sim 没有适用于 ${key} 的 rtv-sim / has no prebuilt rtv-sim for ${key} ` +
        `(platforms: ${supported}). Build it from the SDK's sources (cargo build --release -p rtv-sim) ` +
        'and set RTV_SIM_BINARY to its path.',
    );
  }
  const file = `bin/rtv-sim${process.platform === 'win32' ? '.exe' : ''}`;
  let bin;
  try {
    bin = require.resolve(`${name}/${file}`);
  } catch {
    throw new Error(
      `缺少 ${name}（${key} 的 rtv-sim）/ the package ${name} (rtv-sim for ${key}) is not installed. ` +
        'npm installs it as an optional dependency of snk-rt-video-pc-sim: reinstall without ' +
        '--omit=optional / --no-optional, and do not copy node_modules from another platform.',
    );
  }
  ensureExecutable(bin);
  return bin;
}

/** Some tools unpack tarballs without the executable bit: restore it (best effort). */
function ensureExecutable(bin) {
  if (process.platform === 'win32') return;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    try {
      chmodSync(bin, 0o755);
    } catch {
      // spawn will then say why
    }
  }
}

/** The directory of the demo console shipped in this package (served at `/`). */
export function demoDir() {
  return path.join(path.dirname(require.resolve('../package.json')), 'demo');
}
