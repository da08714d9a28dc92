// Browser checks and load-failure reports shared by both builds: inlined into
// the script-tag build (pkg-template/boot.js and bundle.js) and shipped as support.js of
// the npm package (imported by index.js). ES5 on purpose: it must parse on
// every engine, also on those it then reports as unsupported.

var UNSUPPORTED = 'UNSUPPORTED_BROWSER';
// Dual-core browsers (360 / QQ / Sogou) pinned to their IE engine need the switch to their Chromium core.
var UPGRADE_ZH = '请把浏览器切换到极速模式（地址栏右侧的闪电图标），或使用 Chrome、Edge 等 Chromium 72 或更高版本内核的浏览器';
var UPGRADE_EN = 'switch the browser to its fast mode (极速模式, the lightning icon in the address bar), or use Chrome, Edge or another browser on Chromium 72 or later';

/**
 * The SDK's error value, `{code, msg}`, as the `error` callback and promise
 * rejections carry it (SPEC §1): a plain object, which survives structured
 * cloning and test drivers' serialization unchanged (docs/DECISIONS.md D54).
 */
function sdkError(code, msg) {
  return { code: code, msg: msg };
}

/** Calls `observer[name](arg)` when it is a function; one that throws is logged and the SDK goes on (SPEC §1). */
function callObserver(observer, name, arg) {
  var f = observer && observer[name];
  if (typeof f !== 'function') return;
  try {
    f.call(observer, arg);
  } catch (e) {
    if (typeof console !== 'undefined' && console.error) console.error('[RtVideo] observer.' + name + ' threw', e);
  }
}

/** What a constructor throws: an `Error` with the same `code` and `msg`. */
function sdkThrowable(err) {
  var e = new Error(err.msg);
  Object.keys(err).forEach(function (k) {
    e[k] = err[k];
  });
  return e;
}

/** The browser APIs the SDK cannot run without, and those that are missing here. */
function missingApis() {
  var g = typeof globalThis !== 'undefined' ? globalThis : typeof self !== 'undefined' ? self : window;
  var need = ['WebAssembly', 'EventSource', 'fetch', 'WebSocket', 'Promise', 'TextDecoder', 'TextEncoder'];
  return need.filter(function (name) {
    var v = g[name];
    return v === undefined || v === null;
  });
}

/** `UNSUPPORTED_BROWSER` when a required API is missing here, else null. */
function unsupported() {
  var missing = missingApis();
  if (missing.length === 0) return null;
  var list = missing.join(', ');
  return sdkError(
    UNSUPPORTED,
    'RtVideo: 当前浏览器缺少 ' + list + '，无法运行坐席 SDK；' + UPGRADE_ZH +
      '. This browser lacks ' + list + ', which the agent SDK needs; ' + UPGRADE_EN + '.'
  );
}

/**
 * What a failed load of the wasm becomes: `UNSUPPORTED_BROWSER` when the
 * engine cannot compile the module (too old, or a CSP that forbids
 * WebAssembly on this engine), `INTERNAL` otherwise (e.g. the file is missing).
 */
function loadFailure(e, file) {
  var text = e && e.message ? String(e.message) : String(e);
  var compile = !!e && (e.name === 'CompileError' || e.name === 'LinkError');
  if (compile && /disallowed by embedder|Content Security Policy|unsafe-eval/i.test(text)) {
    return sdkError(
      UNSUPPORTED,
      "RtVideo: 页面的内容安全策略（CSP）禁止编译 WebAssembly：Chromium 97 以前的内核需要 script-src 'unsafe-eval'，" +
        "97 起 'wasm-unsafe-eval' 即可 (" + text + "). The page's Content-Security-Policy forbids compiling " +
        "WebAssembly: engines before Chromium 97 need script-src 'unsafe-eval', from 97 on 'wasm-unsafe-eval' is enough."
    );
  }
  if (compile) {
    return sdkError(
      UNSUPPORTED,
      'RtVideo: 浏览器无法编译 ' + file + '（' + text + '）；' + UPGRADE_ZH +
        '. This browser cannot compile ' + file + ' (' + text + '); ' + UPGRADE_EN + '.'
    );
  }
  return sdkError('INTERNAL', 'RtVideo: cannot load ' + file + ': ' + text);
}
