// The shipped package cannot silently raise the minimum engine (Chromium 72):
//   - every .wasm of pkg/ validates with binaryen's --mvp-features (any
//     instruction of a later feature fails: sign-ext, bulk memory, reference
//     types, multi-value, non-trapping float-to-int, ...);
//   - the file a script-tag page includes parses as ES5 (es-check: also the
//     IE engine reads it, to report UNSUPPORTED_BROWSER), the rest of the
//     script-tag build as ES2019, the syntax Chromium 72 understands; the npm files too, but for `import.meta` and top-level
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

// The file pages include must parse everywhere, also in the IE engine of
// dual-core browsers, to say what to do there (issue 18): ES5. The rest of
// the SDK, which it loads only where it can run, is ES2019.
test('the script-tag build: the included file parses as ES5, the rest as ES2019 (es-check)', () => {
  const classic = files('.js').filter((f) => f.includes(`${path.sep}dist${path.sep}`));
  assert.deepEqual(classic.map((f) => path.basename(f)), ['snk-rt-video-pc.js', 'snk-rt-video-pc.sdk.js']);
  for (const [version, file] of [['es5', classic[0]], ['es2019', classic[1]]]) {
    const r = spawnSync(path.join(BIN, 'es-check'), [version, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `es-check ${version} ${path.basename(file)}:\n${r.stdout}\n${r.stderr}`);
  }
  // es-check's own parser, and acorn's: the two must agree.
  assert.throws(() => acorn.parse(readFileSync(classic[1], 'utf8'), { ecmaVersion: 5 }), 'the SDK file is not ES5 (the check can fail)');
  acorn.parse(readFileSync(classic[0], 'utf8'), { ecmaVersion: 5 });
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
