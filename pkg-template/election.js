// Who leads a tab group (docs/DECISIONS.md D46, D91). One interface, two
// mechanisms, one rule:
//
// - Web Locks, where the page has them: the tab holding the group's lock
//   leads; the browser hands the lock to the next waiting tab when the leader
//   releases it (pagehide, destroy()) or its page goes away.
// - A BroadcastChannel election where it has none (plain-http intranet pages):
//   the leader beats every TAB_BEAT_MS; a tab that has not heard a leader for
//   TAB_SILENT_MS claims, and leads when nobody answered its claim within
//   TAB_CLAIM_MS. Whatever the mechanism, when two leaders meet (a leader that
//   was silent comes back, two claims at once), the older tab (smaller `born`,
//   then smaller id) stays and the younger steps down.
//
// The group (tabs.js) owns the channel and hands the election the messages it
// reads (`hear`); the election says what to do through three callbacks:
// `lead()` (this tab leads now: the group then calls `led()`),
// `follow(id, changed, greet)` (tab `id` leads; `changed`: another than
// before; `greet`: say hello to it), `stepDown()` (two leaders met and this
// tab is the younger one). It is given its lock API, its `post` and its clock
// ({now, set(fn, ms), clear(handle)}), so tests/shell/election.test.mjs runs
// many tabs in virtual time.
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as election.js of the npm package (imported by tabs.js).

var TAB_BEAT_MS = 1000; // BroadcastChannel election: leader heartbeat
var TAB_SILENT_MS = 2500; // ... a leader silent this long is gone
var TAB_CLAIM_MS = 250; // ... how long a claim waits for a better one

/** The real clock. */
var tabClock = {
  now: function () {
    return Date.now();
  },
  set: function (fn, ms) {
    return setTimeout(fn, ms);
  },
  clear: function (h) {
    clearTimeout(h);
  },
};

/** Whether a leader born `born` with id `from` outranks (is older than) tab `me`. */
function tabOutranks(born, from, me) {
  return born < me.born || (born === me.born && from < me.id);
}

class TabElection {
  /**
   * `env`: {name (the lock's), id, born, locks (Web Locks or null), post(m),
   * clock, counters ({lockRequests})}; `on`: {lead(), follow(id, changed, greet), stepDown()}.
   */
  constructor(env, on) {
    this.env = env;
    this.on = on;
    this.leading = false;
    this.leader = null; // the leading tab's id (ours while leading), or null
    this.heard = 0; // channel mechanism: last time a leader was heard
    this.claiming = false; // ... a claim of ours is out
    this.timer = null;
    this.live = false; // between start() and stop()
    this.abort = null; // Web Locks: the AbortController (or early.js's) of our request
    this.release = null; // ... and what frees the lock while we hold it
  }

  /** Starts competing; `early`: the loader's request for the lock (early.js), taken over. */
  start(early) {
    var self = this;
    var env = this.env;
    this.live = true;
    if (env.locks && early && early.locking) {
      var mine = (this.abort = early.abort);
      early.lock(function (release) {
        self.granted(mine, release);
      });
    } else if (env.locks) {
      var ac = typeof AbortController !== 'undefined' ? new AbortController() : null;
      this.abort = ac;
      env.counters.lockRequests += 1;
      env.locks
        .request(env.name, ac ? { signal: ac.signal } : {}, function () {
          return new Promise(function (release) {
            self.granted(ac, release);
          });
        })
        .catch(function () {})
        .then(function () {
          env.counters.lockRequests -= 1;
        });
    } else {
      this.heard = 0;
      this.tick(TAB_CLAIM_MS * 2);
    }
  }

  /** The lock came: lead, unless the request was given up meanwhile. */
  granted(request, release) {
    if (!this.live || this.abort !== request) {
      release();
      return;
    }
    this.release = release;
    this.on.lead();
  }

  /** The group leads now (it runs the wasm instance): tell the others. */
  led() {
    this.leading = true;
    this.leader = this.env.id;
    this.claiming = false;
    this.env.post({ t: 'leader', from: this.env.id, born: this.env.born });
    if (!this.env.locks) this.tick(TAB_BEAT_MS);
  }

  /** Stops competing: no timer, no lock, no request. */
  stop() {
    this.live = false;
    if (this.timer) this.env.clock.clear(this.timer);
    this.timer = null;
    if (this.release) this.release();
    this.release = null;
    if (this.abort) this.abort.abort();
    this.abort = null;
    this.leading = false;
    this.leader = null;
    this.claiming = false;
  }

  /** A message of the group's channel (the election reads leader, welcome, beat, claim, abdicate). */
  hear(m) {
    var env = this.env;
    switch (m.t) {
      case 'leader':
        this.heard = env.clock.now();
        if (this.leading) {
          if (tabOutranks(m.born, m.from, env)) this.yieldTo();
          return;
        }
        this.follow(m.from, true);
        return;
      case 'welcome':
        this.heard = env.clock.now();
        this.follow(m.from, false);
        return;
      case 'beat':
        this.heard = env.clock.now();
        // A leader that was silent (a throttled background tab) beats again
        // while another leads: the same rule as for a claim's answer.
        if (this.leading) {
          if (!tabOutranks(m.born, m.from, env)) return;
          this.yieldTo();
        }
        if (this.leader !== m.from) this.follow(m.from, true);
        return;
      case 'claim':
        if (this.leading) env.post({ t: 'leader', from: env.id, born: env.born });
        return;
      case 'abdicate':
        if (this.leader === m.from) {
          this.leader = null;
          this.heard = 0;
        }
        return;
      default:
        return;
    }
  }

  follow(id, greet) {
    if (this.leading) return;
    var changed = this.leader !== id;
    this.claiming = false;
    this.leader = id;
    this.on.follow(id, changed, greet);
  }

  /** Two leaders met: the younger (this tab) hands over and waits for the older one's beats. */
  yieldTo() {
    this.leading = false;
    this.leader = null;
    this.heard = this.env.clock.now();
    this.on.stepDown();
    this.tick(TAB_BEAT_MS);
  }

  tick(ms) {
    var self = this;
    var clock = this.env.clock;
    if (this.timer) clock.clear(this.timer);
    this.timer = clock.set(function () {
      self.timer = null;
      self.step();
    }, ms);
  }

  /** The channel mechanism's timer: beat, wait, claim, or lead. */
  step() {
    var env = this.env;
    if (env.locks) return;
    var now = env.clock.now();
    if (this.leading) {
      env.post({ t: 'beat', from: env.id, born: env.born });
      this.tick(TAB_BEAT_MS);
    } else if (this.leader && now - this.heard < TAB_SILENT_MS) {
      this.tick(TAB_BEAT_MS);
    } else if (this.claiming) {
      this.claiming = false;
      // Nobody older answered the claim: lead (an older leader that wakes up
      // later makes the younger one step down).
      if (now - this.heard >= TAB_CLAIM_MS) this.on.lead();
      else this.tick(TAB_BEAT_MS);
    } else {
      this.claiming = true;
      this.leader = null;
      env.post({ t: 'claim', from: env.id, born: env.born });
      this.tick(TAB_CLAIM_MS);
    }
  }
}
