// ESM entry of snk-rt-video-pc for bundlers (webpack 5, Vite with
// `build.target: 'es2022'`; no wasm plugin or experiment needed).
//
// The wasm-bindgen `web` glue fetches snk_rt_video_pc_bg.wasm through
// `new URL(..., import.meta.url)`, which bundlers emit as an asset. The
// top-level await below makes `import RtVideo from 'snk-rt-video-pc'` resolve
// only once the module is compiled, so the constructor is synchronous and
// throws on bad options, as pages of the JS package expect. When this browser
// cannot run the SDK, the import still resolves: the constructor then reports
// `UNSUPPORTED_BROWSER` through `error` + `complete()` and throws it, and
// `RtVideo.ready` rejects with it (support.js; the same texts as the
// script-tag build).
import init, { RtVideo as Real } from './snk_rt_video_pc.js';
import { Consts } from './consts.js';
import { loadFailure, sdkThrowable, unsupported } from './support.js';
import { RtVideoTab, tabDebugCounters } from './tabs.js';
import { preflight } from './preflight.js';

const WASM_FILE = 'snk_rt_video_pc_bg.wasm';

let loadError = unsupported();
if (!loadError) {
  try {
    await init();
  } catch (e) {
    loadError = loadFailure(e, WASM_FILE);
  }
}

function callBack(observer, name, arg) {
  const f = observer && observer[name];
  if (typeof f !== 'function') return;
  try {
    f.call(observer, arg);
  } catch (e) {
    console.error(`[RtVideo] observer.${name} threw`, e);
  }
}

/** `new RtVideo(options, observer)`: the wasm-bindgen class, or the load error. */
function RtVideo(options, observer) {
  if (!new.target) throw new TypeError("Class constructor RtVideo cannot be invoked without 'new'");
  if (loadError) {
    const err = loadError;
    Promise.resolve().then(() => {
      callBack(observer, 'error', err);
      callBack(observer, 'complete');
    });
    throw sdkThrowable(err);
  }
  return new RtVideoTab(Real, options, observer, { version: __RTV_VERSION__ });
}

Object.defineProperty(RtVideo, Symbol.hasInstance, { value: (o) => o instanceof RtVideoTab });
Object.defineProperty(RtVideo, 'Consts', { value: Consts, enumerable: true });
Object.defineProperty(RtVideo, 'version', { value: __RTV_VERSION__, enumerable: true });
const ready = loadError ? Promise.reject(loadError) : Promise.resolve();
ready.catch(() => {});
Object.defineProperty(RtVideo, 'ready', { value: ready, enumerable: true });
/** The self-check (preflight.js): resolves with a report, one entry per check. */
RtVideo.preflight = (options, opts) => preflight(loadError ? null : Real, loadError, __RTV_VERSION__, options, opts);
/** Live SDK resources on the page (leak checks). */
RtVideo.debugCounters = () => tabDebugCounters(loadError ? {} : Real.debugCounters());

export default RtVideo;
export { RtVideo, Consts };
