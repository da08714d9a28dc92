// Short soak (the full 10,000-call run is `npm run soak`): calls through one
// page against the simulator; the JS heap and the wasm memory may not grow
// by more than 1 MB after GC, no error may be reported, and the instance
// holds exactly its own links afterwards.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/soak.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak, describe, WARM_UP } from './soak.mjs';

const CALLS = Number(process.env.RTV_SOAK_CALLS || 400);
const LIMIT = 1024 * 1024;

test(`soak: ${CALLS} calls through one page, memory flat`, async () => {
  const r = await runSoak(CALLS);
  console.log(describe(r));
  assert.deepEqual(r.errors, {}, 'no error reported during the soak');
  assert.equal(r.counts.INCOMING_CALL, WARM_UP + CALLS, 'every call rang once');
  assert.ok(r.heapGrowth <= LIMIT, `JS heap grew by ${r.heapGrowth} B`);
  assert.ok(r.wasmGrowth <= LIMIT, `wasm memory grew by ${r.wasmGrowth} B`);
  // One live instance: its push channel and EXE socket, nothing piled up.
  assert.equal(r.counters.eventSources, 1);
  assert.equal(r.counters.webSockets, 1);
  assert.equal(r.counters.instances, 1);
  assert.equal(r.counters.fetches, 0);
});
