// Runs right after the script-tag build, while its wasm is still being
// fetched (the test server holds it): makes instances on the facade and
// queues calls, recording, in one ordered list, every callback and every
// promise settlement. Options of the good instance come from the query
// (`opts`, JSON).
//
// window.L: { log: [..], ready: bool, readySettled: bool, stateBefore, good, bad }
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var good = JSON.parse(q.get('opts') || 'null');
  var L = { log: [], readySettled: false, stateBefore: null, wasmReadyAtStart: null };
  window.L = L;

  function plain(v) {
    try {
      return JSON.parse(JSON.stringify(v));
    } catch (e) {
      return String(v);
    }
  }
  function observer(who) {
    return {
      next: function (ev) {
        L.log.push({ who: who, kind: 'next', type: ev.type, data: plain(ev.data) });
      },
      error: function (err) {
        L.log.push({ who: who, kind: 'error', code: err.code, msg: err.msg, err: plain(err) });
      },
      complete: function () {
        L.log.push({ who: who, kind: 'complete' });
      },
    };
  }
  function track(who, name, p) {
    p.then(
      function (v) {
        L.log.push({ who: who, kind: 'resolve', call: name, value: plain(v) });
      },
      function (e) {
        L.log.push({ who: who, kind: 'reject', call: name, code: e && e.code, err: plain(e) });
      },
    );
  }

  RtVideo.ready.then(
    function () {
      L.readySettled = 'resolved';
    },
    function (e) {
      L.readySettled = 'rejected: ' + (e && e.code);
    },
  );
  // Is the wasm really still loading? `ready` has not settled synchronously;
  // a microtask later it still must not have (the server holds the file).
  L.wasmReadyAtStart = L.readySettled;

  // Invalid options: no throw while loading; CONFIG through error, then complete.
  try {
    L.bad = new RtVideo({ systemCode: 'E2E', account: 'x', profile: 'staging' }, observer('bad'));
    L.badThrew = false;
    L.badIsInstance = L.bad instanceof RtVideo;
    track('bad', 'rest', L.bad.rest());
  } catch (e) {
    L.badThrew = String(e && (e.message || e.msg || e));
  }

  // Valid options: a facade whose calls are queued and replayed in order.
  if (good) {
    var g = new RtVideo(good, observer('good'));
    L.good = g;
    L.stateBefore = g.state();
    track('good', 'answer', g.answer(5)); // INVALID_ARGUMENT (not a string)
    track('good', 'rest', g.rest()); // INVALID_STATE (disconnected)
    track('good', 'snapshot', g.snapshot('screen')); // INVALID_ARGUMENT (bad type)
    track('good', 'back', g.back()); // INVALID_STATE
    track('good', 'reconnect', g.reconnect()); // resolves
    track('good', 'hangUp', g.hangUp()); // INVALID_ARGUMENT (missing)
  }
  L.queuedAt = performance.now();
})();
