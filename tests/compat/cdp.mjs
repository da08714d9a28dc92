// A small Chrome DevTools Protocol client over --remote-debugging-pipe (file
// descriptors 3 and 4, messages as JSON ended by NUL): no WebSocket library,
// and old enough for the engines of the compatibility tests (Chromium 72+),
// whose protocol Playwright no longer speaks.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Flags for a headless engine on this machine (root, no GPU, closed network). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--remote-debugging-pipe',
];

export class Browser {
  /** Starts `exe` headless with its own profile. */
  static launch(exe, extraFlags = []) {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'rtv-compat-'));
    const child = spawn(exe, [...FLAGS, `--user-data-dir=${profile}`, ...extraFlags, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    return new Browser(child, profile);
  }

  constructor(child, profile) {
    this.child = child;
    this.profile = profile;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.stderr = '';
    this.exited = new Promise((resolve) => child.on('exit', resolve));
    child.stderr.on('data', (c) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-8000);
    });
    let buf = Buffer.alloc(0);
    child.stdio[4].on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (let end = buf.indexOf(0); end >= 0; end = buf.indexOf(0)) {
        const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + 1);
        this.dispatch(msg);
      }
    });
    this.exited.then(() => {
      for (const { reject, method } of this.pending.values()) reject(new Error(`browser exited during ${method}`));
      this.pending.clear();
    });
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  /** Sends one command (to a page when `sessionId` is given); resolves with its result. */
  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(`${JSON.stringify(msg)}\0`);
    });
  }

  /** The browser's version string, e.g. "HeadlessChrome/80.0.3987.0". */
  async version() {
    return (await this.send('Browser.getVersion')).product;
  }

  /** Opens a page (flat session) and returns it. */
  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId, targetId);
    await page.send('Runtime.enable');
    await page.send('Page.enable');
    return page;
  }

  async close() {
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      // exited already
    }
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
    // Helper processes may still write to the profile for a moment; what
    // is left then goes with the test command's cleanup step (rtv-compat-*).
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // not a test failure
    }
  }
}

export class Page {
  constructor(browser, sessionId, targetId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.targetId = targetId;
    this.console = [];
    this.exceptions = [];
    browser.listeners.add((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Runtime.consoleAPICalled') {
        this.console.push(`${msg.params.type}: ${msg.params.args.map((a) => a.value ?? a.description).join(' ')}`);
      } else if (msg.method === 'Runtime.exceptionThrown') {
        const d = msg.params.exceptionDetails;
        this.exceptions.push((d.exception && d.exception.description) || d.text);
      }
    });
  }

  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url) {
    await this.send('Page.navigate', { url });
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`page threw: ${(d.exception && d.exception.description) || d.text}`);
    }
    return r.result.value;
  }

  /** Polls `expression` until it is truthy; returns its value. */
  async waitFor(expression, { timeout = 15000, what = expression } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      let v;
      try {
        v = await this.eval(expression);
      } catch (e) {
        // The page may be between documents while it navigates.
        if (!/Execution context|Cannot find context|page threw/.test(e.message)) throw e;
      }
      if (v) return v;
      if (Date.now() > until) {
        throw new Error(`timed out waiting for ${what}\nconsole:\n${this.console.join('\n')}\nexceptions:\n${this.exceptions.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
