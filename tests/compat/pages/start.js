// Starts the flow on load without an inline handler (CSP pages).
window.addEventListener('load', function () {
  window.rtvFlow(window.RtVideo);
});
