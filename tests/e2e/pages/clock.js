// Test clock for the SDK's page (loaded before the SDK). The SDK reads time
// only through `performance.now()` and waits only through `setTimeout`, so
// scaling both makes its fixed timings (45 s ping watchdog, 20 s heartbeat,
// 30 s backoff cap) testable in seconds: with `?speed=20` one real second is
// twenty SDK seconds. `throttle` imitates Chromium's intensive throttling of
// hidden tabs: while the page is hidden, a timer fires only at the next
// whole multiple of `throttle` SDK-milliseconds (Chromium: once a minute).
//
// Query: speed=<factor> (default 1), throttle=<ms> (default off).
// window.__clock: { speed, realNow(), realSetTimeout, now(), setThrottle(ms),
// deferred } — `deferred` counts timers the throttle pushed back, so a test
// can prove the throttle really acted; hide(bool) makes the page (look) hidden.
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var speed = Number(q.get('speed') || 1);
  if (!(speed > 0)) speed = 1;
  var throttleMs = Number(q.get('throttle') || 0);

  var realNow = performance.now.bind(performance);
  var realSetTimeout = window.setTimeout.bind(window);
  var t0 = realNow();
  var clock = {
    speed: speed,
    deferred: 0,
    realNow: realNow,
    realSetTimeout: realSetTimeout,
    now: function () {
      return t0 + (realNow() - t0) * speed;
    },
    setThrottle: function (ms) {
      throttleMs = Number(ms) || 0;
    },
    // Headless Chromium reports every page as visible (a minimized window, a
    // background or hidden CDP target included), so a test hides the page
    // by overriding the visibility getters and firing `visibilitychange`.
    hide: function (hidden) {
      var state = hidden ? 'hidden' : 'visible';
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: function () { return state; } });
      Object.defineProperty(document, 'hidden', { configurable: true, get: function () { return hidden; } });
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
  window.__clock = clock;
  if (speed === 1 && !throttleMs) return;

  performance.now = clock.now;
  window.setTimeout = function (cb, ms) {
    var args = Array.prototype.slice.call(arguments, 2);
    var wait = Math.max(0, Number(ms) || 0);
    if (throttleMs && document.visibilityState === 'hidden') {
      var now = clock.now();
      var due = Math.ceil((now + wait) / throttleMs) * throttleMs;
      if (due - now > wait + 1) clock.deferred++;
      wait = due - now;
    }
    return realSetTimeout.apply(window, [cb, wait / speed].concat(args));
  };
})();
