// Benchmark (not a test): how long a follower tab takes to lead after the
// leading tab of an agent closes, over N repetitions in headless Chromium
// against the simulator:
//   close → the simulator sees the new subscription
//   close → the new leader's EXE `hello`
//   close → the follower page receives the next event (an IMAGE pushed right
//           after the close, while no tab leads; the new leader replays it
//           after the last id the tabs saw)
// Times in ms from Node (polling every 5 ms), median / max.
//
//   node tests/bench/handover.mjs [N=20]      (after npm run build, cargo build -p rtv-sim)

import { launchBrowser, startSim } from '../e2e/support/sim.mjs';
import { startStatic } from '../e2e/support/static.mjs';
import { Harness, fastOptions } from '../e2e/support/harness.mjs';
import { isMain } from '../../scripts/lib/proc.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`hand-over did not finish in time: ${what()}`);
    await sleep(5);
  }
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], max: s[s.length - 1], min: s[0] };
}

export async function benchHandover(n = 20) {
  const sim = await startSim();
  const server = await startStatic();
  const browser = await launchBrowser();
  const rows = { subscription: [], exeHello: [], nextEvent: [] };
  try {
    for (let i = 0; i < n; i++) {
      const account = `bench-handover-${i}`;
      const o = fastOptions(sim, account);
      const open = async () => {
        const h = await Harness.open(browser.context, server);
        return { h, id: await h.make(o) };
      };
      const leader = await open();
      await leader.h.waitState(leader.id, 'ready');
      const follower = await open();
      await follower.h.waitState(follower.id, 'ready');
      // One push delivered first: the id the new leader resumes after (with
      // no id at all, SPEC §4.1 lets a subscription start with new messages only).
      await sim.control('push', { account, msgType: 50203, sid: 'S-bench', data: { url: 'http://127.0.0.1/r.mp4' } });
      await follower.h.waitEvent(follower.id, (e) => e.type === 'VIDEOTAPE', 'VIDEOTAPE');
      const links = async () => (await sim.control(`links?account=${account}`)) || {};
      const before = await links();
      const t0 = Date.now();
      await leader.h.close();
      await sim.control('push', { account, msgType: 50204, sid: 'S-bench', data: { url: `http://127.0.0.1/${i}.png` } });
      const marks = {};
      await until(async () => {
        const l = await links();
        const now = Date.now() - t0;
        if (marks.subscription === undefined && l.subscribesTotal > before.subscribesTotal && l.subscriptions === 1) marks.subscription = now;
        if (marks.exeHello === undefined && l.exeHellos > before.exeHellos) marks.exeHello = now;
        if (marks.nextEvent === undefined) {
          const rec = await follower.h.rec(follower.id);
          if (rec.events.some((e) => e.type === 'IMAGE')) marks.nextEvent = Date.now() - t0;
        }
        return Object.keys(marks).length === 3;
      }, () => JSON.stringify(marks));
      for (const k of Object.keys(rows)) rows[k].push(marks[k]);
      await follower.h.close();
    }
  } finally {
    await browser.close();
    await server.stop();
    await sim.stop();
  }
  console.log(`tab hand-over, ${n} repetitions (ms from closing the leading tab; median / min / max):`);
  for (const [k, xs] of Object.entries(rows)) {
    const s = stats(xs);
    console.log(`  ${k.padEnd(14)} ${String(s.median).padStart(5)} / ${String(s.min).padStart(5)} / ${String(s.max).padStart(5)}`);
  }
  return rows;
}

if (isMain(import.meta.url)) {
  benchHandover(Number(process.argv[2] || 20)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
