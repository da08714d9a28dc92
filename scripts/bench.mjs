// `npm run bench`: the numbers worth watching, printed in one go.
//   1. core timings: `cargo bench -p rtv-core --bench core_bench` (ns/op)
//   2. package size: raw and gzip -9 of every shipped file (builds pkg/ if needed),
//      and the size budget of size-limits.json (printed, not enforced here)
//   3. where the wasm bytes go: `twiggy top -n 15` of the optimized wasm,
//      with function names kept (the shipped file has none, so a profile of
//      it would only list `code[1234]`).
//   4. the SDK in headless Chromium against the simulator (tests/bench/browser.mjs):
//      push throughput against a bare EventSource, memory kept per burst,
//      navigation → ready (cold / warm cache), answer() overhead, a large
//      frame against plain JS; table in docs/benchmarks.md
//   5. tab hand-over times (tests/bench/handover.mjs)
//   6. the EXE link per state of the local network permission, console served
//      from the internet or the intranet (tests/bench/local-network.mjs)
// The long soak test is a separate command (`npm run soak`).

import path from 'node:path';
import { ROOT, capture, logger, probe, run, runMain, secs } from './lib/proc.mjs';
import { budgetSizes, writeSizes } from './lib/sizes.mjs';
import { build } from './build.mjs';
import { namedWasm } from './profile-wasm.mjs';
import { benchBrowser } from '../tests/bench/browser.mjs';
import { benchHandover } from '../tests/bench/handover.mjs';
import { benchLocalNetwork } from '../tests/bench/local-network.mjs';

const log = logger('bench');

function section(title) {
  console.log(`\n==== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

/** twiggy from ~/.cargo/bin; installed from crates.io only when missing. */
async function ensureTwiggy() {
  if (probe('twiggy', ['--version']) !== null) return;
  log('installing twiggy (cargo install twiggy)');
  await run('cargo', ['install', 'twiggy']);
}

async function main() {
  const t0 = Date.now();

  section('core: state machine and codec (cargo bench -p rtv-core --bench core_bench)');
  await run('cargo', ['bench', '-p', 'rtv-core', '--bench', 'core_bench']);

  section('package size (pkg/, raw and gzip -9)');
  await build({ quiet: true });
  writeSizes(path.join(ROOT, 'pkg'));
  for (const [name, { bytes }] of Object.entries(budgetSizes(path.join(ROOT, 'pkg')))) {
    console.log(`budget: ${name} ${bytes} B gzip -9 (limit in size-limits.json; \`npm run size\` checks it)`);
  }

  section('wasm size profile (twiggy top -n 15, optimized, names kept)');
  await ensureTwiggy();
  const file = await namedWasm();
  console.log(await capture('twiggy', ['top', '-n', '15', file]));
  console.log(`(profiled file: ${path.relative(ROOT, file)}; its "name" section is not shipped)`);

  section('the SDK in headless Chromium (tests/bench/browser.mjs)');
  await run('cargo', ['build', '-p', 'rtv-sim']);
  await benchBrowser();

  section('tab hand-over (tests/bench/handover.mjs)');
  await benchHandover();

  section('the EXE link per local network permission (tests/bench/local-network.mjs)');
  await benchLocalNetwork();

  log(`done in ${secs(Date.now() - t0)}; long soak: npm run soak`);
}

runMain('bench', main);
