// The shipped package cannot silently raise the minimum engine (Chromium 72):
//   - every .wasm of pkg/ validates with binaryen's --mvp-features (any
//     instruction of a later feature fails: sign-ext, bulk memory, reference
//     types, multi-value, non-trapping float-to-int, ...);
//   - the script-tag build parses as ES2019 (es-check), the syntax Chromium
//     72 understands; the npm files too, but for `import.meta` and top-level
//     await, which their bundler compiles;
//   - neither build uses eval / new Function (strict CSP pages).
//
//   node --test tests/compat/shipped-files.test.mjs   (after npm run build)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { ROOT } from '../e2e/support/sim.mjs';

const PKG = path.join(ROOT, 'pkg');
const BIN = path.join(ROOT, 'node_modules', '.bin');

function files(ext) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext)) out.push(p);
    }
  };
  walk(PKG);
  return out.sort();
}

test('every shipped .wasm is WebAssembly MVP', () => {
  const wasm = files('.wasm');
  assert.equal(wasm.length, 2, wasm.join(', '));
  for (const f of wasm) {
    const r = spawnSync(path.join(BIN, 'wasm-opt'), ['-q', '--mvp-features', f], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${path.relative(ROOT, f)} uses a post-MVP feature:\n${(r.stderr || '').slice(0, 2000)}`);
  }
});

test('the script-tag build parses as ES2019 (es-check)', () => {
  const classic = files('.js').filter((f) => f.includes(`${path.sep}dist${path.sep}`));
  assert.equal(classic.length, 1, classic.join(', '));
  const r = spawnSync(path.join(BIN, 'es-check'), ['es2019', ...classic], { encoding: 'utf8' });
  assert.equal(r.status, 0, `es-check es2019:\n${r.stdout}\n${r.stderr}`);
});

// The npm files are ES modules for bundlers. Beyond ES2019 they may use only
// what bundlers rewrite and Chromium 72 has anyway: `import.meta` (the wasm
// asset URL; Chromium 64) and top-level await (index.js; compiled by the
// bundler). Both are masked, then the text must parse as ES2019.
test('the npm files parse as ES2019 (+ import.meta, top-level await)', () => {
  const modules = files('.js').filter((f) => !f.includes(`${path.sep}dist${path.sep}`));
  assert.ok(modules.length >= 4, modules.join(', '));
  for (const f of modules) {
    const source = readFileSync(f, 'utf8').replace(/\bimport\.meta\b/g, 'import_meta');
    try {
      acorn.parse(source, { ecmaVersion: 2019, sourceType: 'module', allowAwaitOutsideFunction: true });
    } catch (e) {
      assert.fail(`${path.relative(ROOT, f)} is not ES2019: ${e.message}`);
    }
  }
  assert.match(readFileSync(path.join(PKG, 'index.js'), 'utf8'), /^\s*await init\(\);/m, 'index.js awaits the module');
});

test('no eval or new Function in any shipped JS file', () => {
  for (const f of files('.js')) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /\bnew Function\b|\beval\(/, path.relative(ROOT, f));
  }
});
