// Soak run: N customer calls through one page against the simulator, as
// fast as the links allow (the simulator answers at once, the page answers
// and hangs up each call as soon as it rings). Measures the JS heap and the
// SDK's wasm memory after GC before and after, and the call rate.
//
//   npm run soak                      10,000 calls (prints the figures)
//   node tests/e2e/soak.mjs 2000      another count
//
// tests/e2e/soak.test.mjs runs a short soak with the same code and asserts
// the limits (growth ≤ 1 MB each).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim, launchBrowser } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { Harness, fastOptions } from './support/harness.mjs';

/** Calls run before the baseline, so first-use allocations are not counted as growth. */
export const WARM_UP = 50;
/** Calls between two progress lines / memory samples. */
const CHUNK = 1000;

/**
 * Runs `calls` calls; resolves with the figures
 * `{calls, ms, perSecond, before, after, heapGrowth, wasmGrowth, samples, errors, counts, counters}`.
 * `log`: a function for progress lines (none when absent).
 */
export async function runSoak(calls, { log } = {}) {
  // No recording push after each call: it would only add events to count.
  const sim = await startSim(['--ping-interval', '5', '--recording-delay', '0']);
  const server = await startStatic();
  const browser = await launchBrowser();
  try {
    const h = await Harness.open(browser.context, server);
    const account = 'soak-1';
    const id = await h.make(fastOptions(sim, account), { record: false });
    await h.waitState(id, 'ready');
    await h.eval(([i, u, a, n]) => window.H.soak(i, u, a, n), [id, sim.url, account, WARM_UP]);
    await h.eval(() => window.__probes.clear());
    const before = await h.memory();
    const samples = [];
    let ms = 0;
    let last;
    for (let done = 0; done < calls; ) {
      const n = Math.min(CHUNK, calls - done);
      last = await h.eval(([i, u, a, k]) => window.H.soak(i, u, a, k), [id, sim.url, account, n]);
      ms += last.ms;
      done += n;
      // The simulator keeps every ended session; forget them between chunks.
      await sim.control('reset', {});
      if (done < calls) {
        const m = await h.memory();
        samples.push({ calls: done, ...m });
        log?.(`soak: ${done} calls, ${((done * 1000) / ms).toFixed(0)} calls/s, heap ${m.heap} B, wasm ${m.wasm} B`);
      }
    }
    const after = await h.memory();
    const counters = await h.counters();
    h.assertNoPageErrors();
    await h.destroy(id);
    return {
      calls,
      ms,
      perSecond: (calls * 1000) / ms,
      before,
      after,
      heapGrowth: after.heap - before.heap,
      wasmGrowth: after.wasm - before.wasm,
      samples,
      errors: last.errors,
      counts: last.counts,
      counters,
    };
  } finally {
    await browser.close();
    await server.stop();
    await sim.stop();
  }
}

/** One line of figures. */
export function describe(r) {
  return (
    `soak: ${r.calls} calls in ${(r.ms / 1000).toFixed(1)} s (${r.perSecond.toFixed(0)} calls/s); after GC: ` +
    `heap ${r.before.heap} → ${r.after.heap} B (${r.heapGrowth >= 0 ? '+' : ''}${r.heapGrowth}), ` +
    `wasm ${r.before.wasm} → ${r.after.wasm} B (+${r.wasmGrowth}); errors ${JSON.stringify(r.errors)}; ` +
    `live resources ${JSON.stringify(r.counters)}`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const calls = Number(process.argv[2] || 10000);
  const r = await runSoak(calls, { log: console.log });
  console.log(describe(r));
  const limit = 1024 * 1024;
  const ok = r.heapGrowth <= limit && r.wasmGrowth <= limit && Object.keys(r.errors).length === 0;
  console.log(ok ? 'soak: OK (growth ≤ 1 MB each, no errors)' : 'soak: FAILED (growth over 1 MB or errors)');
  process.exitCode = ok ? 0 : 1;
}
