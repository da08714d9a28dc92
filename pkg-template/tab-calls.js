// The calls of a tab that does not lead (docs/DECISIONS.md D47, D92, D93):
// the page's method calls run on the leading tab. A call is sent to the
// leader as soon as one is known, and settles with the leader's reply
// (`settled`; the error a failed call reports came just before it, as an
// `err` addressed to this tab: D100). When the leader
// changes before it answered, the outcome is unknown: the call is rejected
// with DISCONNECTED (it may have run); calls not sent yet go to the new leader,
// or run here when this tab leads itself (`take`).
//
// `tabErrorTargets` is the leader's side of issue 19 (D100): to which tabs
// the failure of calls goes, from the owners the core's marker names.
//
// ES2019, no modules: inlined into the script-tag build (pkg-template/
// bundle.js) and shipped as tab-calls.js of the npm package (imported by tabs.js).

var TAB_UNKNOWN = 'RtVideo: 主标签页已关闭, 调用结果未知 (the leading tab closed before it answered)';

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

function tabHandled(p) {
  p.catch(function () {});
  return p;
}

/**
 * Where the failure of calls goes, from the owners of those calls (the
 * `owner` each was run with: null for the leader's page, else the calling
 * tab's id): `here` (the leader's page) and `tabs`, each once — one error
 * that settles two calls of a tab is one `error` there, as with one tab.
 */
function tabErrorTargets(owners) {
  var here = false;
  var tabs = [];
  (owners || []).forEach(function (o) {
    if (o === null || o === undefined) here = true;
    else if (tabs.indexOf(o) < 0) tabs.push(o);
  });
  return { here: here, tabs: tabs };
}

class TabCalls {
  /** `post(m)`: to the group's channel; `id`: this tab's. */
  constructor(post, id) {
    this.post = post;
    this.id = id;
    this.n = 0;
    this.calls = {}; // call number -> {resolve, reject, name, arg, sent}
  }

  /** A call of this page while another tab leads (`leader`, or null: none known yet). */
  add(name, arg, leader) {
    var self = this;
    return tabHandled(
      new Promise(function (resolve, reject) {
        var n = ++self.n;
        var c = { resolve: resolve, reject: reject, name: name, arg: arg, sent: false };
        self.calls[n] = c;
        if (leader) self.send(n, c, leader);
      }),
    );
  }

  send(n, c, leader) {
    if (c.sent) return;
    c.sent = true;
    this.post({ t: 'call', from: this.id, to: leader, n: n, name: c.name, arg: c.arg });
  }

  /** Another tab leads now: calls sent before have an unknown outcome; the rest go to it. */
  leaderChanged(leader) {
    this.fail('DISCONNECTED', TAB_UNKNOWN, true);
    var self = this;
    Object.keys(this.calls).forEach(function (n) {
      self.send(Number(n), self.calls[n], leader);
    });
  }

  /** This tab leads now: calls sent before have an unknown outcome; returns the rest, to run here. */
  take() {
    this.fail('DISCONNECTED', TAB_UNKNOWN, true);
    var rest = this.calls;
    this.calls = {};
    return Object.keys(rest).map(function (n) {
      return rest[n];
    });
  }

  /** The leader's reply: the call's result. */
  settled(m) {
    var c = this.calls[m.n];
    if (!c) return; // failed meanwhile (the leader changed)
    delete this.calls[m.n];
    if (m.ok) {
      c.resolve(m.v);
      return;
    }
    c.reject(m.e);
  }

  /** Rejects the waiting calls (only those already sent, with `sentOnly`). */
  fail(code, msg, sentOnly) {
    var calls = this.calls;
    Object.keys(calls).forEach(function (n) {
      var c = calls[n];
      if (sentOnly && !c.sent) return;
      delete calls[n];
      c.reject(sdkError(code, msg));
    });
  }
}
