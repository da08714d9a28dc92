// Loaded before the SDK: removes or breaks what ?break=... names, to see the
// SDK report UNSUPPORTED_BROWSER instead of dying. ES5.
(function () {
  var what = new URLSearchParams(location.search).get('break') || '';
  what.split(',').forEach(function (name) {
    if (name === 'compile') {
      // An engine that cannot compile the module: every compile path rejects
      // with a CompileError, as an engine without the module's features does.
      var fail = function () {
        return Promise.reject(new WebAssembly.CompileError('WebAssembly.instantiate(): invalid value type 0x6f'));
      };
      WebAssembly.instantiate = fail;
      WebAssembly.instantiateStreaming = fail;
      WebAssembly.compile = fail;
      WebAssembly.compileStreaming = fail;
    } else if (name) {
      try {
        delete window[name];
      } catch (e) {
        // not configurable: shadow it instead
      }
      if (window[name] !== undefined) window[name] = undefined;
    }
  });
})();
