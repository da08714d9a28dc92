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

/** The tab layer's files as bundle.js inlines them (the npm modules hold the same text). */
export const TAB_FILES = ['support.js', 'logs.js', 'push-reader.js', 'election.js', 'tab-calls.js', 'lifecycle.js', 'tab-page.js', 'tabs.js'];

/** A page: its window and document (event targets), for the lifecycle. */
export function page() {
  const win = new EventTarget();
  const doc = new EventTarget();
  doc.wasDiscarded = false;
  return { win, doc };
}

/**
 * A stand-in for the wasm class (`Real`): what the tab layer uses of it.
 * Calls are answered by `answer(name, arg, real)` of the test (default: a
 * call resolves with its name); `RtVideoFake.made` lists every instance.
 * As the driver does (src/driver.rs), a call made with `__call(name, arg,
 * owner)` keeps its owner until it settles, and `failCalls` reports the
 * failure of calls to `__callError` with their owners, then rejects them.
 */
export function fakeReal(answer = null) {
  class RtVideoFake {
    static __validate(options) {
      return { key: `${options.systemCode}/${options.account}`, multiTab: options.multiTab !== false };
    }
    constructor(options, inner, snap) {
      this.options = options;
      this.inner = inner;
      this.snap = snap;
      this.st = snap ? snap.state : 'disconnected';
      this.calls = [];
      this.pending = []; // {id, owner, resolve, reject}: calls not settled
      this.owner = undefined; // the owner of the call being made
      this.ended = null; // the `offline` of __end
      RtVideoFake.made.push(this);
    }
    state() {
      return this.st;
    }
    __snapshot() {
      return { state: this.st, call: null, lastEventId: null };
    }
    __links() {
      return { push: 'open', exe: 'open' };
    }
    __trace() {
      return {};
    }
    __end(offline) {
      this.ended = offline;
      return Promise.resolve();
    }
    /** Emits an event as the wasm would. */
    emit(type, data) {
      if (type === 'STATE_CHANGE') this.st = data.state;
      this.inner.__event(type, data);
    }
    /** Reports one of the agent's errors as the wasm would (the core's `report`). */
    report(code, msg) {
      this.inner.error({ code, msg });
    }
    __call(name, arg, owner) {
      this.owner = owner;
      try {
        return this[name](arg);
      } finally {
        this.owner = undefined;
      }
    }
    /** A call that settles later (by `failCalls`): its promise, its owner kept. */
    later() {
      const c = { id: this.pending.length, owner: this.owner };
      this.pending.push(c);
      return new Promise((resolve, reject) => Object.assign(c, { resolve, reject }));
    }
    /** The failure of the waiting calls `ids` (default: all): one error naming their owners, then each rejection. */
    failCalls(code, msg, ids = null) {
      const calls = this.pending.filter((c) => c.resolve && (ids === null || ids.includes(c.id)));
      this.inner.__callError({ code, msg }, calls.map((c) => c.owner));
      for (const c of calls) {
        c.reject({ code, msg });
        c.resolve = null;
      }
    }
  }
  RtVideoFake.made = [];
  for (const name of ['rest', 'back', 'answer', 'refuse', 'hangUp', 'snapshot', 'reconnect', 'askChangePerson']) {
    RtVideoFake.prototype[name] = function (arg) {
      this.calls.push([name, arg]);
      if (answer) return answer(name, arg, this);
      return Promise.resolve(name);
    };
  }
  return RtVideoFake;
}

/**
 * A browser profile: tabs (each its own page and script context) on one
 * clock, one BroadcastChannel bus and, unless `noLocks`, one Web Locks.
 */
export class Profile {
  constructor({ noLocks = false, answer = null } = {}) {
    this.clock = new Clock();
    this.bus = new Bus(this.clock);
    this.locks = noLocks ? null : new Locks();
    this.Real = fakeReal(answer);
    this.tabs = [];
  }
  /** Opens a tab with one instance; `rec` collects what its observer got. */
  open(options = {}) {
    const p = page();
    const clock = this.clock;
    class VDate extends Date {
      constructor(...a) {
        if (a.length) super(...a);
        else super(clock.now());
      }
      static now() {
        return clock.now();
      }
    }
    const ctx = load(TAB_FILES, ['RtVideoTab', 'tabCounters'], {
      window: p.win,
      document: p.doc,
      navigator: this.locks ? { locks: this.locks } : {},
      BroadcastChannel: this.bus.channelClass(),
      AbortController,
      Date: VDate,
      setTimeout: (fn, ms) => clock.set(fn, ms),
      clearTimeout: (h) => clock.clear(h),
    });
    const rec = { events: [], errors: [], completes: 0 };
    const observer = {
      next: (ev) => rec.events.push(ev),
      error: (e) => rec.errors.push(e),
      complete: () => (rec.completes += 1),
    };
    const o = { systemCode: 'S', account: 'a1', token: 't', ...options };
    const tab = new ctx.RtVideoTab(this.Real, o, observer, { version: 'test' });
    const t = { tab, rec, page: p, counters: ctx.tabCounters, real: () => tab._real };
    this.tabs.push(t);
    return t;
  }
  /** The tab that runs a wasm instance now. */
  leader() {
    const l = this.tabs.filter((t) => t.tab._role === 'leader');
    if (l.length !== 1) throw new Error(`${l.length} leaders`);
    return l[0];
  }
  /** `pagehide` (the tab closes or enters the back/forward cache). */
  hide(t) {
    t.page.win.dispatchEvent(new Event('pagehide'));
  }
  advance(ms) {
    return this.clock.advance(ms);
  }
}

/** A page event with `persisted` (pageshow). */
export function pageshow(persisted) {
  const e = new Event('pageshow');
  Object.defineProperty(e, 'persisted', { value: persisted });
  return e;
}

/** `p`, or a failure when it has not settled within `ms` of real time (a broken rule must fail its test, not hang the file). */
export function within(p, ms = 1000) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`never settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
