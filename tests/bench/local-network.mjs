// Measurement (not a test): what the agent sees in the first 10 s per state of
// the local network permission (SPEC §4.4, D74), and how many EXE connection
// attempts the SDK makes meanwhile, for a console served from the internet
// (HTTPS, public addresses: tests/e2e/support/public-console.mjs) and for an
// intranet console, in headless Chromium against the simulator.
//
//   node tests/bench/local-network.mjs      (after npm run build, cargo build -p rtv-sim)

import { startSim } from '../e2e/support/sim.mjs';
import { startStatic } from '../e2e/support/static.mjs';
import { selfSignedCert } from '../e2e/support/tls.mjs';
import { Harness, fastOptions } from '../e2e/support/harness.mjs';
import { publicConsole } from '../e2e/support/public-console.mjs';
import { isMain } from '../../scripts/lib/proc.mjs';

const WINDOW_MS = 10000;

const CASES = [
  { name: 'internet HTTPS, permission granted', permission: 'granted', server: 'https' },
  { name: 'internet HTTPS, permission denied', permission: 'denied', server: 'https' },
  { name: 'internet HTTPS, not decided (headless: no)', permission: null, server: 'https' },
  { name: 'intranet http, EXE running', permission: null, server: 'http' },
  { name: 'intranet http, EXE not running', permission: null, server: 'http', exeUrl: 'ws://127.0.0.1:9/rtv' },
];

export async function benchLocalNetwork() {
  const sim = await startSim(['--exe-allow-origin', 'https://127.0.0.1:*', '--exe-allow-origin', 'http://127.0.0.1:*']);
  const servers = { https: await startStatic({ tls: selfSignedCert() }), http: await startStatic() };
  const rows = [];
  try {
    for (const [i, c] of CASES.entries()) {
      const { browser, context } = await publicConsole({ https: servers.https, simUrl: sim.url, permission: c.permission });
      try {
        const h = await Harness.open(context, servers[c.server]);
        const extra = c.exeUrl ? { exeUrl: c.exeUrl } : {};
        const t0 = Date.now();
        const id = await h.make(fastOptions(sim, `lna-bench-${i}`, extra));
        await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() - t0)));
        const rec = await h.rec(id);
        const seen = rec.errors.map((e) => e.err.code);
        const ready = rec.events.find((e) => e.type === 'STATE_CHANGE' && e.data.state === 'ready');
        rows.push({
          case: c.name,
          attempts: (await h.webSockets()).length,
          state: await h.state(id),
          errors: seen.length ? [...new Set(seen)].map((s) => `${s}×${seen.filter((x) => x === s).length}`).join(' ') : '-',
          ready: ready ? `${Math.round(ready.t)} ms` : '-',
        });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await servers.https.stop();
    await servers.http.stop();
    await sim.stop();
  }
  console.log(`\nEXE link per local network permission, first ${WINDOW_MS / 1000} s (headless Chromium ${process.env.RTV_CHROMIUM || '/usr/bin/chromium'})`);
  console.log('| case | EXE attempts | state | errors reported | ready after (page time) |');
  console.log('|---|---:|---|---|---:|');
  for (const r of rows) console.log(`| ${r.case} | ${r.attempts} | ${r.state} | ${r.errors} | ${r.ready} |`);
  return rows;
}

if (isMain(import.meta.url)) {
  benchLocalNetwork().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
