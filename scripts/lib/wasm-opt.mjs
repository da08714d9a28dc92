// wasm-opt -Oz with a content-addressed cache in target/, so an unchanged
// build does not spend 3-7 s per .wasm optimizing the same bytes again.
//
// binaryen comes from npm (binaryen@132): Debian's and crates.io's wasm-opt
// are too old for what current wasm-bindgen emits.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, capture, nodeBin, run } from './proc.mjs';

const CACHE_DIR = path.join(ROOT, 'target', 'rtv-wasm-opt-cache');
const CACHE_KEEP = 8;

// The features rustc enables by default for wasm32-unknown-unknown; listed
// explicitly so the result does not depend on a target_features section.
//
// `--converge` repeats -Oz until the size stops shrinking (~0.6 KB gzip).
// `--low-memory-unused` lets loads/stores fold constant offsets (~0.6 KB):
// true for Rust's wasm32 layout, whose data begins at 1 MiB and whose 1 MiB
// stack grows down towards 0, so addresses below 1 KiB are never used.
export const WASM_OPT_ARGS = [
  '-Oz',
  '--converge',
  '--low-memory-unused',
  '--enable-bulk-memory',
  '--enable-reference-types',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-multivalue',
  '--strip-debug',
  '--strip-producers',
  '--strip-target-features',
];

let versionCache;
async function wasmOptVersion() {
  versionCache ??= (await capture(nodeBin('wasm-opt'), ['--version'])).trim();
  return versionCache;
}

/**
 * Optimizes `file` in place. Returns true when the result came from the cache.
 * `keepNames`: keep the function names (for size profiles such as twiggy),
 * otherwise names and debug info are stripped as in the shipped package.
 */
export async function optimizeInPlace(file, { keepNames = false } = {}) {
  const bin = nodeBin('wasm-opt');
  const args = keepNames ? [...WASM_OPT_ARGS.filter((a) => a !== '--strip-debug'), '--debuginfo'] : WASM_OPT_ARGS;
  const hash = createHash('sha256')
    .update(await wasmOptVersion())
    .update('\0')
    .update(args.join(' '))
    .update('\0')
    .update(readFileSync(file))
    .digest('hex');
  const cached = path.join(CACHE_DIR, `${hash}.wasm`);
  if (existsSync(cached)) {
    copyFileSync(cached, file);
    return true;
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  await run(bin, [...args, file, '-o', tmp]);
  renameSync(tmp, cached);
  copyFileSync(cached, file);
  prune();
  return false;
}

/** Keeps the newest few cache entries (one build makes two). */
function prune() {
  const entries = readdirSync(CACHE_DIR)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => ({ f, t: statSync(path.join(CACHE_DIR, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(CACHE_KEEP)) rmSync(path.join(CACHE_DIR, f), { force: true });
}
