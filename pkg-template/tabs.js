// One agent, many tabs (docs/DECISIONS.md D46–D50): every RtVideo of the same
// systemCode + account in one browser profile joins one group; the leader
// (Web Locks; a BroadcastChannel election where the page has no Web Locks)
// runs the wasm instance with the push channel, the EXE link, heartbeats and
// presence; the others follow over a BroadcastChannel: they get every `next`
// and `error`, their `state()` is the leader's, and their method calls run on
// the leader. When the leader goes, a follower takes over from the last
// snapshot the leader sent (state, call, last push id) without a state change.
// The page lifecycle is handled here too: `pagehide`/`freeze` ends the wasm
// instance (offline only when no other tab of the agent remains) and frees the
// lock and the channel, so the page stays eligible for the back/forward cache;
// `pageshow` (persisted)/`resume` rejoins and re-syncs as after an outage.
//
// Every tab keeps its own log ring (logs.js): what its page saw, its calls,
// and the SDK's lines (the leader's, sent to the followers too).
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as tabs.js of the npm package (imported by index.js),
// like support.js and logs.js, whose sdkError() and LogRing it uses.

// Memory Saver discarded the page and this is the load that followed (issue 18).
var TAB_DISCARDED =
  'this page was discarded by the browser to save memory and loaded again: calls offered meanwhile were missed ' +
  '(本页曾被浏览器丢弃以节省内存, 期间的来电会漏接); administrators can exempt the console with the policy TabDiscardingExceptions';

var TAB_BEAT_MS = 1000; // BroadcastChannel election: leader heartbeat
var TAB_SILENT_MS = 2500; // ... a leader silent this long is gone
var TAB_CLAIM_MS = 250; // ... how long a claim waits for a better one
var tabCounters = { channels: 0, lockRequests: 0 };

// ---- the push reader ----
// (docs/DECISIONS.md D66) The wasm side calls it once per
// `message` event instead of reading the parsed message member by member
// across the boundary. It parses `text` and reports what the core's checks
// need in `f`, six numbers in wasm memory (`st`: {m: the wasm memory, p: the
// address, f: their Float64Array view, remade when the memory grew, n: the
// length limit: longer texts are not parsed}): f[0] the bits of
// core/src/facts.rs, f[1] msgType, f[2] the event id (-1 none, -2 not a
// short decimal: read by the caller), f[3] the text's length, f[5] the
// event's timeStamp. Returns the event payload: `data` (a new {} when absent or
// null) with the message's sid and msgType set on it, or undefined when the
// message is not an object or its data is not one. It only reads: every
// check and every decision stays in the core, and the browser unit tests
// (src/web/sse.rs) hold it to the core's own reading (PushFacts::read).
var PUSH_ID = /^(?:0|[1-9][0-9]{0,14})$/;

function isPlainObject(x) {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function readPush(text, ev, st) {
  var f = st.f;
  if (f === null || f.buffer !== st.m.buffer) f = st.f = new Float64Array(st.m.buffer, st.p, 6);
  var id = ev.lastEventId;
  f[2] = id === '' ? -1 : PUSH_ID.test(id) ? +id : -2;
  f[5] = ev.timeStamp;
  f[0] = 0;
  f[1] = 0;
  f[3] = typeof text === 'string' ? text.length : 0;
  if (f[3] > st.n || typeof text !== 'string') return undefined;
  var v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return undefined;
  }
  var bits = 1;
  if (!isPlainObject(v)) {
    f[0] = bits;
    return undefined;
  }
  bits |= 2;
  var t = v.msgType;
  if (t != null) {
    bits |= 4;
    if (typeof t === 'number') {
      bits |= 8;
      f[1] = t;
    }
  }
  var sid = v.sid;
  if (typeof sid === 'string' && sid !== '') bits |= 16;
  var d = v.data;
  if (d == null) {
    bits |= 32;
    d = {};
  } else if (isPlainObject(d)) {
    bits |= 64;
    if (isPlainObject(d.streams)) bits |= 128;
    if (typeof d.url === 'string') bits |= 256;
    if (typeof d.from === 'string') bits |= 512;
    if (typeof d.newer === 'string') bits |= 1024;
  } else {
    f[0] = bits;
    return undefined;
  }
  d.sid = sid;
  d.msgType = t;
  f[0] = bits;
  return d;
}
// ---- end of the push reader ----

function tabPlain(e) {
  // Errors cross the channel as plain objects (an Error thrown by a page
  // bug, say, would not clone on engines before Chromium 77).
  if (!e || typeof e !== 'object') return { code: 'INTERNAL', msg: String(e) };
  var o = {};
  Object.keys(e).forEach(function (k) {
    o[k] = e[k];
  });
  if (o.code === undefined) o.code = 'INTERNAL';
  if (o.msg === undefined) o.msg = String(e.message || e);
  return o;
}

function tabCall(observer, name, arg) {
  var f = observer && observer[name];
  if (typeof f !== 'function') return;
  try {
    f.call(observer, arg);
  } catch (e) {
    if (typeof console !== 'undefined') console.error('[RtVideo] observer.' + name + ' threw', e);
  }
}

/** The instances of this page (for the self-check: preflight.js `tabLinksHere`). */
var tabLive = new Set();

/** The links of the instance of group `name` that leads from this page, or null. */
function tabLinksHere(name) {
  for (const t of tabLive) {
    if (t._name === name && t._role === 'leader' && t._real) return t._real.__links();
  }
  return null;
}

/** The lock and channel name of an agent's tab group (`key`: `__validate`'s). */
function tabGroup(key) {
  return 'rtvideo:' + key;
}

/** An instance runs alone: `multiTab: false`, or no BroadcastChannel here. */
function tabSolo(multiTab) {
  return !multiTab || typeof BroadcastChannel === 'undefined';
}

/** Web Locks, when the page has them (not on plain-http pages). */
function tabLocks() {
  return typeof navigator !== 'undefined' && navigator.locks && navigator.locks.request ? navigator.locks : null;
}

function tabHandled(p) {
  p.catch(function () {});
  return p;
}

/** The public instance: a leader, a follower, or (multiTab: false / no channel) alone. */
class RtVideoTab {
  /**
   * `meta`: `{version}` of the package, and in the script-tag build `early`:
   * the links its loader opened before the wasm was ready (early.js).
   */
  constructor(Real, options, observer, meta) {
    // Throws like the wasm constructor (naming the field) before anything starts.
    var info = Real.__validate(options, observer);
    this._version = (meta && meta.version) || '';
    this._logs = new LogRing(options);
    this._Real = Real;
    this._options = options;
    this._observer = observer;
    this._id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this._born = Date.now();
    this._name = tabGroup(info.key);
    this._role = 'candidate'; // candidate | leader | follower | hidden | ended
    this._real = null;
    this._state = 'disconnected';
    this._snap = null; // what a take-over adopts: the leader's last snapshot
    this._ring = null; // leader: the event that made the current call ring
    this._followers = {}; // leader: tab id -> true
    this._leader = null; // follower: the leader's tab id
    this._calls = {}; // follower: call number -> {resolve, reject, name, arg, sent}
    this._n = 0;
    this._channel = null;
    this._lockAbort = null;
    this._release = null;
    this._timer = null;
    this._heard = 0; // BroadcastChannel election: last time the leader was heard
    this._claiming = false; // ... a claim of ours is out
    this._ending = false; // ending the wasm instance: its events stay here
    this._quiet = false; // ... and do not reach the page either
    this._solo = tabSolo(info.multiTab);
    this._locks = this._solo ? null : tabLocks();
    var self = this;
    this._onHide = function () {
      self._hide();
    };
    this._onShow = function (ev) {
      if (!ev || ev.type === 'resume' || ev.persisted) self._show();
    };
    window.addEventListener('pagehide', this._onHide);
    window.addEventListener('pageshow', this._onShow);
    document.addEventListener('freeze', this._onHide);
    document.addEventListener('resume', this._onShow);
    this._logs.add('info', 'RtVideo ' + this._version + ' for ' + info.key + (this._solo ? ' (one instance per page)' : ''));
    if (typeof document !== 'undefined' && document.wasDiscarded) this._logs.add('warn', TAB_DISCARDED);
    tabLive.add(this);
    // What the loader started before the wasm was ready (early.js): the
    // group's lock request, which `_join` takes over, and the links it opened
    // once it held the lock, which `_lead` hands to the instance. Another
    // group's (cannot happen with the same options): closed.
    var early = meta && meta.early;
    this._early = early && early.group === this._name ? early : null;
    if (early && !this._early) early.end();
    this._join();
  }

  // ---- support logs (logs.js) ----

  /** The log ring as text, one entry per line (ISO time, level, message). */
  getLogs() {
    return this._logs.text();
  }

  /** The same text as a file, after a header (version, account, browser, options without secrets). */
  exportLogs() {
    return new Blob([this._logs.header(this._version, this._options) + this._logs.text()], { type: 'text/plain;charset=utf-8' });
  }

  /** Saves `exportLogs()` as a file; returns its name. */
  downloadLogs(filename) {
    var name = typeof filename === 'string' && filename ? filename : logFileName(this._options && this._options.account);
    var url = URL.createObjectURL(this.exportLogs());
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    (document.body || document.documentElement).appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
    return name;
  }

  /**
   * The trace of the wasm instance this tab runs (schema rtv-trace/1,
   * docs/TRACE.md): the core's inputs with their times, for
   * `cargo run -p rtv-core --example replay`, customers masked unless
   * `logPersonalData`. `null` in a tab that does not lead (the leading tab
   * holds the links, and so the trace).
   */
  exportTrace() {
    if (this._role !== 'leader' || !this._real) return null;
    return traceCopy(this._real.__trace(), this._logs.keepPersonal);
  }

  /** Delivers an event to the page and notes it in the ring. */
  _next(ev) {
    var d = ev && ev.data ? ev.data : {};
    var text = 'event ' + ev.type;
    if (ev.type === 'STATE_CHANGE') text += ' ' + d.from + ' -> ' + d.state;
    else if (d.sid !== undefined) text += ' sid=' + d.sid;
    if (d.msgType !== undefined) text += ' msgType=' + d.msgType;
    if (ev.type === 'EXE_EVENT' || ev.type === 'HTTP_BACK') text += ' code=' + d.code + (d.op ? ' op=' + d.op : '');
    if (ev.type === 'INCOMING_CALL') text += describeCustomer(d.customer, this._logs.keepPersonal);
    this._logs.add('info', text);
    tabCall(this._observer, 'next', ev);
  }

  /** Delivers an error to the page and notes it in the ring. */
  _error(err) {
    this._logs.add('warn', 'error ' + (err && err.code) + ': ' + (err && err.msg));
    tabCall(this._observer, 'error', err);
  }

  /** Notes a method call and, later, its result. */
  _noteCall(name, arg, p) {
    var logs = this._logs;
    var what = name + '(' + (arg === undefined ? '' : JSON.stringify(arg)) + ')';
    logs.add('info', 'call ' + what);
    p.then(
      function () {
        logs.add('info', 'result ' + name + ': ok');
      },
      function (e) {
        logs.add('info', 'result ' + name + ': rejected ' + (e && e.code) + ' ' + (e && e.msg));
      },
    );
    return p;
  }

  state() {
    return this._role === 'leader' && this._real ? this._real.state() : this._state;
  }

  destroy() {
    if (this._role === 'ended') return Promise.resolve();
    this._logs.add('info', 'destroy() (' + this._role + ')');
    var done = this._role === 'leader' ? this._endReal(this._alone(), false) : Promise.resolve();
    if (this._role !== 'leader') this._post({ t: 'bye', from: this._id });
    this._leave();
    this._end();
    this._failCalls('DESTROYED', 'RtVideo 实例已销毁 (destroyed)');
    var observer = this._observer;
    this._observer = null;
    tabCall(observer, 'complete');
    return done.then(function () {});
  }

  /** The instance is over: no listener of ours stays on the page. */
  _end() {
    this._role = 'ended';
    tabLive.delete(this);
    window.removeEventListener('pagehide', this._onHide);
    window.removeEventListener('pageshow', this._onShow);
    document.removeEventListener('freeze', this._onHide);
    document.removeEventListener('resume', this._onShow);
  }

  _method(name, arg) {
    return this._noteCall(name, arg, this._methodRun(name, arg));
  }

  _methodRun(name, arg) {
    if (this._role === 'ended') return tabHandled(Promise.reject(sdkError('DESTROYED', 'RtVideo 实例已销毁 (destroyed)')));
    if (this._role === 'leader') return this._runOnLeader(name, arg);
    var self = this;
    return tabHandled(
      new Promise(function (resolve, reject) {
        var n = ++self._n;
        var c = { resolve: resolve, reject: reject, name: name, arg: arg, sent: false };
        self._calls[n] = c;
        self._send(n, c);
      }),
    );
  }

  _runOnLeader(name, arg) {
    var self = this;
    var p = this._real[name](arg);
    var snap = function () {
      self._postSnap();
    };
    p.then(snap, snap);
    return p;
  }

  // ---- group membership ----

  _join() {
    if (this._solo) {
      this._lead();
      return;
    }
    var self = this;
    this._channel = new BroadcastChannel(this._name);
    tabCounters.channels += 1;
    this._channel.onmessage = function (ev) {
      self._onMessage(ev.data);
    };
    if (this._locks && this._early && this._early.locking) {
      // The loader requested the group's lock for this tab already (and may
      // hold it): take that request over instead of making another.
      this._lockAbort = this._early.abort;
      var mine = this._lockAbort;
      this._early.lock(function (release) {
        if (self._lockAbort !== mine || self._role === 'ended' || self._role === 'hidden') {
          release();
          return;
        }
        self._release = release;
        self._lead();
      });
      this._post({ t: 'hello', from: this._id });
      return;
    }
    if (this._locks) {
      var ac = typeof AbortController !== 'undefined' ? new AbortController() : null;
      this._lockAbort = ac;
      tabCounters.lockRequests += 1;
      var opts = ac ? { signal: ac.signal } : {};
      this._locks
        .request(this._name, opts, function () {
          return new Promise(function (release) {
            if (self._lockAbort !== ac || self._role === 'ended' || self._role === 'hidden') {
              release();
              return;
            }
            self._release = release;
            self._lead();
          });
        })
        .catch(function () {})
        .then(function () {
          tabCounters.lockRequests -= 1;
        });
    } else {
      this._heard = 0;
      this._tick(TAB_CLAIM_MS * 2);
    }
    this._post({ t: 'hello', from: this._id });
  }

  /** Leaves the group: no channel, no lock, no timer. */
  _leave() {
    if (this._early) this._early.end();
    this._early = null;
    if (this._timer) clearTimeout(this._timer);
    this._timer = null;
    if (this._release) this._release();
    this._release = null;
    if (this._lockAbort) this._lockAbort.abort();
    this._lockAbort = null;
    if (this._channel) {
      this._channel.onmessage = null;
      this._channel.close();
      tabCounters.channels -= 1;
    }
    this._channel = null;
    this._leader = null;
    this._followers = {};
  }

  _alone() {
    // Called for every event a leader delivers: no array per call.
    for (var k in this._followers) return false;
    return true;
  }

  _post(m) {
    if (this._channel) this._channel.postMessage(m);
  }

  /** Becomes the leader: runs the wasm instance, adopting the last snapshot. */
  _lead() {
    if (this._role === 'ended' || this._role === 'hidden' || this._role === 'leader') return;
    var self = this;
    var snap = this._snap;
    this._snap = null;
    var early = this._early;
    this._early = null;
    this._role = 'leader';
    this._leader = this._id;
    this._logs.add('info', snap ? 'this tab leads now (took over)' : 'this tab leads');
    var inner = {
      next: function (ev) {
        self._leaderEvent(ev);
      },
      // The wasm side calls this instead of `next` when given: it saves the
      // object and two member writes per event across the boundary.
      __event: function (type, data) {
        self._leaderEvent({ type: type, data: data });
      },
      __read: readPush,
      __early: early ? early.take : undefined,
      error: function (err) {
        if (self._quiet) return;
        if (!self._ending && !self._alone()) self._post({ t: 'err', err: tabPlain(err) });
        self._error(err);
      },
      __log: function (level, text) {
        self._logs.add(level, text);
        if (!self._alone()) self._post({ t: 'log', level: level, text: text });
      },
      complete: function () {
        self._leaderComplete();
      },
    };
    try {
      // `true`: this group handles unload and restore (no listener of the instance's own).
      this._real = new this._Real(this._options, inner, snap || undefined, true);
    } finally {
      if (early) early.end(); // what the instance did not take
    }
    this._post({ t: 'leader', from: this._id, born: this._born });
    if (!this._locks) this._tick(TAB_BEAT_MS);
    // Calls made while no leader was known run here now; calls already sent
    // to a leader that is gone have an unknown outcome.
    this._failCalls('DISCONNECTED', 'RtVideo: 主标签页已关闭, 调用结果未知 (the leading tab closed before it answered)', true);
    var queued = this._calls;
    this._calls = {};
    Object.keys(queued).forEach(function (n) {
      var c = queued[n];
      self._runOnLeader(c.name, c.arg).then(c.resolve, c.reject);
    });
  }

  _leaderEvent(ev) {
    if (this._quiet) return;
    if (ev.type === 'STATE_CHANGE') this._state = ev.data.state;
    if (ev.type === 'INCOMING_CALL' || ev.type === 'EXCHANGE_CALL' || ev.type === 'ADD_CALL') {
      if (this._state === 'wait' || (this._real && this._real.state() === 'wait')) this._ring = ev;
    }
    if (this._real && !this._ending && !this._alone()) {
      this._post({ t: 'ev', ev: ev, snap: this._real.__snapshot() });
    }
    this._next(ev);
  }

  _postSnap() {
    if (this._real && this._role === 'leader' && !this._alone()) this._post({ t: 'snap', snap: this._real.__snapshot() });
  }

  /** The wasm instance ended by itself (rejected credentials, or a panic). */
  _leaderComplete() {
    if (this._ending || this._role === 'ended') return;
    this._real = null;
    this._leave();
    this._end();
    this._failCalls('DESTROYED', 'RtVideo 实例已结束 (the instance ended)');
    var observer = this._observer;
    this._observer = null;
    tabCall(observer, 'complete');
  }

  /**
   * Ends the wasm instance; `offline`: report it (the agent's last tab).
   * Other tabs hear nothing of it; the page neither when `quiet`.
   */
  _endReal(offline, quiet) {
    var real = this._real;
    if (!real) return Promise.resolve();
    this._ending = true;
    this._quiet = quiet !== false;
    try {
      return real.__end(offline);
    } finally {
      this._real = null;
      this._ending = false;
      this._quiet = false;
    }
  }

  // ---- page lifecycle ----

  _hide() {
    if (this._role === 'ended' || this._role === 'hidden') return;
    this._logs.add('info', 'page hidden (' + this._role + (this._role === 'leader' && !this._alone() ? ', handing over' : '') + ')');
    if (this._role === 'leader') {
      var snap = this._real ? this._real.__snapshot() : null;
      this._endReal(this._alone());
      // Back from the back/forward cache: re-sync as after an outage.
      this._snap = snap ? Object.assign(snap, { recover: true }) : null;
      if (!this._alone()) this._post({ t: 'abdicate', from: this._id });
    } else {
      this._post({ t: 'bye', from: this._id });
    }
    this._failCalls('DISCONNECTED', 'RtVideo: 页面已隐藏 (the page was hidden)');
    this._leave();
    this._role = 'hidden';
  }

  _show() {
    if (this._role !== 'hidden') return;
    this._logs.add('info', 'page shown again: rejoining');
    this._role = 'candidate';
    this._join();
  }

  // ---- messages ----

  _onMessage(m) {
    if (!m || typeof m !== 'object' || this._role === 'ended' || this._role === 'hidden') return;
    var me = this._id;
    if (m.to !== undefined && m.to !== me) return;
    switch (m.t) {
      case 'hello':
        // Every tab keeps the list of the others, so that a follower that
        // takes over knows at once whom to send events to (a follower's
        // hello to the new leader would come too late for the first ones).
        this._followers[m.from] = true;
        if (this._role === 'leader') {
          this._post({ t: 'welcome', from: me, to: m.from, snap: this._real ? this._real.__snapshot() : null, ring: this._ring });
        }
        break;
      case 'bye':
        delete this._followers[m.from];
        break;
      case 'leader':
        this._heard = Date.now();
        // The leader is nobody's follower (and when it goes, it says nothing).
        delete this._followers[m.from];
        if (this._role === 'leader' && m.from !== me) {
          // BroadcastChannel election only: two leaders; the older tab stays.
          if (m.born < this._born || (m.born === this._born && m.from < me)) this._stepDown();
          break;
        }
        this._follow(m.from);
        this._post({ t: 'hello', from: me });
        break;
      case 'welcome':
        this._heard = Date.now();
        delete this._followers[m.from];
        this._follow(m.from);
        this._adoptView(m.snap, m.ring);
        break;
      case 'beat':
        this._heard = Date.now();
        if (this._role !== 'leader' && this._leader !== m.from) {
          this._follow(m.from);
          this._post({ t: 'hello', from: me });
        }
        break;
      case 'claim':
        if (this._role === 'leader') this._post({ t: 'leader', from: me, born: this._born });
        break;
      case 'abdicate':
        delete this._followers[m.from];
        if (this._leader === m.from) {
          this._leader = null;
          this._heard = 0;
        }
        break;
      case 'ev':
        if (this._role === 'follower' || this._role === 'candidate') {
          if (m.snap) this._snap = m.snap;
          if (m.ev.type === 'STATE_CHANGE') this._state = m.ev.data.state;
          this._next(m.ev);
        }
        break;
      case 'err':
        if (this._role !== 'leader') this._error(m.err);
        break;
      case 'log':
        if (this._role !== 'leader') this._logs.add(m.level, m.text);
        break;
      case 'snap':
        if (this._role !== 'leader') this._snap = m.snap;
        break;
      case 'call':
        if (this._role === 'leader' && this._real) this._answerCall(m);
        break;
      case 'links?':
        // The self-check of another page (or of this one without an
        // instance) asks instead of opening a second push stream or EXE socket.
        if (this._role === 'leader' && this._real) this._post({ t: 'links', to: m.from, links: this._real.__links() });
        break;
      case 'settled':
        this._settled(m);
        break;
      default:
        break;
    }
  }

  _follow(leader) {
    if (this._role === 'leader') return;
    var changed = this._leader !== leader;
    this._role = 'follower';
    this._claiming = false;
    this._leader = leader;
    if (!changed) return;
    this._logs.add('info', 'this tab follows the leading tab ' + leader);
    // Calls sent to the previous leader have an unknown outcome; the rest go now.
    this._failCalls('DISCONNECTED', 'RtVideo: 主标签页已关闭, 调用结果未知 (the leading tab closed before it answered)', true);
    var self = this;
    Object.keys(this._calls).forEach(function (n) {
      self._send(Number(n), self._calls[n]);
    });
  }

  /** A follower's view catches up with the leader's snapshot (joining, or back from the cache). */
  _adoptView(snap, ring) {
    if (!snap) return;
    this._snap = snap;
    var from = this._state;
    if (snap.state === from) return;
    this._state = snap.state;
    this._next({ type: 'STATE_CHANGE', data: { state: snap.state, from: from } });
    if (snap.state === 'busy' && snap.call) {
      this._next({ type: 'RECOVERY_CALL', data: { sid: snap.call.sid, role: snap.call.role, streams: snap.call.streams } });
    } else if (snap.state === 'wait' && ring) {
      this._next(ring);
    }
  }

  _send(n, c) {
    if (!this._leader || this._role === 'leader' || c.sent) return;
    c.sent = true;
    this._post({ t: 'call', from: this._id, to: this._leader, n: n, name: c.name, arg: c.arg });
  }

  _answerCall(m) {
    var self = this;
    this._runOnLeader(m.name, m.arg).then(
      function (v) {
        self._post({ t: 'settled', to: m.from, n: m.n, ok: true, v: v === undefined ? null : v });
      },
      function (e) {
        self._post({ t: 'settled', to: m.from, n: m.n, ok: false, e: tabPlain(e) });
      },
    );
  }

  _settled(m) {
    var c = this._calls[m.n];
    if (!c) return;
    delete this._calls[m.n];
    if (m.ok) c.resolve(m.v);
    else c.reject(m.e);
  }

  /** Rejects the calls waiting on another tab (only those already sent, with `sentOnly`). */
  _failCalls(code, msg, sentOnly) {
    var calls = this._calls;
    var self = this;
    Object.keys(calls).forEach(function (n) {
      var c = calls[n];
      if (sentOnly && !c.sent) return;
      delete self._calls[n];
      c.reject(sdkError(code, msg));
    });
  }

  // ---- BroadcastChannel election (no Web Locks: e.g. plain http intranet pages) ----

  _tick(ms) {
    var self = this;
    if (this._timer) clearTimeout(this._timer);
    this._timer = setTimeout(function () {
      self._timer = null;
      self._electionStep();
    }, ms);
  }

  _electionStep() {
    if (this._role === 'ended' || this._role === 'hidden' || this._locks) return;
    if (this._role === 'leader') {
      this._post({ t: 'beat', from: this._id, born: this._born });
      this._tick(TAB_BEAT_MS);
      return;
    }
    if (Date.now() - this._heard < TAB_SILENT_MS && this._leader) {
      this._tick(TAB_BEAT_MS);
      return;
    }
    if (this._claiming) {
      this._claiming = false;
      // Nobody older answered the claim: lead (an older leader that wakes up
      // later makes the younger one step down).
      if (Date.now() - this._heard >= TAB_CLAIM_MS) {
        this._lead();
        return;
      }
      this._tick(TAB_BEAT_MS);
      return;
    }
    this._claiming = true;
    this._leader = null;
    this._post({ t: 'claim', from: this._id, born: this._born });
    this._tick(TAB_CLAIM_MS);
  }

  /** Two leaders met (BroadcastChannel election): the younger hands over and follows. */
  _stepDown() {
    var snap = this._real ? this._real.__snapshot() : null;
    this._endReal(false);
    this._role = 'follower';
    this._snap = snap;
    this._leader = null;
    this._heard = Date.now();
    this._tick(TAB_BEAT_MS);
  }
}

[
  'rest', 'back', 'answer', 'refuse', 'hangUp', 'snapshot', 'reconnect',
  'askChangePerson', 'cancelChangePerson', 'acceptChangePerson', 'refuseChangePerson',
  'askAddPerson', 'cancelAddPerson', 'removeAddPerson', 'acceptAddPerson',
  'refuseAddPerson', 'quitAddPerson',
].forEach(function (name) {
  RtVideoTab.prototype[name] = function (arg) {
    return this._method(name, arg);
  };
});

/** Live tab-group resources of the page (merged into RtVideo.debugCounters()). */
function tabDebugCounters(wasmCounters) {
  return Object.assign({}, wasmCounters, tabCounters);
}
