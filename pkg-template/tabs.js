// One agent, many tabs (docs/DECISIONS.md D46–D50): every RtVideo of the same
// systemCode + account in one browser profile joins one group; the leader
// (Web Locks; a BroadcastChannel election where the page has no Web Locks)
// runs the wasm instance with the push channel, the EXE link, heartbeats and
// presence; the others follow over a BroadcastChannel: they get every `next`
// and `error`, their `state()` is the leader's, and their method calls run on
// the leader. When the leader goes, a follower takes over from the last
// snapshot the leader sent (state, call, last push id) without a state change.
// An error that is the failure of a call reaches only the tab that called
// (D93, D100: the core names the calls an error is the failure of); the
// agent's and the links' errors reach every tab.
//
// This file is the group: its channel, the leader's instance, the followers'
// mirror of it and the hand-over snapshot. It wires in what it does not
// implement, as the driver wires the core and the web layer on the Rust side:
//   election.js    who leads (Web Locks, or a BroadcastChannel election)
//   tab-calls.js   a follower's calls forwarded to the leader, and their replies
//   lifecycle.js   pagehide/freeze and pageshow/resume
//   push-reader.js the push messages' reader the leader's instance uses
//   tab-page.js    what the page sees: the observer's callbacks and the tab's
//                  log ring (its events, errors, calls; the SDK's lines)
// It is over 300 lines because the group's state (role, real, snapshot,
// followers) is one thing, and the messages that change it read best in one
// place (`_onMessage`).
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as tabs.js of the npm package (imported by index.js).

var tabCounters = { channels: 0, lockRequests: 0 };

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

/** The public instance: a leader, a follower, or (multiTab: false / no channel) alone. */
class RtVideoTab {
  /**
   * `meta`: `{version}` of the package, and in the script-tag build `early`:
   * the links its loader opened before the wasm was ready (early.js).
   */
  constructor(Real, options, observer, meta) {
    // Throws like the wasm constructor (naming the field) before anything starts.
    var info = Real.__validate(options, observer);
    this._view = new TabPage(options, observer, (meta && meta.version) || ''); // what the page sees
    this._logs = this._view.logs; // its log ring (tests/e2e/logs.test.mjs reads it)
    this._Real = Real;
    this._options = options;
    this._id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this._born = Date.now();
    this._name = tabGroup(info.key);
    this._role = 'candidate'; // candidate | leader | follower | hidden | ended
    this._real = null;
    this._state = 'disconnected';
    this._snap = null; // what a take-over adopts: the leader's last snapshot
    this._ring = null; // leader: the event that made the current call ring
    this._followers = {}; // tab id -> true: the other tabs of the group
    this._channel = null;
    this._ending = false; // ending the wasm instance: its events stay here
    this._quiet = false; // ... and do not reach the page either
    this._solo = tabSolo(info.multiTab);
    var self = this;
    var post = function (m) {
      self._post(m);
    };
    this._calls = new TabCalls(post, this._id);
    this._election = new TabElection(
      { name: this._name, id: this._id, born: this._born, locks: this._solo ? null : tabLocks(), post: post, clock: tabClock, counters: tabCounters },
      {
        lead: function () {
          self._lead();
        },
        follow: function (id, changed, greet) {
          self._follow(id, changed, greet);
        },
        stepDown: function () {
          self._stepDown();
        },
      },
    );
    this._life = new PageLifecycle(window, document, {
      hide: function () {
        self._hide();
      },
      show: function () {
        self._show();
      },
    });
    this._view.log('info', 'RtVideo ' + this._view.version + ' for ' + info.key + (this._solo ? ' (one instance per page)' : ''));
    if (typeof document !== 'undefined' && document.wasDiscarded) this._view.log('warn', TAB_DISCARDED);
    tabLive.add(this);
    // What the loader started before the wasm was ready (early.js): the
    // group's lock request, which the election takes over, and the links it
    // opened once it held the lock, which `_lead` hands to the instance.
    // Another group's (cannot happen with the same options): closed.
    var early = meta && meta.early;
    this._early = early && early.group === this._name ? early : null;
    if (early && !this._early) early.end();
    this._join();
  }

  // ---- support logs (logs.js, through tab-page.js) ----

  /** The log ring as text, one entry per line (ISO time, level, message). */
  getLogs() {
    return this._logs.text();
  }

  /** The same text as a file, after a header (version, account, browser, options without secrets). */
  exportLogs() {
    return this._view.logFile();
  }

  /** Saves `exportLogs()` as a file; returns its name. */
  downloadLogs(filename) {
    return this._view.download(filename);
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

  state() {
    return this._role === 'leader' && this._real ? this._real.state() : this._state;
  }

  destroy() {
    if (this._role === 'ended') return Promise.resolve();
    this._view.log('info', 'destroy() (' + this._role + ')');
    var done = this._role === 'leader' ? this._endReal(this._alone(), false) : Promise.resolve();
    if (this._role !== 'leader') this._post({ t: 'bye', from: this._id });
    this._leave();
    this._end();
    this._calls.fail('DESTROYED', 'RtVideo 实例已销毁 (destroyed)');
    this._view.complete();
    return done.then(function () {});
  }

  /** The instance is over: no listener of ours stays on the page. */
  _end() {
    this._role = 'ended';
    tabLive.delete(this);
    this._life.stop();
  }

  _method(name, arg) {
    return this._view.noteCall(name, arg, this._methodRun(name, arg));
  }

  _methodRun(name, arg) {
    if (this._role === 'ended') return tabHandled(Promise.reject(sdkError('DESTROYED', 'RtVideo 实例已销毁 (destroyed)')));
    if (this._role === 'leader') return this._runOnLeader(name, arg, null);
    return this._calls.add(name, arg, this._election.leader);
  }

  /**
   * Runs a call on this tab's instance, for this page (`from` null) or for
   * the follower `from`, whose id is the call's owner: the core names the
   * calls an error is the failure of, and the wasm hands such an error to
   * `__callError` with their owners (D100), before the rejection.
   */
  _runOnLeader(name, arg, from) {
    var self = this;
    var p = this._real.__call(name, arg, from === null ? null : from.from);
    var done = function (e, v) {
      self._postSnap();
      if (from !== null) {
        var reply = e === undefined ? { ok: true, v: v === undefined ? null : v } : { ok: false, e: tabPlain(e) };
        self._post(Object.assign({ t: 'settled', to: from.from, n: from.n }, reply));
      }
    };
    p.then(
      function (v) {
        done(undefined, v);
      },
      function (e) {
        done(e === undefined ? null : e);
      },
    );
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
    this._election.start(this._early);
    this._post({ t: 'hello', from: this._id });
  }

  /** Leaves the group: no channel, no lock, no timer. */
  _leave() {
    if (this._early) this._early.end();
    this._early = null;
    this._election.stop();
    if (this._channel) {
      this._channel.onmessage = null;
      this._channel.close();
      tabCounters.channels -= 1;
    }
    this._channel = null;
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
    this._view.log('info', snap ? 'this tab leads now (took over)' : 'this tab leads');
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
      // The agent's and the links' errors: every tab's.
      error: function (err) {
        if (self._quiet) return;
        if (!self._ending && !self._alone()) self._post({ t: 'err', err: tabPlain(err) });
        self._view.error(err);
      },
      // The failure of calls: the tabs that made them only, once each (D100).
      __callError: function (err, owners) {
        if (self._quiet) return;
        var to = tabErrorTargets(owners);
        if (to.here) self._view.error(err);
        if (self._ending) return;
        to.tabs.forEach(function (id) {
          self._post({ t: 'err', to: id, err: tabPlain(err) });
        });
      },
      __log: function (level, text) {
        self._view.log(level, text);
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
    this._election.led();
    // Calls made while no leader was known run here now; calls already sent
    // to a leader that is gone have an unknown outcome.
    this._calls.take().forEach(function (c) {
      self._runOnLeader(c.name, c.arg, null).then(c.resolve, c.reject);
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
    this._view.next(ev);
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
    this._calls.fail('DESTROYED', 'RtVideo 实例已结束 (the instance ended)');
    this._view.complete();
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

  // ---- page lifecycle (lifecycle.js tells) ----

  _hide() {
    if (this._role === 'ended' || this._role === 'hidden') return;
    this._view.log('info', 'page hidden (' + this._role + (this._role === 'leader' && !this._alone() ? ', handing over' : '') + ')');
    if (this._role === 'leader') {
      var snap = this._real ? this._real.__snapshot() : null;
      this._endReal(this._alone());
      // Back from the back/forward cache: re-sync as after an outage.
      this._snap = snap ? Object.assign(snap, { recover: true }) : null;
      if (!this._alone()) this._post({ t: 'abdicate', from: this._id });
    } else {
      this._post({ t: 'bye', from: this._id });
    }
    this._calls.fail('DISCONNECTED', 'RtVideo: 页面已隐藏 (the page was hidden)');
    this._leave();
    this._role = 'hidden';
  }

  _show() {
    if (this._role !== 'hidden') return;
    this._view.log('info', 'page shown again: rejoining');
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
      case 'beat':
      case 'claim':
        // The leader is nobody's follower (and when it goes, it says nothing).
        if (m.t === 'leader') delete this._followers[m.from];
        this._election.hear(m);
        break;
      case 'welcome':
        delete this._followers[m.from];
        this._election.hear(m);
        this._adoptView(m.snap, m.ring);
        break;
      case 'abdicate':
        delete this._followers[m.from];
        this._election.hear(m);
        break;
      case 'ev':
        if (this._role === 'follower' || this._role === 'candidate') {
          if (m.snap) this._snap = m.snap;
          if (m.ev.type === 'STATE_CHANGE') this._state = m.ev.data.state;
          this._view.next(m.ev);
        }
        break;
      case 'err':
        if (this._role !== 'leader') this._view.error(m.err);
        break;
      case 'log':
        if (this._role !== 'leader') this._view.log(m.level, m.text);
        break;
      case 'snap':
        if (this._role !== 'leader') this._snap = m.snap;
        break;
      case 'call':
        if (this._role === 'leader' && this._real) this._runOnLeader(m.name, m.arg, m);
        break;
      case 'links?':
        // The self-check of another page (or of this one without an
        // instance) asks instead of opening a second push stream or EXE socket.
        if (this._role === 'leader' && this._real) this._post({ t: 'links', to: m.from, links: this._real.__links() });
        break;
      case 'settled':
        this._calls.settled(m);
        break;
      default:
        break;
    }
  }

  /** The election found the leader (`changed`: another than before; `greet`: say hello). */
  _follow(leader, changed, greet) {
    if (this._role === 'leader') return;
    this._role = 'follower';
    if (changed) {
      this._view.log('info', 'this tab follows the leading tab ' + leader);
      this._calls.leaderChanged(leader);
    }
    if (greet) this._post({ t: 'hello', from: this._id });
  }

  /** A follower's view catches up with the leader's snapshot (joining, or back from the cache). */
  _adoptView(snap, ring) {
    if (!snap) return;
    this._snap = snap;
    var from = this._state;
    if (snap.state === from) return;
    this._state = snap.state;
    this._view.next({ type: 'STATE_CHANGE', data: { state: snap.state, from: from } });
    if (snap.state === 'busy' && snap.call) {
      this._view.next({ type: 'RECOVERY_CALL', data: { sid: snap.call.sid, role: snap.call.role, streams: snap.call.streams } });
    } else if (snap.state === 'wait' && ring) {
      this._view.next(ring);
    }
  }

  /** Two leaders met (BroadcastChannel election) and this tab is the younger: it hands over and follows. */
  _stepDown() {
    var snap = this._real ? this._real.__snapshot() : null;
    this._endReal(false);
    this._role = 'follower';
    this._snap = snap;
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
