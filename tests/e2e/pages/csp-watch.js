// Records every Content-Security-Policy violation of the page (loaded first).
(function () {
  'use strict';
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    window.cspViolations.push({
      directive: e.effectiveDirective,
      blocked: e.blockedURI,
      source: e.sourceFile,
      sample: e.sample,
    });
  });
})();
