// The npm build as a bundler consumes it: bundled by webpack in
// tests/compat/old-engines.test.mjs. /compat/flow.js (a classic script on the
// page) records what the page sees; /compat/break.js may run before.
import RtVideo from 'snk-rt-video-pc';

window.rtvFlow(RtVideo);
