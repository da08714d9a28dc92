// Exposes the npm build's class as window.RtVideoEsm (the ESM entry defines no global).
import RtVideo from '/pkg/index.js';

window.RtVideoEsm = RtVideo;
window.esmReady = RtVideo.ready.then(
  () => true,
  (e) => ({ failed: e && e.code }),
);
