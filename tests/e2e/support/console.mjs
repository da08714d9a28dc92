// Page helpers of the end-to-end tests: open the agent console (www-demo)
// for one account against a running simulator, wait for what the agent sees
// (state badge, ringing card, call panel, toasts), and save screenshots.
//
// Everything waits on a condition in the page (Playwright locators), never on
// a fixed sleep, so the tests are as fast as the product and not flaky.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OUT_DIR, waitFor } from './sim.mjs';

/** Where screenshots go: test-results/screenshots/<name>.png. */
export const SHOT_DIR = path.join(OUT_DIR, 'screenshots');

/** How long a page condition may take (the SDK reacts in well under a second). */
const WAIT_MS = 10000;

/**
 * URL of the console for `account`, pointing every SDK service at `sim`.
 * `query`: more query parameters (httpTimeout, gracePeriod, ...).
 */
export function consoleUrl(sim, account, { autologin = true, query = {} } = {}) {
  const o = sim.options(account);
  const q = new URLSearchParams({
    account,
    systemCode: o.systemCode,
    sseServerUrl: o.sseServerUrl,
    videoServiceUrl: o.videoServiceUrl,
    stateServiceUrl: o.stateServiceUrl,
    exeUrl: o.exeUrl,
    ...query,
  });
  if (autologin) q.set('autologin', '1');
  return `${sim.url}?${q}`;
}

/**
 * Read-only test hook, run in the console page before its scripts: the demo
 * keeps its RtVideo instance to itself (a webpack module), so the page's
 * instances are caught as they are constructed (the instance assigns its
 * `_Real` field first thing; an inherited setter on Object.prototype sees it,
 * turns it into an ordinary own field, and remembers the object). Nothing
 * the SDK or the demo does changes. `window.__rtvInstances` lists them.
 */
function installInstanceHook() {
  const list = [];
  Object.defineProperty(window, '__rtvInstances', { value: list });
  Object.defineProperty(Object.prototype, '_Real', {
    configurable: true,
    get() {
      return undefined;
    },
    set(v) {
      Object.defineProperty(this, '_Real', { value: v, writable: true, configurable: true, enumerable: true });
      if (typeof this.state === 'function') list.push(this);
    },
  });
}

/** One agent's console page. */
export class Agent {
  constructor(page, account) {
    this.page = page;
    this.account = account;
    /** Uncaught page errors: a finished console has none. */
    this.pageErrors = [];
    page.setDefaultTimeout(WAIT_MS);
    // Before any navigation of the caller: Playwright sends its calls in order.
    this.hooked = page.addInitScript(installInstanceHook);
    page.on('pageerror', (e) => this.pageErrors.push(String(e && e.stack ? e.stack : e)));
  }

  /** The element with `data-testid=id` (a Playwright locator). */
  el(id) {
    return this.page.getByTestId(id);
  }

  async click(id) {
    await this.el(id).click({ timeout: WAIT_MS });
  }

  /**
   * Waits until the state badge shows `state` (ready, leave, wait, busy,
   * disconnected), then checks that the instance's own `state()` agrees.
   */
  async expectState(state, ms = WAIT_MS) {
    await this.page.locator(`[data-testid="state-badge"][data-state="${state}"]`).waitFor({ timeout: ms });
    await this.assertSdkState();
  }

  /**
   * `state()` of the page's (newest) RtVideo instance, read through the
   * test hook; throws when the hook caught no instance.
   */
  async sdkState() {
    const s = await this.page.evaluate(() => {
      const list = window.__rtvInstances || [];
      const inst = list[list.length - 1];
      return inst ? inst.state() : null;
    });
    if (s === null) throw new Error(`${this.account}: the test hook caught no RtVideo instance (did the SDK's constructor change?)`);
    return s;
  }

  /**
   * Fails unless the badge and `state()` agree. Both are read in one page
   * evaluation; the badge follows STATE_CHANGE events, which the SDK emits
   * after its state changed, so they are given a moment to line up.
   */
  async assertSdkState() {
    let last;
    await waitFor(
      async () => {
        last = await this.page.evaluate(() => {
          const list = window.__rtvInstances || [];
          const inst = list[list.length - 1];
          const badge = document.querySelector('[data-testid="state-badge"]');
          return { sdk: inst ? inst.state() : null, badge: badge && badge.getAttribute('data-state') };
        });
        if (last.sdk === null) throw new Error('the test hook caught no RtVideo instance (did the SDK\'s constructor change?)');
        return last.sdk === last.badge;
      },
      { ms: 2000, what: `${this.account}: state() to agree with the badge` },
    ).catch((e) => {
      throw new Error(`${this.account}: state() is ${JSON.stringify(last && last.sdk)} but the badge shows ${JSON.stringify(last && last.badge)} (${e.message})`);
    });
  }

  /** The state the badge shows now. */
  state() {
    return this.el('state-badge').getAttribute('data-state');
  }

  /** Waits until the ringing card shows `kind` (call, transfer, add) for `sid`. */
  async expectRinging(kind, sid) {
    await this.expectState('wait');
    await this.page.locator(`[data-testid="ring-card"][data-kind="${kind}"]`).waitFor({ timeout: WAIT_MS });
    if (sid) await this.expectText('ring-sid', sid);
  }

  /** Waits until the call panel shows `sid` with `role` (owner, participant). */
  async expectInCall(sid, role = 'owner') {
    await this.expectState('busy');
    await this.el('call-panel').waitFor({ timeout: WAIT_MS });
    await this.expectText('call-sid', sid);
    await this.page.locator(`[data-testid="call-role"][data-role="${role}"]`).waitFor({ timeout: WAIT_MS });
  }

  /** Waits until the element `id` holds exactly `text`. */
  async expectText(id, text) {
    const loc = this.el(id);
    await waitFor(async () => (await loc.textContent()) === text, { ms: WAIT_MS, what: `${id} to read ${JSON.stringify(text)} on ${this.account}` });
  }

  /** Waits for a visible toast containing `text`; resolves with its locator. */
  async expectToast(text) {
    const loc = this.page.locator('[data-testid="toast"]', { hasText: text }).first();
    await loc.waitFor({ timeout: WAIT_MS });
    return loc;
  }

  /** Event types in the console's event log, oldest first. */
  async loggedEvents() {
    const types = await this.page.locator('[data-testid="log-entry"]').evaluateAll((els) => els.map((e) => ({ type: e.dataset.type, data: e.querySelector('.log-data')?.textContent || '' })));
    return types.reverse();
  }

  /** Waits until the event log holds an entry of `type` whose data contains `text`. */
  async expectLogged(type, text = '') {
    await waitFor(async () => (await this.loggedEvents()).some((e) => e.type === type && e.data.includes(text)), {
      ms: WAIT_MS,
      what: `event ${type} ${text} on ${this.account}`,
    });
  }

  /** Picks colleague `account` in the transfer or add picker (`transfer-target` / `add-target`). */
  async pick(pickerId, account) {
    const picker = this.el(pickerId);
    const tag = await picker.evaluate((e) => e.tagName);
    if (tag === 'SELECT') {
      // The list comes from the simulator's agent list: wait until it names the colleague.
      await this.page.locator(`[data-testid="${pickerId}"] option[value="${account}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
      await picker.selectOption(account);
    } else {
      await picker.fill(account);
    }
  }

  /** Saves a screenshot of the whole page as test-results/screenshots/<name>.png. */
  async shot(name) {
    mkdirSync(SHOT_DIR, { recursive: true });
    // Let toasts finish their entry animation so the picture is stable.
    // (Only finite ones: the ringing pulse and the spinners loop forever.)
    await this.page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
          .map((a) => a.finished.catch(() => {})),
      ),
    );
    await this.page.screenshot({ path: path.join(SHOT_DIR, `${name}.png`) });
  }

  /**
   * Fails unless the STATE_CHANGE events in the log form one chain: each
   * `from` is the state before, no change repeats a state (SPEC §2: every
   * change reported once, none for the initial `disconnected`).
   */
  async assertStateChain() {
    let prev = 'disconnected';
    for (const e of await this.loggedEvents()) {
      if (e.type !== 'STATE_CHANGE') continue;
      const { state, from } = JSON.parse(e.data);
      assert.equal(from, prev, `${this.account}: STATE_CHANGE ${e.data} after ${prev}`);
      assert.notEqual(state, from, `${this.account}: STATE_CHANGE to the same state ${e.data}`);
      prev = state;
    }
    assert.equal(prev, await this.state(), `${this.account}: the badge shows the last reported state`);
    assert.equal(prev, await this.sdkState(), `${this.account}: state() is the last reported state`);
  }

  /** Fails when the SDK reported an `error` (the console logs them as `ERROR <code>`). */
  async assertNoSdkErrors() {
    const errors = (await this.loggedEvents()).filter((e) => e.type.startsWith('ERROR'));
    assert.deepEqual(errors, [], `${this.account}: the SDK reported errors in a normal flow`);
  }

  /** Fails when the page threw an uncaught error. */
  assertNoPageErrors() {
    if (this.pageErrors.length) throw new Error(`uncaught errors on ${this.account}'s page:\n${this.pageErrors.join('\n')}`);
  }

  async close() {
    // runBeforeUnload: the page unloads like a closed tab (the SDK reports `offline`).
    await this.page.close({ runBeforeUnload: true }).catch(() => {});
  }
}

/**
 * Opens the console for `account` in a new page of `context` and waits until
 * the agent is `ready` (or `expect`, e.g. 'busy' after a recovery; null = do not wait).
 */
export async function openConsole(context, sim, account, { expect = 'ready', query } = {}) {
  const page = await context.newPage();
  const agent = new Agent(page, account);
  await agent.hooked;
  await page.goto(consoleUrl(sim, account, { query }));
  if (expect) await agent.expectState(expect);
  return agent;
}

/** Opens consoles for several accounts, one after the other (each sees the ones before it). */
export async function openConsoles(context, sim, accounts) {
  const out = [];
  for (const a of accounts) out.push(await openConsole(context, sim, a));
  return out;
}

/** The simulator's session `sid` (GET /sim/sessions), or undefined. */
export async function session(sim, sid) {
  const list = await sim.control('sessions');
  return list.find((s) => s.sid === sid);
}

/** Places a customer call to `account` and waits until its console rings. Resolves with the sid. */
export async function ringCall(sim, agent, customer) {
  const { sid } = await sim.control('call', customer ? { account: agent.account, customer } : { account: agent.account });
  await agent.expectRinging('call', sid);
  return sid;
}

/** Places a call to `agent`, answers it in the page, waits until busy. Resolves with the sid. */
export async function answeredCall(sim, agent, customer) {
  const sid = await ringCall(sim, agent, customer);
  await agent.click('answer');
  await agent.expectInCall(sid, 'owner');
  await waitFor(async () => (await session(sim, sid))?.owner === agent.account, { what: `${sid} owned by ${agent.account}` });
  return sid;
}

/** Ends every call the simulator still has (so nothing rings in the next test). */
export async function endAllCalls(sim) {
  const list = await sim.control('sessions');
  for (const s of list) {
    if (s.phase === 'ended') continue;
    await sim.control('hangup', { sid: s.sid, msgType: 30000 }).catch(() => {});
  }
}

/**
 * Opens a console per account (in order), runs `fn(...agents)`, then checks
 * that no page threw, closes the pages and ends any call left over.
 */
export async function withConsoles(context, sim, accounts, fn) {
  const agents = [];
  try {
    for (const a of accounts) agents.push(await openConsole(context, sim, a));
    await fn(...agents);
    for (const a of agents) {
      a.assertNoPageErrors();
      await a.assertStateChain();
      await a.assertNoSdkErrors();
    }
  } finally {
    for (const a of agents) await a.close();
    await endAllCalls(sim);
  }
}
