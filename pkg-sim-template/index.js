// snk-rt-video-pc-sim: the platform simulator of snk-rt-video-pc as a library
// for tests. `startSim()` runs the prebuilt rtv-sim on free 127.0.0.1 ports
// (parallel test files do not collide) and returns a client of its control
// API v1 (SIM-API.md in this package):
//
//   import { startSim } from 'snk-rt-video-pc-sim';
//   const sim = await startSim();
//   const rtVideo = new RtVideo(sim.options('agent1'), observer);   // in the page
//   const sid = await sim.call('agent1', { customer: { name: '张三' } });
//   await sim.fail('rtv/change/ask', { account: 'agent1', code: 400002 });
//   await sim.dropPush('agent1');
//   await sim.closeExe('agent1');
//   await sim.stop();

import { spawn } from 'node:child_process';
import { binaryPath, demoDir } from './lib/binary.js';

/** The control API version this client speaks. */
export const API_VERSION = 1;

const READY = /rtv-sim listening on (http:\/\/\S+?)\/? exe (ws:\/\/\S+)/;
const START_TIMEOUT_MS = 30_000;
const running = new Set();

// A test runner that exits without `stop()` must not leave simulators behind.
process.once('exit', () => {
  for (const child of running) child.kill();
});

/** A control request the simulator refused (4xx/5xx): `status`, `reason` (its `error`). */
export class SimError extends Error {
  constructor(method, path, status, reason) {
    super(`${method} ${path} → ${status}: ${reason}`);
    this.name = 'SimError';
    this.status = status;
    this.reason = reason;
  }
}

function flag(args, name, value) {
  if (value !== undefined && value !== null) args.push(name, String(value));
}

/**
 * Starts a simulator. Options (all optional): `port`, `exePort` (0 = any
 * free port, the default), `host` ('127.0.0.1'), `seed`, `callEvery` (s,
 * scripted customers; off by default), `customers`, `replay` (a trace file),
 * `demo` (serve the demo console at `/`, default true), `args` (more rtv-sim
 * flags), `log` (true: forward rtv-sim's log to stderr; a function: called
 * with each chunk), `binary` (another rtv-sim). Resolves with a `Sim` once it
 * serves requests.
 */
export async function startSim(opts = {}) {
  const args = [];
  flag(args, '--host', opts.host ?? '127.0.0.1');
  flag(args, '--port', opts.port ?? 0);
  flag(args, '--exe-port', opts.exePort ?? 0);
  flag(args, '--seed', opts.seed);
  flag(args, '--call-every', opts.callEvery);
  flag(args, '--customers', opts.customers);
  flag(args, '--replay', opts.replay);
  if (opts.demo !== false) flag(args, '--www', demoDir());
  args.push(...(opts.args || []));
  const bin = opts.binary || binaryPath();

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const log = opts.log === true ? (t) => process.stderr.write(t) : typeof opts.log === 'function' ? opts.log : null;
  let output = '';
  const started = await new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(v);
    };
    const fail = (why) => {
      child.kill();
      finish(reject, new Error(`rtv-sim ${args.join(' ')}: ${why}\n${output.trim()}`));
    };
    const timer = setTimeout(() => fail(`not listening within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const onData = (chunk) => {
      const text = chunk.toString('utf8');
      if (log) log(text);
      if (done) return;
      output += text;
      const m = READY.exec(output);
      if (m) finish(resolve, { platformUrl: m[1], exeUrl: m[2] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => fail(e.message));
    exited.then(({ code, signal }) => fail(`exited before listening (${signal || `exit code ${code}`})`));
  });
  const sim = new Sim(started.platformUrl, started.exeUrl, child, exited);
  const v = await sim.version();
  if (v.api !== API_VERSION) {
    await sim.stop();
    throw new Error(`rtv-sim speaks control API ${v.api}, this client ${API_VERSION}: install matching versions`);
  }
  return sim;
}

/** A running simulator and a client of its control API. */
export class Sim {
  constructor(platformUrl, exeUrl, child = null, exited = Promise.resolve({})) {
    /** `http://127.0.0.1:<port>`: push channel, video and dispatch services, control API, demo. */
    this.platformUrl = platformUrl.replace(/\/$/, '');
    /** `ws://127.0.0.1:<port>/rtv`: the fake EXE. */
    this.exeUrl = exeUrl;
    /** Resolves with `{code, signal}` when the process ends. */
    this.exited = exited;
    this.child = child;
  }

  /** Options for `new RtVideo(...)` that point every link at this simulator. */
  options(account, extra = {}) {
    const u = this.platformUrl;
    return {
      systemCode: 'DEMO',
      account,
      sseServerUrl: `${u}/push-client/`,
      videoServiceUrl: `${u}/rtv/`,
      stateServiceUrl: `${u}/dispatch/`,
      exeUrl: this.exeUrl,
      ...extra,
    };
  }

  /** Any control request: `GET` without a body, else `POST` of JSON. Throws a SimError on 4xx/5xx. */
  async request(method, path, body) {
    const url = `${this.platformUrl}/sim/${path.replace(/^\/+/, '')}`;
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below if it was an error
    }
    if (!res.ok) throw new SimError(method, `/sim/${path}`, res.status, (json && json.error) || text);
    return json;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body = {}) {
    return this.request('POST', path, body);
  }

  /** `{api, sim}`. */
  version() {
    return this.get('version');
  }

  /** A customer calls (`account`: that agent; without it the platform picks a ready one). Resolves with the sid. */
  async call(account, { customer, sid } = {}) {
    const r = await this.post('call', strip({ account, customer, sid }));
    return r.sid;
  }

  /** The customer (30017, default), their network (30019) or the platform (30000) ends the call. */
  hangUp(sid, { msgType } = {}) {
    return this.post('hangup', strip({ sid, msgType }));
  }

  /** Pushes a message to `account`: `{msgType, sid, data}` or `{raw}` (any text); resolves with its push id. */
  async push(account, message) {
    const r = await this.post('push', { account, ...message });
    return r.id;
  }

  /**
   * The next `times` (1) requests on `path` (e.g. 'rtv/change/ask',
   * 'dispatch/agent/state', 'push-client/subscribe') of `account` (any when
   * absent) get a business `code`, an HTTP `status`, a raw `body` and/or wait
   * `delayMs` first.
   */
  fail(path, { account, times, code, status, delayMs, body } = {}) {
    return this.post('fail', strip({ path, account, times, code, status, delayMs, body }));
  }

  /** Push channel of `account` (all when absent): 'drop' | 'stall' | 'reject' | 'error500' | 'wrongType' | 'restore'. */
  pushChannel(account, action) {
    return this.post('push-channel', strip({ account, action }));
  }

  /** Ends the open push streams of `account` (the SDK reconnects and gets what it missed). */
  dropPush(account) {
    return this.pushChannel(account, 'drop');
  }

  /** Keeps the streams open but silent (no message, no ping). */
  stallPush(account) {
    return this.pushChannel(account, 'stall');
  }

  /** Back to normal service after stall / reject / error500 / wrongType. */
  restorePush(account) {
    return this.pushChannel(account, 'restore');
  }

  /** A fake-EXE action for `account` (all when absent); see SIM-API.md. */
  exe(account, action, { code, msg, times } = {}) {
    return this.post('exe', strip({ account, action, code, msg, times }));
  }

  /** The agent quits the EXE: close frame, then no EXE until `restoreExe`. */
  closeExe(account) {
    return this.exe(account, 'close');
  }

  /** The EXE crashes: the socket drops; the next connection is accepted. */
  crashExe(account) {
    return this.exe(account, 'crash');
  }

  /** The EXE runs normally again. */
  restoreExe(account) {
    return this.exe(account, 'restore');
  }

  /** A raw frame from the fake EXE to `account`'s page. */
  exeSend(account, text) {
    return this.post('exe/send', strip({ account, text }));
  }

  /** Open push streams and EXE sockets, subscribes and hellos so far: per account, or `account`'s. */
  links(account) {
    return this.get(account === undefined ? 'links' : `links?account=${encodeURIComponent(account)}`);
  }

  /** Requests the simulator received (all, or `account`'s), oldest first. */
  log(account) {
    return this.get(account === undefined ? 'log' : `log?account=${encodeURIComponent(account)}`);
  }

  clearLog(account) {
    return this.post('log/clear', strip({ account }));
  }

  /** The agents as the platform sees them. */
  agents() {
    return this.get('agents');
  }

  /** The sessions (calls) as the platform sees them. */
  sessions() {
    return this.get('sessions');
  }

  /** Timings (ringTimeoutMs, recordingDelayMs, pingIntervalMs, heartbeatTimeoutMs, maxCallMs): read, or change some. */
  config(timings) {
    return timings === undefined ? this.get('config') : this.post('config', timings);
  }

  /** Tokens answered 401. */
  rejectTokens(tokens) {
    return this.post('auth', { rejectTokens: tokens });
  }

  /** Forgets agents, sessions, buffers, faults, logs and totals (between tests). */
  reset() {
    return this.post('reset');
  }

  /** Stops the simulator (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The object without its undefined fields. */
function strip(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export { binaryPath, platformKey, PLATFORM_PACKAGES } from './lib/binary.js';
