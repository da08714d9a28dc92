// Shared by the benchmark pages (tests/bench/browser.mjs): window.B counts
// what reaches the page's one sink function and asks the simulator for push
// bursts. Query parameters: sim (the simulator's base URL, ending with "/"),
// exe (its fake EXE URL), account.
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var B = {
    sim: q.get('sim'),
    exe: q.get('exe'),
    account: q.get('account'),
    count: 0,
    target: 0,
    first: 0,
    last: 0,
    done: null,
  };
  window.B = B;
  if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(5000);

  /** The one function each pushed message reaches (floor page and SDK page alike). */
  B.sink = function (msg) {
    if (B.watch) B.watch(msg);
    var n = ++B.count;
    if (n === 1) B.first = performance.now();
    if (n === B.target) {
      B.last = performance.now();
      if (B.done) B.done();
    }
    return msg;
  };

  /**
   * Asks the simulator for a burst of `n` messages (50203/50204 alternating,
   * 80-character URLs) for this page's account; resolves with the page times
   * (ms): t0 (request sent), first and last message at the sink.
   */
  B.burst = function (n, timeoutMs) {
    B.count = 0;
    B.target = n;
    B.first = 0;
    B.last = 0;
    var all = new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error('burst: ' + B.count + ' of ' + n + ' messages arrived'));
      }, timeoutMs || 60000);
      B.done = function () {
        clearTimeout(timer);
        B.done = null;
        resolve();
      };
    });
    var t0 = performance.now();
    var body = JSON.stringify({ account: B.account, n: n, msgTypes: [50203, 50204], urlLen: 80 });
    return fetch(B.sim + 'sim/burst', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body })
      .then(function (r) {
        if (!r.ok) throw new Error('sim/burst: HTTP ' + r.status);
        return all;
      })
      .then(function () {
        return { t0: t0, first: B.first, last: B.last, count: B.count };
      });
  };

  /** The Resource Timing entries whose URL ends with `suffix` (plain objects). */
  B.resources = function (suffix) {
    return performance
      .getEntriesByType('resource')
      .filter(function (e) {
        return e.name.split('?')[0].slice(-suffix.length) === suffix;
      })
      .map(function (e) {
        return { name: e.name, startTime: e.startTime, responseEnd: e.responseEnd, duration: e.duration, transferSize: e.transferSize };
      });
  };

  /** A bare fetch of one POST, as the SDK sends it: resolves with its time in ms (to the parsed body). */
  B.bareFetch = function (url, body) {
    var t = performance.now();
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body })
      .then(function (r) {
        return r.text();
      })
      .then(function (text) {
        JSON.parse(text);
        return performance.now() - t;
      });
  };
})();
