// Node side of the fault/leak/CSP/soak tests: opens tests/e2e/pages/harness.html
// (served by static.mjs) in headless Chromium and drives RtVideo instances in
// it through window.H, with a CDP session for garbage collection and heap
// figures. Every wait is on a condition, never a fixed sleep.

import { waitFor } from './sim.mjs';

/** How long a condition in the page may take by default. */
const WAIT_MS = 10000;

/** One harness page. */
export class Harness {
  constructor(page, cdp) {
    this.page = page;
    this.cdp = cdp;
    /** Console messages of the page (as Playwright saw them). */
    this.consoleTexts = [];
    /** Uncaught page errors: a page the SDK ran in must have none. */
    this.pageErrors = [];
    page.on('console', (m) => this.consoleTexts.push(m.text()));
    page.on('pageerror', (e) => this.pageErrors.push(String(e && e.stack ? e.stack : e)));
  }

  /**
   * Opens a harness page of `server` (see static.mjs) in `context`.
   * `speed`, `throttle`: see pages/clock.js; `page`: another page file.
   */
  static async open(context, server, { speed = 1, throttle = 0, page: file = 'harness.html' } = {}) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const h = new Harness(page, cdp);
    await h.goto(server, { speed, throttle, file });
    return h;
  }

  /** (Re)loads the page and waits until the SDK's wasm is ready. */
  async goto(server, { speed = 1, throttle = 0, file = 'harness.html' } = {}) {
    const q = new URLSearchParams({ speed: String(speed), throttle: String(throttle) });
    await this.page.goto(`${server.url}${file}?${q}`);
    await this.page.evaluate(() => window.H.ready);
  }

  /** Evaluates `fn(arg)` in the page. */
  eval(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  /** `new RtVideo(options, recorder)` in the page; resolves with the instance id. */
  make(options, opts = {}) {
    return this.eval(([o, p]) => window.H.make(o, p), [options, opts]);
  }

  /** What instance `id` reported so far: `{events, errors, completes, counts, errorCounts}`. */
  rec(id) {
    return this.eval((i) => window.H.rec(i), id);
  }

  /** Runs `method(arg)` on instance `id`; resolves `{ok, value}` or `{ok: false, error}`. */
  call(id, method, arg) {
    return this.eval(([i, m, a]) => window.H.call(i, m, a), [id, method, arg]);
  }

  state(id) {
    return this.eval((i) => window.H.state(i), id);
  }

  destroy(id) {
    return this.eval((i) => window.H.destroy(i), id);
  }

  /** Waits until `state()` of instance `id` is `state`. */
  async waitState(id, state, ms = WAIT_MS) {
    await waitFor(async () => (await this.state(id)) === state, { ms, what: `state ${state} of instance ${id}` });
  }

  /** Waits until instance `id` reported an event matching `pred(ev)`; resolves with it. */
  async waitEvent(id, pred, what = 'event', ms = WAIT_MS) {
    return waitFor(async () => (await this.rec(id)).events.find(pred), { ms, what });
  }

  /** Waits until instance `id` reported an error with `code`; resolves with it. */
  async waitError(id, code, ms = WAIT_MS) {
    return waitFor(async () => (await this.rec(id)).errors.find((e) => e.err.code === code), { ms, what: `error ${code} of instance ${id}` });
  }

  /** `RtVideo.debugCounters()`. */
  counters() {
    return this.eval(() => RtVideo.debugCounters());
  }

  /** Bytes of the SDK's wasm memory (`memory.buffer.byteLength`). */
  wasmBytes() {
    return this.eval(() => window.__probes.wasmBytes());
  }

  /** EventSources the page constructed so far: `[{t, url}]` (t in real ms). */
  eventSources() {
    return this.eval(() => window.__probes.eventSources);
  }

  /** WebSockets the page constructed so far: `[{t, url}]`. */
  webSockets() {
    return this.eval(() => window.__probes.webSockets);
  }

  /** Collects garbage (twice: finalizers may free more) and returns the used JS heap in bytes. */
  async heapAfterGc() {
    for (let i = 0; i < 2; i++) {
      await this.cdp.send('HeapProfiler.collectGarbage');
      // Let FinalizationRegistry callbacks (wasm-bindgen frees objects in them) run.
      await this.eval(() => new Promise((r) => window.__clock.realSetTimeout(r, 0)));
    }
    const { usedSize } = await this.cdp.send('Runtime.getHeapUsage');
    return usedSize;
  }

  /** `{heap, wasm}` after garbage collection. */
  async memory() {
    const heap = await this.heapAfterGc();
    return { heap, wasm: await this.wasmBytes() };
  }

  /** Fails when the page threw an uncaught error. */
  assertNoPageErrors() {
    if (this.pageErrors.length) throw new Error(`uncaught errors in the page:\n${this.pageErrors.join('\n')}`);
  }

  async close() {
    await this.page.close().catch(() => {});
  }
}

/** Instance options pointing at `sim` for `account`, quiet console (`logLevel: 'silent'`) unless overridden. */
export function fastOptions(sim, account, extra = {}) {
  return sim.options(account, { logLevel: 'silent', ...extra });
}
