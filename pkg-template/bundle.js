// The rest of the script-tag build: `dist/snk-rt-video-pc.sdk.js`, ES2019,
// loaded by the file the page includes (pkg-template/boot.js) only where the
// engine can run the SDK. It holds the log ring, the tab layer (push-reader.js,
// election.js, tab-calls.js, lifecycle.js, tab-page.js, tabs.js), the early
// links and the wasm-bindgen `no-modules` glue, and hands them to boot.js
// through the hidden `RtVideo.__attach` (docs/DECISIONS.md D75).
//
// scripts/build.mjs fills the placeholders: the glue replaces the `@glue`
// line (it declares a local `wasm_bindgen`, so nothing leaks).
(function () {
  'use strict';

  /* @support */

  /* @logs */

  /* @push-reader */

  /* @election */

  /* @tab-calls */

  /* @lifecycle */

  /* @tab-page */

  /* @tabs */

  /* @early */

  /* @preflight */

  /* @glue */

  var boot = window.RtVideo;
  if (!boot || typeof boot.__attach !== 'function') return; // included without boot.js
  boot.__attach({
    Tab: RtVideoTab,
    earlyLinks: earlyLinks,
    preflight: preflight,
    /** Instantiates the module from boot.js's response; resolves with the wasm-bindgen class. */
    init: function (response) {
      return wasm_bindgen({ module_or_path: response }).then(function () {
        return wasm_bindgen.RtVideo;
      });
    },
    /**
     * Live SDK resources, early links included (`Real`: the wasm class once it
     * is ready; before that, the tab layer's counts under `names`).
     */
    debugCounters: function (Real, names) {
      const c = Real ? tabDebugCounters(Real.debugCounters()) : {};
      if (!Real) names.forEach((k) => (c[k] = tabCounters[k] || 0));
      c.eventSources += earlyCounters.eventSources;
      c.webSockets += earlyCounters.webSockets;
      return c;
    },
  });
})();
