// Benchmark (not a test): the SDK in headless Chromium against the simulator,
// timed inside the pages (performance.now()); numbers only, no pass/fail
// beyond sanity (every message arrives, every page reaches `ready`).
//
//   (a) push throughput: bursts of N push messages (50203/50204 alternating,
//       80-character data.url, one account; POST /sim/burst writes them to the
//       stream at once) through the SDK to `next`, against the floor: a bare
//       EventSource on the same subscribe URL that JSON.parses each message and
//       calls one function, and the same floor that also reads each message's
//       id (`lastEventId`) and drops a repeated one, the least SPEC §4.1 asks.
//       Time from the first to the last message at the page's sink; msg/s of
//       each, and SDK time / floor time per page pair.
//   (b) memory retained by bursts after forced GC (HeapProfiler.collectGarbage,
//       then Runtime.getHeapUsage): JS heap of both pages, and the SDK's wasm
//       memory (its WebAssembly.Memory buffer; wasm memory never shrinks).
//   (c) navigation → first STATE_CHANGE `ready`, cold and warm HTTP cache:
//       script + wasm (navigation → RtVideo.ready resolved; Resource Timing of
//       the .js and .wasm) and link set-up (RtVideo.ready → STATE_CHANGE ready).
//   (d) answer(sid) → POST issued (Resource Timing startTime), reply → STATE_CHANGE
//       busy, and answer() → busy minus a bare fetch of the same request from
//       the same page (same URL, headers and body, answering the next call,
//       so the server does the same work): the SDK's own overhead.
//   (e) a large frame: a push just under the 1 MiB limit whose data is one
//       object of 80,000 keys, then a normal push, both sent by this script
//       (POST /sim/push, one after the other): time from sending the first
//       to the normal one reaching the page's sink (Date.now() on both sides:
//       the same machine's clock), SDK page against the plain-JS page (the
//       floor with the id check), as they are and with the CPU throttled 6x
//       (Emulation.setCPUThrottlingRate, a slow office PC).
//
// Driven over the raw DevTools pipe of tests/compat/cdp.mjs, which never
// enables the Network domain (with it on, Chromium caps an EventSource at
// ~40k messages/s). Pages: tests/bench/pages/, served by a static server here
// at /<tag>/... with the package at /<tag>/pkg/ and `Cache-Control:
// max-age=3600`, so a new tag is a cold HTTP cache and the same tag again a warm one.
//
//   node tests/bench/browser.mjs      (after npm run build, cargo build -p rtv-sim)
// Environment: BENCH_PAGES (5), BENCH_BURSTS per page (5), BENCH_N (20000),
// BENCH_PKG (the package to measure, pkg/), BENCH_CALLS per page (6), BENCH_PARTS (a,c,d,e: the parts to run; (b) comes
// with (a)), BENCH_JSON=1 (also print the raw numbers),
// BENCH_WASM_DELAY (ms the page server holds each .wasm response, 0),
// BENCH_PROFILE=1|floor|load|large (a CPU profile of one SDK burst, one floor
// burst, the first cold load, or the SDK's first large frame; BENCH_PROFILE_LINES=1 adds samples per line; build
// with RTV_NO_MINIFY=1 for readable names), RTV_CHROMIUM (/usr/bin/chromium).

import { createServer } from 'node:http';
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Browser } from '../compat/cdp.mjs';
import { ROOT, isMain } from '../../scripts/lib/proc.mjs';
import { startSim, simBinary } from '../../scripts/lib/sim.mjs';

const PAGES_DIR = path.join(ROOT, 'tests', 'bench', 'pages');
// BENCH_PKG: another built package (e.g. an earlier revision's pkg/) to compare with.
const PKG_DIR = process.env.BENCH_PKG ? path.resolve(process.env.BENCH_PKG) : path.join(ROOT, 'pkg');
const CHROMIUM = process.env.RTV_CHROMIUM || '/usr/bin/chromium';
const WASM_DELAY = Number(process.env.BENCH_WASM_DELAY || 0);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** `/<tag>/pkg/<file>` → pkg/<file>, `/<tag>/<file>` → tests/bench/pages/<file>, cacheable. */
async function startPages() {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let file = null;
    if (parts.length >= 2 && !parts.includes('..')) {
      const [, ...rest] = parts;
      file = rest[0] === 'pkg' ? path.join(PKG_DIR, ...rest.slice(1)) : path.join(PAGES_DIR, ...rest);
    }
    try {
      if (!file) throw new Error('no such file');
      const body = await readFile(file);
      // BENCH_WASM_DELAY=ms: the .wasm arrives that much later, as from a
      // server farther away than localhost (the agent's intranet).
      if (file.endsWith('.wasm') && WASM_DELAY > 0) await sleep(WASM_DELAY);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'max-age=3600',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

const median = (xs) => stats(xs).median;

/** The benchmark run: a simulator, a page server and one headless Chromium. */
class Run {
  constructor(sim, pages, browser) {
    this.sim = sim;
    this.pages = pages;
    this.browser = browser;
    this.exeUrl = sim.exeUrl;
    this.tags = 0;
  }

  async control(p, body) {
    const res = await fetch(`${this.sim.base}sim/${p}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sim/${p} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** The URL of `file` for `account`, under `tag` (a new tag: a cold HTTP cache). */
  url(file, account, tag = 'w') {
    const q = new URLSearchParams({ sim: this.sim.base, exe: this.exeUrl, account });
    return `${this.pages.url}${tag}/${file}?${q}`;
  }

  async open(url) {
    const page = await this.browser.newPage();
    await page.goto(url);
    return page;
  }

  async close(page) {
    await this.browser.send('Target.closeTarget', { targetId: page.targetId }).catch(() => {});
  }

  /** Forced GC (twice, the second one collects what the first one's finalizers freed), then the JS heap in bytes. */
  async heap(page) {
    await page.send('HeapProfiler.collectGarbage');
    await page.send('HeapProfiler.collectGarbage');
    return (await page.send('Runtime.getHeapUsage')).usedSize;
  }

  async waitReady(page) {
    await page.waitFor('window.B && B.marks && B.marks.ready !== undefined || (window.B && B.loadError)', {
      timeout: 20000,
      what: 'STATE_CHANGE ready',
    });
    const err = await page.eval('B.loadError || null');
    if (err) throw new Error(`the SDK did not load: ${err}`);
  }
}

/** (a) + (b): a floor page, a floor-with-ids page and an SDK page per round, `bursts` bursts each. */
async function benchPush(run, { rounds, bursts, n }) {
  const out = { floor: [], ids: [], sdk: [] };
  const onePage = async (kind, i) => {
    const account = `bench-${kind}-${i}`;
    const file = kind === 'sdk' ? 'sdk.html' : 'floor.html';
    const page = await run.open(run.url(file, account) + (kind === 'ids' ? '&ids=1' : ''));
    try {
      if (kind === 'sdk') await run.waitReady(page);
      else await page.waitFor('window.B && B.open', { what: 'the floor EventSource open' });
      const wasm = () => (kind === 'sdk' ? page.eval('__wasmBytes()') : null);
      const row = { account, times: [], heap: [await run.heap(page)], wasm: [await wasm()] };
      for (let b = 0; b < bursts; b++) {
        const want = process.env.BENCH_PROFILE;
        const profile = want && want !== 'load' && kind === (want === 'floor' ? 'floor' : 'sdk') && i === 0 && b === bursts - 1;
        if (profile) {
          await page.send('Profiler.enable');
          await page.send('Profiler.setSamplingInterval', { interval: 50 });
          await page.send('Profiler.start');
        }
        const r = await page.eval(`B.burst(${n})`);
        if (profile) printProfile((await page.send('Profiler.stop')).profile);
        if (r.count !== n) throw new Error(`${kind} page: ${r.count} of ${n} messages`);
        row.times.push(r.last - r.first);
        row.heap.push(await run.heap(page));
        row.wasm.push(await wasm());
        // The log ring is bounded (2,000 entries): full after the first burst of 20,000.
        // Read from the ring's own count: getLogs() would make (and V8 then keep) flat copies of its texts.
        if (kind === 'sdk' && b === 0) row.ringAfterFirst = await page.eval('((B.rtv._real || B.rtv)._logs || {})._count');
      }
      if (kind === 'sdk') row.errors = await page.eval('B.errors');
      out[kind].push(row);
    } finally {
      await run.close(page);
    }
  };
  for (let i = 0; i < rounds; i++) {
    // Alternate which page goes first, so that neither always runs on a warmer machine.
    const order = i % 2 === 0 ? ['floor', 'ids', 'sdk'] : ['sdk', 'ids', 'floor'];
    for (const kind of order) await onePage(kind, i);
  }
  return out;
}

/** BENCH_PROFILE=1 (or =floor, =load): the functions that took the most self time (CPU profile). */
function printProfile(profile, what = 'one burst') {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, k) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(name, (self.get(name) || 0) + (dt[k] || 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`CPU profile of ${what}: ${(total / 1000).toFixed(1)} ms sampled; top self time:`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(1).padStart(7)} ms  ${name}`);
  }
  // BENCH_PROFILE_LINES=1: samples per source line (1-based) of the page's own scripts.
  if (!process.env.BENCH_PROFILE_LINES) return;
  const lines = new Map();
  for (const n of profile.nodes) {
    const file = n.callFrame.url.split('/').pop();
    if (!file.endsWith('.js')) continue;
    for (const t of n.positionTicks || []) {
      const key = `${file}:${t.line}`;
      lines.set(key, (lines.get(key) || 0) + t.ticks);
    }
  }
  console.log('samples per line (BENCH_PROFILE_LINES):');
  for (const [key, ticks] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${String(ticks).padStart(6)}  ${key}`);
  }
}

/** (c): per round, a new tag (cold HTTP cache), then the same tag again (warm), each in a new tab. */
async function benchLoad(run, { rounds }) {
  const rows = { cold: [], warm: [] };
  rows.plain = [];
  for (let i = 0; i < rounds; i++) {
    const tag = `load-${process.pid}-${i}`;
    // The reference: the same links opened by plain JS (a new tag: cold).
    const plain = await run.open(run.url('plain.html', `bench-plain-${i}`, `plain-${process.pid}-${i}`));
    try {
      await run.waitReady(plain);
      const r = await plain.eval(`({
        marks: B.marks,
        session: B.resources('rtv/session/current')[0] || null,
      })`);
      rows.plain.push({
        total: r.marks.ready,
        start: r.marks.start,
        linksUp: r.session ? r.session.startTime : NaN,
      });
    } finally {
      await run.close(plain);
    }
    for (const kind of ['cold', 'warm']) {
      // BENCH_PROFILE=load: a CPU profile of the first cold load, from navigation to
      // `ready` (its times are then not representative).
      const profile = process.env.BENCH_PROFILE === 'load' && kind === 'cold' && i === 0;
      const url = run.url('sdk.html', `bench-load-${kind}-${i}`, tag);
      const page = profile ? await run.browser.newPage() : await run.open(url);
      try {
        if (profile) {
          await page.send('Profiler.enable');
          await page.send('Profiler.setSamplingInterval', { interval: 50 });
          await page.send('Profiler.start');
          await page.goto(url);
        }
        await run.waitReady(page);
        if (profile) printProfile((await page.send('Profiler.stop')).profile, 'a cold load (navigation → ready)');
        const r = await page.eval(`({
          marks: B.marks,
          doc: performance.getEntriesByType('navigation')[0].responseEnd,
          js: B.resources('snk-rt-video-pc.js')[0] || null,
          wasm: B.resources('snk_rt_video_pc_bg.wasm')[0] || null,
          session: B.resources('rtv/session/current')[0] || null,
        })`);
        rows[kind].push({
          wasmReady: r.marks.wasmReady,
          links: r.marks.ready - r.marks.wasmReady,
          total: r.marks.ready,
          docEnd: r.doc,
          jsStart: r.js ? r.js.startTime : NaN,
          wasmStart: r.wasm ? r.wasm.startTime : NaN,
          jsEnd: r.js ? r.js.responseEnd : NaN,
          wasmEnd: r.wasm ? r.wasm.responseEnd : NaN,
          jsBytes: r.js ? r.js.transferSize : NaN,
          wasmBytes: r.wasm ? r.wasm.transferSize : NaN,
          linksUp: r.session ? r.session.startTime : NaN,
        });
      } finally {
        await run.close(page);
      }
    }
  }
  return rows;
}

/**
 * (d): per page, `calls` pairs of calls: one answered through the SDK (timed
 * in the page) and one answered by a bare fetch of the same request (URL,
 * headers, and the SDK's body with that call's sid), so that the server does
 * the same work for both; the order alternates. The SDK only sees the second
 * call ring and end (the simulator hangs it up: 30017).
 */
async function benchAnswer(run, { rounds, calls }) {
  const rows = [];
  for (let i = 0; i < rounds; i++) {
    const account = `bench-answer-${i}`;
    const page = await run.open(run.url('sdk.html', account));
    const js = JSON.stringify;
    const answerUrl = `${run.sim.base}rtv/call/answer`;
    let body = js({ systemCode: 'BENCH', account, sid: 'S-warm-up' });
    const ring = async () => {
      const { sid } = await run.control('call', { account });
      await page.eval(`(B.events = B.events.filter((e) => e.type !== 'STATE_CHANGE'), true)`);
      await page.eval(`B.seen('INCOMING_CALL', 'sid', ${js(sid)}).then(() => true)`);
      return sid;
    };
    const ready = () => page.eval(`B.seen('STATE_CHANGE', 'state', 'ready').then(() => true)`);
    const viaSdk = async () => {
      const sid = await ring();
      const r = await page.eval(`B.answerTimed(${js(sid)})`);
      if (!r.rt) throw new Error('no Resource Timing entry for call/answer');
      const log = await run.control(`log?account=${encodeURIComponent(account)}`);
      const sent = log.filter((e) => e.path === 'rtv/call/answer').pop();
      body = typeof sent.body === 'string' ? sent.body : js(sent.body);
      await page.eval(`(B.events = B.events.filter((e) => e.type !== 'STATE_CHANGE'), true)`);
      await page.eval(`B.rtv.hangUp(${js(sid)}).then(() => true)`);
      await ready();
      return r;
    };
    const bare = async () => {
      const sid = await ring();
      const ms = await page.eval(`B.bareFetch(${js(answerUrl)}, ${js(js({ ...JSON.parse(body), sid }))})`);
      await run.control('hangup', { sid });
      await ready();
      return ms;
    };
    try {
      await run.waitReady(page);
      // Warms the CORS preflight cache for this URL (the timed requests then go without one).
      await page.eval(`B.bareFetch(${js(answerUrl)}, ${js(body)})`);
      await viaSdk(); // learns the SDK's exact body; not counted
      for (let c = 0; c < calls; c++) {
        let r;
        let b;
        if (c % 2 === 0) {
          r = await viaSdk();
          b = await bare();
        } else {
          b = await bare();
          r = await viaSdk();
        }
        const total = r.tBusy - r.tCall;
        rows.push({
          toPost: r.rt.startTime - r.tCall,
          post: r.rt.responseEnd - r.rt.startTime,
          replyToBusy: r.tBusy - r.rt.responseEnd,
          total,
          bare: b,
          overhead: total - b,
        });
      }
    } finally {
      await run.close(page);
    }
  }
  return rows;
}

/** The large frame of (e): `{"msgType":50203,"sid":..,"data":{url, k00000..k79999}}`, under 1,048,576 characters. */
export function largeFrame(keys = 80000) {
  const parts = ['"url":"http://127.0.0.1/large"'];
  for (let i = 0; i < keys; i++) parts.push(`"k${String(i).padStart(5, '0')}":${i % 1000}`);
  const text = `{"msgType":50203,"sid":"S-large","data":{${parts.join(',')}}}`;
  if (text.length >= 1048576) throw new Error(`the large frame has ${text.length} characters, not under the limit`);
  return text;
}

/**
 * (e): per round, a plain-JS page (floor with the id check) and an SDK page
 * (alternating order), each new; per page `pairs` times: the large frame then
 * a normal push, sent from here; the time from sending the large one to the
 * normal one at the page's sink. `rate` > 1: CPU throttled that many times.
 */
async function benchLargeFrame(run, { rounds, pairs = 2, rate = 1 }) {
  const large = largeFrame();
  const out = { plain: [], sdk: [] };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['plain', 'sdk'] : ['sdk', 'plain'];
    for (const kind of order) {
      const account = `bench-large-${kind}-${rate}-${i}`;
      const page = await run.open(run.url(kind === 'sdk' ? 'sdk.html' : 'floor.html', account) + (kind === 'plain' ? '&ids=1' : ''));
      try {
        if (kind === 'sdk') await run.waitReady(page);
        else await page.waitFor('window.B && B.open', { what: 'the floor EventSource open' });
        if (rate > 1) await page.send('Emulation.setCPUThrottlingRate', { rate });
        for (let k = 0; k < pairs; k++) {
          const url = `http://127.0.0.1/normal/${k}`;
          await page.eval(`(B.normalAt = 0, B.watch = function (m) { if (m && m.data && m.data.url === ${JSON.stringify(url)}) B.normalAt = Date.now(); }, true)`);
          const profile = process.env.BENCH_PROFILE === 'large' && kind === 'sdk' && i === 0 && k === 0;
          if (profile) {
            await page.send('Profiler.enable');
            await page.send('Profiler.setSamplingInterval', { interval: 100 });
            await page.send('Profiler.start');
          }
          const t0 = Date.now();
          await run.control('push', { account, raw: large });
          await run.control('push', { account, raw: JSON.stringify({ msgType: 50203, sid: 'S-normal', data: { url } }) });
          await page.waitFor('B.normalAt > 0', { timeout: 60000, what: 'the normal push after the large frame' });
          const t1 = await page.eval('B.normalAt');
          if (profile) printProfile((await page.send('Profiler.stop')).profile, `the large frame and the normal push (CPU ${rate}x)`);
          out[kind].push({ ms: t1 - t0, first: k === 0 });
        }
        if (kind === 'sdk') {
          const errors = await page.eval('B.errors');
          if (Object.keys(errors).length) throw new Error(`SDK page: error callbacks during the large frame: ${JSON.stringify(errors)}`);
        }
      } finally {
        if (rate > 1) await page.send('Emulation.setCPUThrottlingRate', { rate: 1 }).catch(() => {});
        await run.close(page);
      }
    }
  }
  return out;
}

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kib = (x) => (Number.isFinite(x) ? `${(x / 1024).toFixed(0)} KiB` : '–');
const mst = (fmt) => (s, t) => (t ? `${fmt(s.median)} / ${fmt(t.median)} (medians)` : `${fmt(s.median)} / ${fmt(s.min)} / ${fmt(s.max)}`);
const kib2 = (x) => (Number.isFinite(x) ? (x / 1024).toFixed(1) : '–');

/** The numbers of one run as rows `[what, median / min / max]`. */
function summarize(push, load, answer, large, { n }) {
  const rate = (ms) => ((n - 1) * 1000) / ms;
  const floorRates = push.floor.flatMap((p) => p.times.map(rate));
  const sdkRates = push.sdk.flatMap((p) => p.times.map(rate));
  // SDK time / floor time of each round (median burst of each page).
  const ratios = push.sdk.map((p, i) => median(p.times) / median(push.floor[i].times));
  const idsRates = push.ids.flatMap((p) => p.times.map(rate));
  const idsRatios = push.sdk.map((p, i) => median(p.times) / median(push.ids[i].times));
  const idsCost = push.ids.map((p, i) => median(p.times) / median(push.floor[i].times));
  const firstBurst = (xs) => xs[1] - xs[0];
  const perBurst = (xs) => (xs.length > 2 ? (xs[xs.length - 1] - xs[1]) / (xs.length - 2) : NaN);
  // The 2nd burst still warms the engine up (optimized code, feedback: ~4–8 KiB on
  // the floor pages too); from the 3rd on a page is warm and its rings full.
  const secondBurst = (xs) => (xs.length > 2 ? xs[2] - xs[1] : NaN);
  const steady = (xs) => (xs.length > 3 ? (xs[xs.length - 1] - xs[2]) / (xs.length - 3) : NaN);
  const rows = [
    ['(a) floor: bare EventSource + JSON.parse, msg/s', mst(f0)(stats(floorRates))],
    ['(a) SDK: EventSource → wasm → next, msg/s', mst(f0)(stats(sdkRates))],
    ['(a) SDK time / floor time (per page pair)', mst(f2)(stats(ratios))],
    ['(a) floor + id check (SPEC §4.1): also reads lastEventId, msg/s', mst(f0)(stats(idsRates))],
    ['(a) floor + id check time / floor time', mst(f2)(stats(idsCost))],
    ['(a) SDK time / floor + id check time', mst(f2)(stats(idsRatios))],
    ['(b) floor JS heap retained, 1st burst', mst(kib)(stats(push.floor.map((p) => firstBurst(p.heap))))],
    ['(b) floor JS heap retained, each later burst', mst(kib)(stats(push.floor.map((p) => perBurst(p.heap))))],
    ['(b) floor JS heap: 2nd burst / each burst from the 3rd, KiB', mst(kib2)(stats(push.floor.map((p) => secondBurst(p.heap))), stats(push.floor.map((p) => steady(p.heap))))],
    ['(b) SDK JS heap retained, 1st burst (fills the bounded log ring and trace)', mst(kib)(stats(push.sdk.map((p) => firstBurst(p.heap))))],
    ['(b) SDK log ring entries after the 1st burst (full: 2000)', mst(f0)(stats(push.sdk.map((p) => p.ringAfterFirst)))],
    ['(b) SDK JS heap retained, each later burst', mst(kib)(stats(push.sdk.map((p) => perBurst(p.heap))))],
    ['(b) SDK JS heap: 2nd burst / each burst from the 3rd (ring full, warm), KiB', mst(kib2)(stats(push.sdk.map((p) => secondBurst(p.heap))), stats(push.sdk.map((p) => steady(p.heap))))],
    ['(b) SDK wasm memory growth, 1st burst', mst(kib)(stats(push.sdk.map((p) => firstBurst(p.wasm))))],
    ['(b) SDK wasm memory growth, each later burst', mst(kib)(stats(push.sdk.map((p) => perBurst(p.wasm))))],
    ['(b) SDK JS heap after ready (before bursts)', mst(kib)(stats(push.sdk.map((p) => p.heap[0])))],
    ['(b) SDK wasm memory after ready', mst(kib)(stats(push.sdk.map((p) => p.wasm[0])))],
  ];
  const loadRows = [
    ['navigation → page HTML loaded', (r) => r.docEnd],
    ['navigation → .js requested', (r) => r.jsStart],
    ['navigation → .js loaded', (r) => r.jsEnd],
    ['navigation → .wasm requested', (r) => r.wasmStart],
    ['navigation → .wasm loaded', (r) => r.wasmEnd],
    ['.wasm loaded → RtVideo.ready', (r) => r.wasmReady - r.wasmEnd],
    ['navigation → RtVideo.ready (script + wasm)', (r) => r.wasmReady],
    ['RtVideo.ready → STATE_CHANGE ready (links)', (r) => r.links],
    ['  of which: push + EXE opened (session/current requested)', (r) => r.linksUp - r.wasmReady],
    ['  of which: session/current → agent/state ready', (r) => r.total - r.linksUp],
    ['navigation → STATE_CHANGE ready', (r) => r.total],
  ];
  for (const kind of ['cold', 'warm']) {
    for (const [what, f] of loadRows) rows.push([`(c) ${kind}: ${what}, ms`, mst(f1)(stats(load[kind].map(f)))]);
  }
  rows.push(['(c) plain-JS page, same links: navigation → ready, ms', mst(f1)(stats(load.plain.map((r) => r.total)))]);
  rows.push(['(c) plain-JS page: navigation → its script runs, ms', mst(f1)(stats(load.plain.map((r) => r.start)))]);
  rows.push(['(c) plain-JS page: script → ready (links), ms', mst(f1)(stats(load.plain.map((r) => r.total - r.start)))]);
  rows.push([
    '(c) plain-JS page:   of which: push + EXE opened, ms',
    mst(f1)(stats(load.plain.map((r) => r.linksUp - r.start))),
  ]);
  rows.push([
    '(c) SDK cold − plain JS: median navigation → ready, ms',
    f1(median(load.cold.map((r) => r.total)) - median(load.plain.map((r) => r.total))),
  ]);
  rows.push(
    ['(d) answer() → POST issued, ms', mst(f2)(stats(answer.map((r) => r.toPost)))],
    ['(d) the SDK\'s POST (fetch start → responseEnd), ms', mst(f2)(stats(answer.map((r) => r.post)))],
    ['(d) reply (responseEnd) → STATE_CHANGE busy, ms', mst(f2)(stats(answer.map((r) => r.replyToBusy)))],
    ['(d) answer() → STATE_CHANGE busy, ms', mst(f2)(stats(answer.map((r) => r.total)))],
    ['(d) bare fetch of the same POST, ms', mst(f2)(stats(answer.map((r) => r.bare)))],
    [
      '(d) SDK overhead: median(answer() → busy) − median(bare), ms',
      f2(median(answer.map((r) => r.total)) - median(answer.map((r) => r.bare))),
    ],
    ['(d) SDK overhead per pair: (answer() → busy) − bare, ms', mst(f2)(stats(answer.map((r) => r.overhead)))],
  );
  for (const [rate, r] of Object.entries(large)) {
    const cpu = rate === '1' ? '' : `, CPU ${rate}x slower`;
    const ms = (xs) => xs.map((x) => x.ms);
    rows.push(
      [`(e) large frame → normal push at the page, plain JS${cpu}, ms`, mst(f0)(stats(ms(r.plain)))],
      [`(e) large frame → normal push at the page, SDK${cpu}, ms`, mst(f0)(stats(ms(r.sdk)))],
      [`(e) SDK / plain JS (medians)${cpu}`, f2(median(ms(r.sdk)) / median(ms(r.plain)))],
      [
        `(e)   first frame of a page only: plain JS / SDK${cpu}, ms`,
        `${f0(median(ms(r.plain.filter((x) => x.first))))} / ${f0(median(ms(r.sdk.filter((x) => x.first))))}`,
      ],
    );
  }
  return rows;
}

/**
 * Runs every part in one headless Chromium against one simulator; prints a
 * table and resolves with `{ meta, rows, raw }`. Options: pages per part
 * (`pages`), bursts per page (`bursts`), messages per burst (`n`).
 */
export async function benchBrowser({
  pages = Number(process.env.BENCH_PAGES || 5),
  bursts = Number(process.env.BENCH_BURSTS || 5),
  n = Number(process.env.BENCH_N || 20000),
  calls = Number(process.env.BENCH_CALLS || 6),
  parts = new Set((process.env.BENCH_PARTS || 'a,c,d,e').split(',').map((x) => x.trim())),
  print = console.log,
} = {}) {
  for (const f of [path.join(PKG_DIR, 'dist', 'snk-rt-video-pc.js'), simBinary()]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: npm run build && cargo build -p rtv-sim`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (set RTV_CHROMIUM)`);
  const t0 = Date.now();
  const load0 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const sim = await startSim(['--port', '0', '--exe-port', '0', '--www', PAGES_DIR, '--pkg', PKG_DIR], {
    quiet: !process.env.RTV_SIM_VERBOSE,
  });
  const server = await startPages();
  const browser = Browser.launch(CHROMIUM);
  try {
    const run = new Run(sim, server, browser);
    const version = await browser.version();
    const stamp = (await readFile(path.join(PKG_DIR, '.build-stamp'), 'utf8').catch(() => '?')).trim().slice(0, 12);
    print(`headless ${version}, ${os.cpus().length} cores, pkg/ build stamp ${stamp}`);
    print(`${pages} pages per part; (a)/(b) ${bursts} bursts of ${n} per page; (d) ${calls} calls per page`);
    const push = parts.has('a') ? await benchPush(run, { rounds: pages, bursts, n }) : { floor: [], ids: [], sdk: [] };
    const load = parts.has('c') ? await benchLoad(run, { rounds: pages }) : { cold: [], warm: [], plain: [] };
    const answer = parts.has('d') ? await benchAnswer(run, { rounds: pages, calls }) : [];
    const large = {};
    if (parts.has('e')) for (const rate of [1, 6]) large[rate] = await benchLargeFrame(run, { rounds: pages, rate });
    const rows = summarize(push, load, answer, large, { n });
    const width = Math.max(...rows.map((r) => r[0].length));
    print(`${'what'.padEnd(width)}  median / min / max`);
    for (const [what, v] of rows) print(`${what.padEnd(width)}  ${v}`);
    const growth = median(push.sdk.map((p) => (p.heap.length > 3 ? (p.heap[p.heap.length - 1] - p.heap[2]) / (p.heap.length - 3) : NaN)));
    if (growth > 1024) print(`(b) NOTE: the SDK page's JS heap grew ${(growth / 1024).toFixed(1)} KiB per burst from the 3rd (ring full, warm; budget: 0–1 KiB)`);
    const sdkErrors = push.sdk.map((p) => p.errors).filter((e) => Object.keys(e).length);
    if (sdkErrors.length) print(`SDK error callbacks during bursts: ${JSON.stringify(sdkErrors)}`);
    const load1 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
    print(`(${((Date.now() - t0) / 1000).toFixed(1)} s; load average before ${load0}, after ${load1})`);
    return {
      meta: { chromium: version, cores: os.cpus().length, loadavg: [load0, load1], stamp, pages, bursts, n, calls, date: new Date().toISOString() },
      rows,
      raw: { push, load, answer, large },
    };
  } finally {
    // cdp.mjs removes the profile right after the browser exits; a helper
    // process may still be writing to it: then wait a moment and retry.
    await browser.close().catch(async () => {
      await sleep(1000);
      rmSync(browser.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    });
    await server.stop();
    await sim.stop();
    await sleep(0);
  }
}

if (isMain(import.meta.url)) {
  benchBrowser()
    .then((r) => {
      if (process.env.BENCH_JSON) console.log(JSON.stringify(r, null, 1));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
