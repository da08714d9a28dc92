// A browser profile in one Node process, in virtual time, for the tab layer's
// unit tests: the template files of pkg-template/ loaded as the script-tag
// build inlines them (one scope, no modules), a clock whose timers run only
// when a test advances it, BroadcastChannels that deliver through that clock,
// and Web Locks with the browser's queueing.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Runs pkg-template's `files` in one new context with `globals`; returns the
 * context, where `names` are readable (top-level `class`/`function`/`var`).
 */
export function load(files, names, globals = {}) {
  const src = files.map((f) => readFileSync(path.join(ROOT, 'pkg-template', f), 'utf8')).join('\n');
  const ctx = vm.createContext({ console, Promise, Object, Array, JSON, Math, ...globals });
  vm.runInContext(`${src}\n;this.__x = { ${names.join(', ')} };`, ctx);
  return ctx.__x;
}

/** Virtual time: `set` timers run when `advance` passes them, in order. */
export class Clock {
  constructor(start = 1000) {
    this.t = start;
    this.timers = new Map();
    this.seq = 0;
  }
  now() {
    return this.t;
  }
  set(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms || 0), fn, id });
    return id;
  }
  clear(id) {
    this.timers.delete(id);
  }
  /** Runs the due timers (and the promise jobs they start) until `ms` have passed. */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      let next = null;
      for (const x of this.timers.values()) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await settle();
  }
  /** The clock as election.js takes it. */
  api() {
    return { now: () => this.now(), set: (fn, ms) => this.set(fn, ms), clear: (h) => this.clear(h) };
  }
  /** `Date` and `setTimeout` for a context of `load` (the group reads the real clock's names). */
  globals() {
    const self = this;
    const D = function () {};
    D.now = () => self.now();
    return { Date: D, setTimeout: (fn, ms) => this.set(fn, ms), clearTimeout: (h) => this.clear(h) };
  }
}

/** Lets pending promise jobs run. */
export async function settle() {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** BroadcastChannels of one origin: a message reaches the other open channels of its name, after `delay` ms. */
export class Bus {
  constructor(clock, delay = 1) {
    this.clock = clock;
    this.delay = delay;
    this.open = new Set();
    this.dropFrom = new Set(); // tab ids whose messages are lost (a silent tab)
    this.log = [];
  }
  /** The BroadcastChannel class for a context of `load`. */
  channelClass() {
    const bus = this;
    return class FakeChannel {
      constructor(name) {
        this.name = name;
        this.onmessage = null;
        bus.open.add(this);
      }
      postMessage(m) {
        if (!bus.open.has(this)) throw new Error('InvalidStateError: the channel is closed');
        const data = JSON.parse(JSON.stringify(m)); // structured clone, near enough
        bus.log.push(data);
        if (data.from !== undefined && bus.dropFrom.has(data.from)) return;
        for (const c of bus.open) {
          if (c === this || c.name !== this.name) continue;
          bus.clock.set(() => {
            if (bus.open.has(c) && c.onmessage) c.onmessage({ data });
          }, bus.delay);
        }
      }
      close() {
        bus.open.delete(this);
      }
    };
  }
}

/** Web Locks (exclusive mode only): one holder per name, then the requests in order. */
export class Locks {
  constructor() {
    this.held = new Map(); // name -> holder
    this.queue = new Map(); // name -> [{cb, resolve, reject, signal}]
    this.grants = [];
  }
  request(name, opts, cb) {
    return new Promise((resolve, reject) => {
      const r = { cb, resolve, reject, signal: opts && opts.signal };
      if (r.signal) {
        r.signal.addEventListener('abort', () => {
          const q = this.queue.get(name) || [];
          const i = q.indexOf(r);
          if (i >= 0) {
            q.splice(i, 1);
            reject(new Error('AbortError'));
          }
        });
      }
      if (!this.queue.has(name)) this.queue.set(name, []);
      this.queue.get(name).push(r);
      this.grant(name);
    });
  }
  grant(name) {
    if (this.held.has(name)) return;
    const q = this.queue.get(name) || [];
    const r = q.shift();
    if (!r) return;
    this.held.set(name, r);
    this.grants.push(name);
    Promise.resolve(r.cb({ name, mode: 'exclusive' })).then(
      (v) => this.free(name, r, () => r.resolve(v)),
      (e) => this.free(name, r, () => r.reject(e)),
    );
  }
  free(name, r, done) {
    if (this.held.get(name) === r) this.held.delete(name);
    done();
    this.grant(name);
  }
}
