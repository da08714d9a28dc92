// The SDK page: one RtVideo for B.account on the simulator, made at once;
// every VIDEOTAPE / IMAGE event goes to B.sink, the other events are recorded. Marks (performance.now(), ms since navigation): wasmReady
// (RtVideo.ready resolved), ready (first STATE_CHANGE ready), busy.
(function () {
  'use strict';
  var B = window.B;
  B.marks = {};
  B.events = []; // everything but the burst messages: {t, type, data}
  B.errors = {}; // error code -> count
  B.waiters = [];

  function other(ev) {
    var t = performance.now();
    B.events.push({ t: t, type: ev.type, data: ev.data });
    if (ev.type === 'STATE_CHANGE' && B.marks[ev.data.state] === undefined) B.marks[ev.data.state] = t;
    B.waiters = B.waiters.filter(function (w) {
      if (!w.pred(ev)) return true;
      w.resolve({ t: t, type: ev.type, data: ev.data });
      return false;
    });
  }

  var observer = {
    next: function (ev) {
      if (ev.type === 'VIDEOTAPE' || ev.type === 'IMAGE') B.sink(ev);
      else other(ev);
    },
    error: function (err) {
      B.errors[err.code] = (B.errors[err.code] || 0) + 1;
    },
  };

  /** Resolves with the first event from now on for which `pred(ev)` holds. */
  B.nextEvent = function (pred, timeoutMs) {
    return new Promise(function (resolve, reject) {
      var w = { pred: pred, resolve: resolve };
      B.waiters.push(w);
      setTimeout(function () {
        reject(new Error('no such event within ' + (timeoutMs || 10000) + ' ms; errors ' + JSON.stringify(B.errors)));
      }, timeoutMs || 10000);
    });
  };

  /** The first event so far (or from now on) with this type and state/sid. */
  B.seen = function (type, key, value) {
    var pred = function (ev) {
      return ev.type === type && (key === undefined || (ev.data && ev.data[key] === value));
    };
    for (var i = 0; i < B.events.length; i++) if (pred(B.events[i])) return Promise.resolve(B.events[i]);
    return B.nextEvent(pred);
  };

  /**
   * answer(sid), timed: resolves with tCall (just before the call), tBusy
   * (STATE_CHANGE busy reached the page) and the Resource Timing of the POST.
   */
  B.answerTimed = function (sid) {
    var busy = B.nextEvent(function (ev) {
      return ev.type === 'STATE_CHANGE' && ev.data.state === 'busy';
    });
    var before = B.resources('rtv/call/answer').length;
    var tCall = performance.now();
    var answered = B.rtv.answer(sid);
    return Promise.all([busy, answered]).then(function (r) {
      var tBusy = r[0].t;
      // The entry is added once the response body is read, which the SDK did before `busy`.
      var rt = B.resources('rtv/call/answer').slice(before);
      return { tCall: tCall, tBusy: tBusy, rt: rt[rt.length - 1] || null };
    });
  };

  // Constructed at once, as pages of the JS package do (a facade until the
  // wasm is ready: its links open meanwhile, pkg-template/early.js).
  B.rtv = new RtVideo(
    {
      systemCode: 'BENCH',
      account: B.account,
      sseServerUrl: B.sim + 'push-client/',
      videoServiceUrl: B.sim + 'rtv/',
      stateServiceUrl: B.sim + 'dispatch/',
      exeUrl: B.exe,
      logLevel: 'silent',
    },
    observer,
  );
  RtVideo.ready.then(function () {
    B.marks.wasmReady = performance.now();
  }, function (e) {
    B.loadError = String((e && e.code) || e);
  });
})();
