// The optimized wasm as shipped, with its name section kept, and where its
// bytes go: `node scripts/profile-wasm.mjs [n]` (runs `npm run build` first).
// The benchmark (`npm run bench`) prints the same profile.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, capture, isMain, run, runMain } from './lib/proc.mjs';
import { OUT_NAME } from './lib/package-files.mjs';
import { optimizeInPlace } from './lib/wasm-opt.mjs';
import { withoutCustomSection } from './lib/wasm-sections.mjs';

const RAW_WASM = path.join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', `${OUT_NAME}.wasm`);
const PROFILE_DIR = path.join(ROOT, 'target', 'rtv-bench');

/** The optimized wasm as shipped, but with its name section, for twiggy. */
export async function namedWasm() {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
  // As scripts/build.mjs does: without `target_features`, so the glue is MVP.
  const mvp = path.join(PROFILE_DIR, 'raw.wasm');
  writeFileSync(mvp, withoutCustomSection(readFileSync(RAW_WASM), 'target_features'));
  await run('wasm-bindgen', ['--target', 'web', '--out-dir', PROFILE_DIR, '--out-name', OUT_NAME, '--no-typescript', mvp]);
  const file = path.join(PROFILE_DIR, `${OUT_NAME}_bg.wasm`);
  await optimizeInPlace(file, { keepNames: true });
  return file;
}

if (isMain(import.meta.url)) {
  runMain('profile', async () => {
    const file = await namedWasm();
    console.log(await capture('twiggy', ['top', '-n', process.argv[2] || '40', file]));
  });
}
