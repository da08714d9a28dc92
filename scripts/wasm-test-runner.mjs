// Cargo's runner for wasm32 test binaries (browser tests):
//   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="node scripts/wasm-test-runner.mjs"
// Drops the `target_features` custom section, as scripts/build.mjs does for
// the shipped package, then hands over to wasm-bindgen-test-runner. Without
// this, wasm-bindgen would see the standard library's `reference-types` claim
// and emit externref glue, i.e. test a differently-featured build than the
// one agents get (docs/DECISIONS.md D40).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withoutCustomSection } from './lib/wasm-sections.mjs';

const [wasm, ...rest] = process.argv.slice(2);
if (!wasm) {
  console.error('usage: wasm-test-runner.mjs <test.wasm> [args...]');
  process.exit(2);
}
const dir = path.join(path.dirname(wasm), 'mvp');
mkdirSync(dir, { recursive: true });
const out = path.join(dir, path.basename(wasm));
writeFileSync(out, withoutCustomSection(readFileSync(wasm), 'target_features'));
const r = spawnSync('wasm-bindgen-test-runner', [out, ...rest], { stdio: 'inherit' });
if (r.error) {
  console.error(`wasm-test-runner: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
