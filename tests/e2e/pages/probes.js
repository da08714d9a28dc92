// Page probes for the fault and leak tests (loaded before the SDK):
// - the SDK's wasm memory: the instance is caught on its way out of
//   WebAssembly.instantiate(Streaming), so a test can read
//   `memory.buffer.byteLength` (window.__probes.wasmBytes());
// - every EventSource and WebSocket the page constructs, with the time
//   (real ms) and URL, so a test sees each reconnect attempt of the SDK (and,
//   for EventSources, when the stream opened, failed first and last carried a frame; for
//   WebSockets, when the socket closed);
// - every console message, so a test can check what the SDK printed.
(function () {
  'use strict';
  // Real time even when pages/clock.js accelerated performance.now().
  var realNow = (window.__clock && window.__clock.realNow) || performance.now.bind(performance);
  var probes = { memory: null, eventSources: [], webSockets: [], console: [] };
  window.__probes = probes;
  /** Forgets what was recorded (a leak test must not measure the probes' own lists). */
  probes.clear = function () {
    probes.eventSources.length = 0;
    probes.webSockets.length = 0;
    probes.console.length = 0;
  };
  probes.wasmBytes = function () {
    return probes.memory ? probes.memory.buffer.byteLength : -1;
  };

  function keep(result) {
    var inst = result && (result.instance || result);
    if (inst && inst.exports && inst.exports.memory instanceof WebAssembly.Memory) {
      probes.memory = inst.exports.memory;
    }
    return result;
  }
  var streaming = WebAssembly.instantiateStreaming;
  if (streaming) {
    WebAssembly.instantiateStreaming = function () {
      return streaming.apply(WebAssembly, arguments).then(keep);
    };
  }
  var instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function () {
    return instantiate.apply(WebAssembly, arguments).then(keep);
  };

  var RealES = window.EventSource;
  // Each entry also learns when its stream opened and when it last carried
  // anything (a message or a ping), from listeners of the probe's own.
  function ProbedEventSource(url, init) {
    var entry = { t: realNow(), url: String(url), opened: null, lastActivity: null, failed: null };
    probes.eventSources.push(entry);
    var es = new RealES(url, init);
    es.addEventListener('open', function () {
      entry.opened = realNow();
    });
    es.addEventListener('error', function () {
      if (entry.failed === null) entry.failed = realNow();
    });
    ['message', 'ping'].forEach(function (type) {
      es.addEventListener(type, function () {
        entry.lastActivity = realNow();
      });
    });
    return es;
  }
  ProbedEventSource.prototype = RealES.prototype;
  ['CONNECTING', 'OPEN', 'CLOSED'].forEach(function (k) {
    ProbedEventSource[k] = RealES[k];
  });
  window.EventSource = ProbedEventSource;

  var RealWS = window.WebSocket;
  function ProbedWebSocket(url, protocols) {
    var entry = { t: realNow(), url: String(url), closed: null };
    probes.webSockets.push(entry);
    var ws = protocols === undefined ? new RealWS(url) : new RealWS(url, protocols);
    ws.addEventListener('close', function () {
      entry.closed = realNow();
    });
    return ws;
  }
  ProbedWebSocket.prototype = RealWS.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) {
    ProbedWebSocket[k] = RealWS[k];
  });
  window.WebSocket = ProbedWebSocket;

  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var real = console[level];
    console[level] = function () {
      var parts = Array.prototype.map.call(arguments, function (a) {
        if (typeof a === 'string') return a;
        try {
          return JSON.stringify(a);
        } catch (e) {
          return String(a);
        }
      });
      probes.console.push({ level: level, text: parts.join(' ') });
      if (probes.console.length > 5000) probes.console.shift();
      return real.apply(console, arguments);
    };
  });
})();
