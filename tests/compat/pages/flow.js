// Shared by the compatibility pages: runs one RtVideo and records what the
// page sees in window.__rtv, for tests/compat/old-engines.test.mjs to read
// over CDP. ES5 on purpose: it must parse on every engine under test.
(function () {
  'use strict';
  var rec = {
    states: [],
    events: [],
    errors: [],
    completed: 0,
    readyAt: null,
    threw: null,
    readySettled: null,
    results: [],
  };
  window.__rtv = rec;

  function options() {
    var q = new URLSearchParams(location.search);
    return JSON.parse(q.get('o') || '{}');
  }

  /** Starts the flow with the RtVideo class of either build. */
  window.rtvFlow = function (RtVideo) {
    rec.version = RtVideo.version;
    if (RtVideo.ready && RtVideo.ready.then) {
      RtVideo.ready.then(
        function () {
          rec.readySettled = 'resolved';
        },
        function (e) {
          rec.readySettled = { code: e.code, msg: e.msg, isError: e instanceof Error };
        },
      );
    }
    var rtv;
    try {
      rtv = new RtVideo(options(), {
        next: function (ev) {
          rec.events.push({ type: ev.type, sid: ev.data && ev.data.sid });
          if (ev.type === 'STATE_CHANGE') {
            rec.states.push(ev.data.state);
            if (ev.data.state === 'ready' && rec.readyAt === null) rec.readyAt = performance.now();
          }
        },
        error: function (e) {
          rec.errors.push({ code: e.code, msg: e.msg });
        },
        complete: function () {
          rec.completed += 1;
        },
      });
    } catch (e) {
      rec.threw = { code: e.code, msg: e.msg || e.message, isError: e instanceof Error };
      return;
    }
    window.__call = function (name, arg) {
      rtv[name](arg).then(
        function () {
          rec.results.push(name + ' ok');
        },
        function (e) {
          rec.results.push(name + ' ' + (e && e.code));
        },
      );
    };
    window.__state = function () {
      return rtv.state();
    };
  };
})();
