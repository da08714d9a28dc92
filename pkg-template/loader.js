// Script-tag build of snk-rt-video-pc: `<script src=".../dist/snk-rt-video-pc.js">`
// defines `window.RtVideo` synchronously and starts loading
// `snk_rt_video_pc_bg.wasm` (next to this script) at once.
//
// scripts/build.mjs assembles dist/snk-rt-video-pc.js from this file: the
// wasm-bindgen `no-modules` glue replaces the `@glue` line (it declares a
// local `wasm_bindgen`, so nothing leaks but `RtVideo`), and the two
// `__RTV_*__` names are replaced by the generated constants and the version.
//
// Why a facade: pages written for the JS package call `new RtVideo(...)` from
// `<body onload>`, which may run before the wasm is compiled. Until then the
// constructor returns a facade with every method; its calls are queued and run
// on the real instance as soon as it exists. Meanwhile the facade opens the
// push channel and the EXE socket (early.js, D70), which the real instance
// takes over if the core asks for the same URLs. Once the wasm is ready,
// `new RtVideo(...)` builds the real instance directly (and throws on bad
// options, naming the field, like the ESM build).
//
// No eval / new Function: the SDK runs under
// `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`.
(function () {
  'use strict';

  /* @support */

  var WASM_FILE = 'snk_rt_video_pc_bg.wasm';
  // Set when the SDK cannot run here: UNSUPPORTED_BROWSER (a required API is
  // missing, or the engine cannot compile the module) or INTERNAL (the wasm
  // could not be fetched). See support.js.
  var loadError = unsupported();
  // The wasm is requested before the rest of this file is evaluated (the tab
  // layer, the log ring and the glue), and compiled while it streams in:
  // wasm-bindgen's init takes the response promise.
  var wasmResponse = loadError ? null : fetch(wasmUrl());

  /* @logs */

  /* @tabs */

  /* @early */

  /* @glue */

  var Consts = deepFreeze(__RTV_CONSTS__);
  var VERSION = __RTV_VERSION__;
  var METHODS = [
    'rest', 'back', 'answer', 'refuse', 'hangUp', 'snapshot', 'reconnect',
    'askChangePerson', 'cancelChangePerson', 'acceptChangePerson', 'refuseChangePerson',
    'askAddPerson', 'cancelAddPerson', 'removeAddPerson', 'acceptAddPerson',
    'refuseAddPerson', 'quitAddPerson',
  ];
  var COUNTER_NAMES = ['listeners', 'timers', 'eventSources', 'webSockets', 'fetches', 'instances', 'channels', 'lockRequests'];

  var Real = null; // the wasm-bindgen class, once the module is instantiated
  var waiting = []; // facades made before the module was ready

  function deepFreeze(o) {
    Object.keys(o).forEach(function (k) {
      if (o[k] && typeof o[k] === 'object') deepFreeze(o[k]);
    });
    return Object.freeze(o);
  }

  // The SDK marks its promises handled, so pages that ignore them see no
  // "uncaught (in promise)"; the facade's promises behave the same.
  function handled(p) {
    p.catch(function () {});
    return p;
  }


  function wasmUrl() {
    var script = typeof document !== 'undefined' ? document.currentScript : null;
    var base = script && script.src ? script.src : location.href;
    return new URL(WASM_FILE, base).href;
  }

  /** Stands in for an instance while the wasm loads (see the file comment). */
  function Facade(options, observer) {
    this._options = options;
    this._observer = observer;
    this._real = null;
    this._queue = []; // [{name, args, resolve, reject}]
    this._ended = null; // the error that ended it before a real instance existed
    this._completed = false;
    this._early = null; // links opened before the wasm is ready (early.js)
  }

  Facade.prototype.state = function () {
    return this._real ? this._real.state() : Consts.ServiceFsmState.DISCONNECTED;
  };

  METHODS.forEach(function (name) {
    Facade.prototype[name] = function () {
      return this._call(name, Array.prototype.slice.call(arguments));
    };
  });

  // Support logs: the real instance's once it exists (nothing happened before).
  Facade.prototype.getLogs = function () {
    return this._real ? this._real.getLogs() : '';
  };
  Facade.prototype.exportLogs = function () {
    return this._real ? this._real.exportLogs() : new Blob([''], { type: 'text/plain;charset=utf-8' });
  };
  Facade.prototype.downloadLogs = function (filename) {
    return this._real ? this._real.downloadLogs(filename) : null;
  };
  Facade.prototype.exportTrace = function () {
    return this._real ? this._real.exportTrace() : null;
  };

  Facade.prototype.destroy = function () {
    if (this._real) return this._real.destroy();
    if (!this._completed) {
      // The real instance will never be made: nothing was opened, so only
      // the queued calls and `complete()` remain to settle.
      this._end(sdkError('DESTROYED', 'RtVideo: destroy() was called'), false);
    }
    return handled(Promise.resolve());
  };

  Facade.prototype._call = function (name, args) {
    if (this._real) return this._real[name].apply(this._real, args);
    if (this._ended) return handled(Promise.reject(this._ended));
    var queue = this._queue;
    return handled(
      new Promise(function (resolve, reject) {
        queue.push({ name: name, args: args, resolve: resolve, reject: reject });
      }),
    );
  };

  /** The wasm is ready: make the real instance and replay the queued calls. */
  Facade.prototype._start = function () {
    if (this._completed) return;
    var early = this._early;
    this._early = null;
    try {
      this._real = new RtVideoTab(Real, this._options, this._observer, { version: VERSION, early: early });
    } catch (e) {
      if (early) early.end();
      var msg = e && e.message ? String(e.message) : String(e);
      this._end(sdkError('CONFIG', msg), true);
      return;
    }
    this._options = null;
    var real = this._real;
    var queue = this._queue;
    this._queue = [];
    queue.forEach(function (q) {
      real[q.name].apply(real, q.args).then(q.resolve, q.reject);
    });
  };

  /** Ends a facade without a real instance: `error` (if reported), then `complete()` once. */
  Facade.prototype._end = function (err, report) {
    if (this._early) this._early.end();
    this._early = null;
    this._ended = err;
    this._completed = true;
    var queue = this._queue;
    this._queue = [];
    queue.forEach(function (q) {
      q.reject(err);
    });
    var observer = this._observer;
    this._observer = null;
    this._options = null;
    if (report) tabCall(observer, 'error', err);
    tabCall(observer, 'complete');
  };

  /**
   * `new RtVideo(options, observer)`: the real instance once the wasm is
   * ready, a facade before that (or after the wasm failed to load, so that the
   * page hears about it through `error` + `complete`).
   */
  function RtVideo(options, observer) {
    if (!new.target) throw new TypeError("Class constructor RtVideo cannot be invoked without 'new'");
    if (Real) return new RtVideoTab(Real, options, observer, { version: VERSION });
    var facade = new Facade(options, observer);
    if (loadError) {
      var err = loadError;
      Promise.resolve().then(function () {
        facade._end(err, true);
      });
    } else {
      waiting.push(facade);
      try {
        facade._early = earlyLinks(options);
      } catch (e) {
        facade._early = null; // an engine without what early.js uses: open them later
      }
    }
    return facade;
  }

  // `x instanceof RtVideo` holds for facades and real instances alike.
  Object.defineProperty(RtVideo, Symbol.hasInstance, {
    value: function (o) {
      return o instanceof Facade || o instanceof RtVideoTab;
    },
  });
  Object.defineProperty(RtVideo, 'Consts', { value: Consts, enumerable: true });
  Object.defineProperty(RtVideo, 'version', { value: VERSION, enumerable: true });

  /** Live SDK resources on the page (all zero before the wasm is loaded). */
  RtVideo.debugCounters = function () {
    var c = {};
    if (Real) {
      c = tabDebugCounters(Real.debugCounters());
    } else {
      COUNTER_NAMES.forEach(function (k) {
        c[k] = tabCounters[k] || 0;
      });
    }
    // Early links not (yet) handed to a wasm instance.
    c.eventSources += earlyCounters.eventSources;
    c.webSockets += earlyCounters.webSockets;
    return c;
  };

  function failAll(err) {
    loadError = err;
    var list = waiting;
    waiting = [];
    list.forEach(function (f) {
      f._end(err, true);
    });
    throw err;
  }

  /**
   * Resolves when the wasm is ready; rejects with `UNSUPPORTED_BROWSER` when
   * the SDK cannot run in this browser, `INTERNAL` when the wasm cannot load.
   */
  RtVideo.ready = handled(
    loadError
      ? Promise.reject(loadError)
      : wasm_bindgen({ module_or_path: wasmResponse }).then(
          function () {
            Real = wasm_bindgen.RtVideo;
            var list = waiting;
            waiting = [];
            list.forEach(function (f) {
              f._start();
            });
          },
          function (e) {
            failAll(loadFailure(e, WASM_FILE));
          },
        ),
  );

  window.RtVideo = RtVideo;
})();
