// early.js guesses the links the core will open (D70) from the options, with
// its own copy of the core's URL and query rules: the two must not drift.
// Thousands of random option sets (ids and tokens with every reserved
// character, spaces, Chinese, emoji, lone surrogates; URLs with and without
// their trailing slash, double slashes as in `https://host/zzlp01//push-client/`;
// profiles; EXE URLs) go through early.js's `earlyUrls` and through the core
// itself (the wasm's `__preflight`, which builds the subscribe URL with
// `Config::subscribe_url`, and `__validate`'s group key). Wherever the core
// accepts the options and early.js makes a guess, the guess must be exactly
// the core's URL; early.js may only decline to guess.
//
//   npm run build && node --test tests/shell/early-urls.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CASES = Number(process.env.EARLY_URL_CASES || 5000);

/** The core, as the wasm of the npm package (Node runs it). */
async function core() {
  const glue = await import(path.join(ROOT, 'pkg', 'snk_rt_video_pc.js'));
  glue.initSync({ module: readFileSync(path.join(ROOT, 'pkg', 'snk_rt_video_pc_bg.wasm')) });
  return glue.RtVideo;
}

/** early.js's `earlyUrls`, with the constants the build fills in (gen_consts) and tabs.js's `tabGroup`. */
function early() {
  const consts = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'rtv-core', '--example', 'gen_consts'], { cwd: ROOT, encoding: 'utf8' }));
  const source = readFileSync(path.join(ROOT, 'pkg-template', 'early.js'), 'utf8').replace('__RTV_LINKS__', JSON.stringify(consts.links));
  const tabs = readFileSync(path.join(ROOT, 'pkg-template', 'tabs.js'), 'utf8');
  const group = /^function tabGroup\([\s\S]*?^}/m.exec(tabs)[0];
  const ctx = vm.createContext({});
  vm.runInContext(`${group}\n${source}\nthis.earlyUrls = earlyUrls;`, ctx);
  return ctx.earlyUrls;
}

/** A small deterministic generator (the seed is printed on failure). */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a', 'Z', '0', '9', '-', '_', '.', '~', ' ', '!', '*', "'", '(', ')', ';', ':', '@', '&', '=', '+', '$', ',', '/', '?',
  '#', '[', ']', '%', '"', '<', '>', '\\', '^', '`', '{', '|', '}', '中', '文', '😀', '\u00e9', '\t', '\n', '\ud800', '%20',
];

function text(r, max = 12) {
  let t = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) t += PIECES[Math.floor(r() * PIECES.length)];
  return t;
}

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function base(r, service) {
  const host = pick(r, ['https://proxytest.example.com', 'http://127.0.0.1:8686', 'https://h']);
  const prefix = pick(r, ['', '/zzlp01', '/zzlp01/', '/a/b']);
  const slash = pick(r, ['', '/']);
  return `${host}${prefix}/${service}${slash}`;
}

function options(r) {
  const o = { systemCode: pick(r, ['CLAIMS', 'DEMO', text(r), ' ', '']), account: pick(r, ['agent1', text(r), 'a b']) };
  if (r() < 0.5) o.profile = pick(r, ['dev', 'test', 'dev', 'staging']);
  if (r() < 0.6 || !o.profile) {
    o.sseServerUrl = base(r, 'push-client');
    o.videoServiceUrl = base(r, 'rtv');
    o.stateServiceUrl = base(r, 'dispatch');
  }
  if (r() < 0.6) o.token = pick(r, [text(r, 20), 'T0K3N', '', "a!b'c(d)e*f~g h/i?j&k=l#m"]);
  if (r() < 0.3) o.exeUrl = pick(r, ['ws://127.0.0.1:18686/rtv', 'ws://127.0.0.1:9999/x', 'wss://localhost/rtv', 'http://x/']);
  return o;
}

test(`early.js builds the core's subscribe URL, EXE URL and group for ${CASES} random option sets`, async () => {
  const Real = await core();
  const earlyUrls = early();
  const seed = Number(process.env.EARLY_URL_SEED || Date.now() % 1000000);
  const r = rng(seed);
  let compared = 0;
  let declined = 0;
  for (let i = 0; i < CASES; i++) {
    const o = options(r);
    let want;
    try {
      want = Real.__preflight(o);
    } catch (e) {
      continue; // options the core rejects: the early links would be closed unused
    }
    const got = earlyUrls(o);
    if (!got) {
      declined += 1;
      continue;
    }
    const what = `seed ${seed}, case ${i}: ${JSON.stringify(o)}`;
    assert.equal(got.push, want.push, what);
    assert.equal(got.exe, want.exe, what);
    assert.equal(got.group, `rtvideo:${Real.__validate(o, undefined).key}`, what);
    compared += 1;
  }
  assert.ok(compared > CASES / 4, `only ${compared} of ${CASES} compared (seed ${seed})`);
  assert.ok(declined < compared / 4, `early.js declined ${declined} times for ${compared} guesses (seed ${seed})`);
});

test('the comparison can fail: a guess with a slash too many differs from the core', async () => {
  const Real = await core();
  const earlyUrls = early();
  const o = { systemCode: 'S', account: 'a', sseServerUrl: 'https://h/zzlp01//push-client/', videoServiceUrl: 'https://h/r/', stateServiceUrl: 'https://h/d/' };
  assert.equal(earlyUrls(o).push, Real.__preflight(o).push);
  assert.notEqual(earlyUrls({ ...o, sseServerUrl: 'https://h/zzlp01//push-client//' }).push, Real.__preflight(o).push);
});
