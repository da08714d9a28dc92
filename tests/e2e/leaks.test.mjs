// Leak test: `new RtVideo()` then `destroy()` 1000 times in one page (every
// 100th instance first reaches `ready`, the others are destroyed while their
// links are still opening). Afterwards nothing of the SDK may be left: every
// debug counter is zero (listeners, timers, EventSources, WebSockets,
// fetches, instances), the simulator sees no push stream and no EXE socket,
// and the JS heap and the wasm memory are flat after GC.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/leaks.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, launchBrowser, waitFor } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { Harness, fastOptions } from './support/harness.mjs';

const ROUNDS = 1000;
/** Heap growth allowed from the baseline batch to the end: far less than one object per round. */
const HEAP_SLACK = 128 * 1024;
/** Rounds between two garbage collections. */
const BATCH = 100;
/** The batch whose figures are the baseline (the first ones reach the high-water marks). */
const BASE_BATCH = 2;

let sim;
let server;
let browser;

before(async () => {
  sim = await startSim(['--ping-interval', '1']);
  server = await startStatic();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.stop();
});

// channels, lockRequests: the tab group (pkg-template/tabs.js).
const ZERO = { listeners: 0, timers: 0, eventSources: 0, webSockets: 0, fetches: 0, instances: 0, channels: 0, lockRequests: 0 };

/** EXE sockets the simulator holds for `account` (the `restore` action counts them). */
async function exeSockets(account) {
  return (await sim.control('exe', { account, action: 'restore' })).sockets;
}

test(`new RtVideo + destroy() ${ROUNDS} times leaves nothing behind`, async () => {
  const h = await Harness.open(browser.context, server);
  try {
    const account = 'leak-1';
    const options = fastOptions(sim, account);
    // Warm-up: let lazily built things (wasm tables, JIT code, the allocator's
    // first pages) exist before the baseline.
    await h.eval(([o]) => window.H.churn(20, o, 5), [options]);
    await waitFor(
      async () => {
        await h.heapAfterGc();
        return JSON.stringify(await h.counters()) === JSON.stringify(ZERO);
      },
      { what: 'counters zero after warm-up', ms: 15000 },
    );
    await h.eval(() => window.__probes.clear());
    const before = await h.memory();

    // In batches with a GC after each: wasm memory never shrinks, so it
    // must reach its high-water mark early and then stay there (a leak keeps
    // raising it); instances only die at GC (wasm-bindgen finalizers).
    const t0 = Date.now();
    const figures = [before];
    let completes = 0;
    const errors = {};
    for (let b = 0; b < ROUNDS / BATCH; b++) {
      const out = await h.eval(([o, n]) => window.H.churn(n, o, 100), [options, BATCH]);
      completes += out.completes;
      for (const [k, v] of Object.entries(out.errors)) errors[k] = (errors[k] || 0) + v;
      if (b === 0) {
        // destroy() itself released everything but the instances (freed at GC).
        const left = await h.counters();
        assert.deepEqual({ ...left, instances: 0 }, ZERO, `destroy() left resources: ${JSON.stringify(left)}`);
      }
      await h.eval(() => window.__probes.clear());
      await waitFor(
        async () => {
          await h.heapAfterGc();
          return JSON.stringify(await h.counters()) === JSON.stringify(ZERO);
        },
        { what: `counters zero after batch ${b + 1}`, ms: 15000 },
      );
      figures.push(await h.memory());
    }
    const ms = Date.now() - t0;
    assert.equal(completes, ROUNDS, 'complete() once per instance');
    const [base, end] = [figures[BASE_BATCH], figures[figures.length - 1]];
    const heapGrowth = end.heap - base.heap;
    const wasmGrowth = end.wasm - base.wasm;
    console.log(
      `leaks: ${ROUNDS} rounds in ${ms} ms (${(ms / ROUNDS).toFixed(1)} ms/round); after GC, batch by batch: ` +
        `heap ${figures.map((f) => f.heap).join(' ')} B; wasm ${figures.map((f) => f.wasm).join(' ')} B; ` +
        `from batch ${BASE_BATCH} to ${ROUNDS / BATCH}: heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth} B, wasm +${wasmGrowth} B; errors ${JSON.stringify(errors)}`,
    );
    assert.ok(before.wasm > 0, 'the wasm memory probe found the SDK module');
    assert.ok(heapGrowth <= HEAP_SLACK, `JS heap grew by ${heapGrowth} B from batch ${BASE_BATCH} to the end`);
    assert.equal(wasmGrowth, 0, `wasm memory grew by ${wasmGrowth} B from batch ${BASE_BATCH} to the end`);

    // The platform side agrees: no push stream, no EXE socket left open.
    await waitFor(async () => (await sim.control('agents')).find((a) => a.account === account)?.streams === 0, { what: 'no push stream left' });
    await waitFor(async () => (await exeSockets(account)) === 0, { what: 'no EXE socket left' });
    h.assertNoPageErrors();
  } finally {
    await h.close();
  }
});
