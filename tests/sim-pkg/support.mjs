// Shared support of the simulator package tests (tests/sim-pkg/): they run
// against the packed tarballs installed into a fresh directory by the test
// step `sim-pkg` (scripts/lib/sim-pkg-test.mjs), with no Rust on PATH.

import { spawn } from 'node:child_process';
import path from 'node:path';

/** The directory the tarballs were installed into. */
export const APP = process.env.RTV_SIM_PKG_APP;
if (!APP) throw new Error('RTV_SIM_PKG_APP is not set: run these tests through `RTV_TEST_STEPS=sim-pkg npm test`');

/** A module of the installed snk-rt-video-pc-sim. */
export function installed(rel = 'index.js') {
  return import(path.join(APP, 'node_modules', 'snk-rt-video-pc-sim', rel));
}

const READY = /rtv-sim listening on (http:\/\/\S+?)\/? exe (ws:\/\/\S+)/;

/**
 * Spawns `cmd args` in APP and collects its output. `ready()` resolves with
 * `{base, exeUrl, ms}` once the listening line is out (`ms` since spawn);
 * `exit` resolves with `{code, signal}`.
 */
export function launch(cmd, args, opts = {}) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: APP, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const p = { child, out: '', err: '' };
  p.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // All output ends: also every process that inherited our pipes is gone.
  p.closed = new Promise((resolve) => child.on('close', resolve));
  child.stdout.on('data', (c) => {
    p.out += c;
  });
  child.stderr.on('data', (c) => {
    p.err += c;
  });
  p.ready = (ms = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within ${ms} ms:\n${p.out}\n${p.err}`)), ms);
      const check = () => {
        const m = READY.exec(p.out);
        if (m) {
          clearTimeout(timer);
          resolve({ base: m[1], exeUrl: m[2], ms: performance.now() - t0 });
        }
      };
      child.stdout.on('data', check);
      check();
      p.exit.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`exited (${signal || code}) before listening:\n${p.out}\n${p.err}`));
      });
    });
  p.t0 = t0;
  return p;
}

/** Waits until `p.out` (or `p.err`) matches `re`. */
export async function waitOut(p, re, ms = 10_000) {
  const end = Date.now() + ms;
  while (!re.test(p.out) && !re.test(p.err)) {
    if (Date.now() > end) throw new Error(`output never matched ${re}:\n${p.out}\n${p.err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with `promise`, or rejects after `ms` saying `what`. */
export function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Polls `url` until it answers 200; resolves with the ms since `t0`. */
export async function firstServed(url, t0, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${url} not served within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether nothing listens on 127.0.0.1:`port` any more. */
export async function closed(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/sim/version`);
    return false;
  } catch {
    return true;
  }
}
