// Script-tag build of snk-rt-video-pc, the file a page includes:
// `<script src=".../dist/snk-rt-video-pc.js">` defines `window.RtVideo`
// synchronously, in ES5 (IE9+ syntax), so that every engine parses it, also
// the IE engine of dual-core browsers (360 / QQ / Sogou "兼容模式").
//
// Where the engine can run the SDK, it requests `snk_rt_video_pc_bg.wasm` at
// once (compiled while it streams in) and loads the rest of the SDK, the ES2019
// file `snk-rt-video-pc.sdk.js` beside it (pkg-template/bundle.js: the log
// ring, the tab layer, the early links and the wasm-bindgen glue), which hands
// itself over through a hidden `RtVideo.__attach`. Where it cannot, `new
// RtVideo(...)` reports `UNSUPPORTED_BROWSER` through `error()` + `complete()`
// and nothing more is loaded (docs/DECISIONS.md D75).
//
// Why a facade: pages written for the JS package call `new RtVideo(...)` right
// after the script tag or from `<body onload>`, before the wasm is compiled.
// Until then the constructor returns a facade with every method; its calls
// are queued and run on the real instance as soon as it exists. Once the
// second file is in, the facade opens the push channel and the EXE socket
// (early.js, D70), which the real instance takes over. Once the wasm is
// ready, `new RtVideo(...)` builds the real instance directly (and throws on
// bad options, naming the field, like the ESM build).
//
// Why one file of ~350 lines: it is the one file every engine must parse
// (ES5, no modules, nothing it could load first), so the facade, the support
// check, the loader of the second file and the statics live together here.
//
// scripts/build.mjs fills the placeholders (support.js, the constants, the
// version). No eval / new Function: the second file is a script element with
// the page's nonce, so `script-src 'self'` (or a nonce) covers it.
(function () {
  'use strict';

  /* @support */

  var WASM_FILE = 'snk_rt_video_pc_bg.wasm';
  var SDK_FILE = 'snk-rt-video-pc.sdk.js';
  var Consts = deepFreeze(__RTV_CONSTS__);
  var VERSION = __RTV_VERSION__;
  var METHODS = [
    'rest', 'back', 'answer', 'refuse', 'hangUp', 'snapshot', 'reconnect',
    'askChangePerson', 'cancelChangePerson', 'acceptChangePerson', 'refuseChangePerson',
    'askAddPerson', 'cancelAddPerson', 'removeAddPerson', 'acceptAddPerson',
    'refuseAddPerson', 'quitAddPerson',
  ];
  var COUNTER_NAMES = ['listeners', 'timers', 'eventSources', 'webSockets', 'fetches', 'instances', 'channels', 'lockRequests'];

  var script = document.currentScript; // undefined in IE, which never needs it
  // Set when the SDK cannot run here: UNSUPPORTED_BROWSER (a required API is
  // missing, the engine cannot compile the module or parse the second file)
  // or INTERNAL (a file could not be fetched). See support.js.
  var loadError = unsupported();
  var sdk = null; // what the second file handed over
  var Real = null; // the wasm-bindgen class, once the module is instantiated
  var waiting = []; // facades made before the module was ready
  var settleReady = null; // [resolve, reject] of RtVideo.ready
  // The wasm is requested first, before the second file (D69).
  var wasmResponse = loadError ? null : fetch(near(WASM_FILE));

  function deepFreeze(o) {
    Object.keys(o).forEach(function (k) {
      if (o[k] && typeof o[k] === 'object') deepFreeze(o[k]);
    });
    return Object.freeze(o);
  }

  /** `file` next to this script. */
  function near(file) {
    return new URL(file, script && script.src ? script.src : location.href).href;
  }

  // The SDK marks its promises handled, so pages that ignore them see no
  // "uncaught (in promise)"; the facade's promises behave the same.
  function handled(p) {
    p.catch(function () {});
    return p;
  }

  /** A rejected, handled promise; nothing where the engine has no Promise (it never gets that far). */
  function rejected(err) {
    return typeof Promise === 'function' ? handled(Promise.reject(err)) : undefined;
  }

  /** Runs `fn` soon: after the constructor returned, so the page holds its instance. */
  function soon(fn) {
    if (typeof Promise === 'function') Promise.resolve().then(fn);
    else setTimeout(fn, 0);
  }

  /** Stands in for an instance while the SDK loads (see the file comment). */
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
    return typeof Promise === 'function' ? handled(Promise.resolve()) : undefined;
  };

  Facade.prototype._call = function (name, args) {
    if (this._real) return this._real[name].apply(this._real, args);
    // Ended, or about to be (the engine cannot run the SDK, maybe has no Promise).
    if (this._ended || loadError) return rejected(this._ended || loadError);
    var queue = this._queue;
    return handled(
      new Promise(function (resolve, reject) {
        queue.push({ name: name, args: args, resolve: resolve, reject: reject });
      })
    );
  };

  /** The second file is in: open the links early (until the wasm is ready). */
  Facade.prototype._openEarly = function () {
    try {
      this._early = sdk.earlyLinks(this._options);
    } catch (e) {
      this._early = null; // an engine without what early.js uses: open them later
    }
  };

  /** The wasm is ready: make the real instance and replay the queued calls. */
  Facade.prototype._start = function () {
    if (this._completed) return;
    var early = this._early;
    this._early = null;
    try {
      this._real = new sdk.Tab(Real, this._options, this._observer, { version: VERSION, early: early });
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
    if (report) callObserver(observer, 'error', err);
    callObserver(observer, 'complete');
  };


  /**
   * `new RtVideo(options, observer)`: the real instance once the wasm is
   * ready, a facade before that (or when the SDK cannot run here, so that the
   * page hears about it through `error` + `complete`).
   */
  function RtVideo(options, observer) {
    // (Not `instanceof`: RtVideo answers that for facades and instances.)
    if (!this || Object.getPrototypeOf(this) !== RtVideo.prototype) {
      throw new TypeError("Class constructor RtVideo cannot be invoked without 'new'");
    }
    if (Real) return new sdk.Tab(Real, options, observer, { version: VERSION });
    var facade = new Facade(options, observer);
    if (loadError) {
      var err = loadError;
      soon(function () {
        facade._end(err, true);
      });
    } else {
      waiting.push(facade);
      if (sdk) facade._openEarly();
    }
    return facade;
  }

  // `x instanceof RtVideo` holds for facades and real instances alike.
  if (typeof Symbol === 'function' && Symbol.hasInstance) {
    Object.defineProperty(RtVideo, Symbol.hasInstance, {
      value: function (o) {
        return o instanceof Facade || (!!sdk && o instanceof sdk.Tab);
      },
    });
  }
  Object.defineProperty(RtVideo, 'Consts', { value: Consts, enumerable: true });
  Object.defineProperty(RtVideo, 'version', { value: VERSION, enumerable: true });

  /** Live SDK resources on the page (all zero before the second file is in). */
  RtVideo.debugCounters = function () {
    if (sdk) return sdk.debugCounters(Real, COUNTER_NAMES);
    var c = {};
    COUNTER_NAMES.forEach(function (k) {
      c[k] = 0;
    });
    return c;
  };

  /** The SDK cannot start here: every facade made so far hears `err`. */
  function failAll(err) {
    loadError = err;
    var list = waiting;
    waiting = [];
    list.forEach(function (f) {
      f._end(err, true);
    });
    if (settleReady) settleReady[1](err);
  }

  /**
   * Resolves when the wasm is ready; rejects with `UNSUPPORTED_BROWSER` when
   * the SDK cannot run in this browser, `INTERNAL` when a file cannot load.
   */
  if (loadError) {
    RtVideo.ready = rejected(loadError);
  } else {
    RtVideo.ready = handled(
      new Promise(function (resolve, reject) {
        settleReady = [resolve, reject];
      })
    );
  }

  /**
   * The self-check (preflight.js, in the second file): resolves with a report,
   * one entry per check, once the SDK is loaded or could not be, within
   * `opts.timeout` (10 s) in all. Where the second file never comes (the IE
   * engine), the report has the engine's entry only. Nothing without Promise.
   */
  RtVideo.preflight = function (options, opts) {
    if (typeof Promise !== 'function') return undefined;
    var limit = opts && opts.timeout > 0 ? opts.timeout : 10000;
    var t0 = Date.now();
    return new Promise(function (resolve) {
      var timer = setTimeout(resolve, limit);
      RtVideo.ready.then(null, function () {}).then(function () {
        clearTimeout(timer);
        resolve();
      });
    }).then(function () {
      var err = loadError || sdkError('TIMEOUT', 'RtVideo: the SDK did not load within ' + limit + ' ms');
      if (sdk) return sdk.preflight(Real, Real ? null : err, VERSION, options, { timeout: Math.max(limit - (Date.now() - t0), 1) });
      var a = err.code === UNSUPPORTED ? [UPGRADE_ZH, UPGRADE_EN] : ['', ''];
      return {
        ok: false,
        version: VERSION,
        at: new Date().toISOString(),
        userAgent: navigator.userAgent,
        checks: [{ check: 'engine', ok: false, code: err.code, detail: err.msg, advice: { zh: a[0], en: a[1] } }],
      };
    });
  };

  /** Called by the second file with what it holds (bundle.js). */
  function attach(api) {
    if (sdk || loadError) return;
    sdk = api;
    waiting.forEach(function (f) {
      f._openEarly();
    });
    sdk.init(wasmResponse).then(
      function (cls) {
        Real = cls;
        var list = waiting;
        waiting = [];
        list.forEach(function (f) {
          f._start();
        });
        settleReady[0]();
      },
      function (e) {
        failAll(loadFailure(e, WASM_FILE));
      }
    );
  }
  Object.defineProperty(RtVideo, '__attach', { value: attach });

  if (!loadError) {
    var el = document.createElement('script');
    el.src = near(SDK_FILE);
    if (script && script.nonce) el.nonce = script.nonce;
    el.onload = function () {
      // Loaded but not handed over: the engine could not parse it.
      if (!sdk) {
        failAll(
          sdkError(
            UNSUPPORTED,
            'RtVideo: 浏览器无法运行 ' + SDK_FILE + '；' + UPGRADE_ZH + '. This browser cannot run ' + SDK_FILE + '; ' + UPGRADE_EN + '.'
          )
        );
      }
    };
    el.onerror = function () {
      failAll(sdkError('INTERNAL', 'RtVideo: cannot load ' + SDK_FILE));
    };
    (document.head || document.documentElement).appendChild(el);
  }

  window.RtVideo = RtVideo;
})();
