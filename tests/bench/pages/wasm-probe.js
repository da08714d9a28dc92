// Loaded before the SDK on the benchmark's SDK page: catches the wasm instance
// on its way out of WebAssembly.instantiate(Streaming), so the benchmark can
// read its memory size (window.__wasmBytes()), as tests/e2e/pages/probes.js
// does, without probes.js' EventSource and console wrappers, which would
// cost time on every message.
(function () {
  'use strict';
  var memory = null;
  window.__wasmBytes = function () {
    return memory ? memory.buffer.byteLength : -1;
  };
  function keep(result) {
    var inst = result && (result.instance || result);
    if (inst && inst.exports && inst.exports.memory instanceof WebAssembly.Memory) memory = inst.exports.memory;
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
})();
