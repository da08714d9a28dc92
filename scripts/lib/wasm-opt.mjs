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

// The shipped module is WebAssembly MVP, so that Chromium from 72 on can
// compile it (reference types came in 96, multi-value in 85, sign-ext in 74,
// bulk memory and non-trapping float-to-int in 75). Our crates are built for
// the MVP (.cargo/config.toml); the standard library's precompiled code still
// uses sign-ext, bulk memory and non-trapping float-to-int, so those are
// enabled for reading and lowered to MVP code by the last three passes (they
// must run after -Oz, which would otherwise bring the instructions back).
// `checkFeatures` then proves the result is MVP (docs/DECISIONS.md D40).
//
// `--converge` repeats -Oz until the size stops shrinking (~0.6 KB gzip).
// `--low-memory-unused` lets loads/stores fold constant offsets (~0.6 KB):
// true for Rust's wasm32 layout, whose data begins at 1 MiB and whose 1 MiB
// stack grows down towards 0, so addresses below 1 KiB are never used.
export const WASM_OPT_ARGS = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '-Oz',
  '--converge',
  '--low-memory-unused',
  '--signext-lowering',
  '--llvm-nontrapping-fptoint-lowering',
  '--llvm-memory-copy-fill-lowering',
  '--strip-debug',
  '--strip-producers',
  '--strip-target-features',
];

/** The wasm features the shipped module may use: none beyond the MVP. */
export const ALLOWED_FEATURES = ['--mvp-features'];

/**
 * Throws unless `file` validates with only ALLOWED_FEATURES enabled (binaryen
 * refuses any instruction of another feature: "all used features should be
 * allowed").
 */
export async function checkFeatures(file) {
  await run(nodeBin('wasm-opt'), ['-q', ...ALLOWED_FEATURES, file]);
}

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
