// ESM entry of snk-rt-video-pc, for bundlers and for module scripts served as
// they are (a CDN). The glue fetches the wasm from `new URL(..., import.meta.url)`,
// which webpack 5, Rspack, Vite and Parcel emit as an asset and a browser
// resolves next to this file. esbuild does not follow that form; the package's
// `exports` give it index.wasm-import.js, this file importing the .wasm for
// its `file` loader (both made from pkg-template/index.js, D89). The top-level
// await makes the import resolve once the module is compiled, so the
// constructor is synchronous and throws on bad options, as pages of the JS
// package expect. When this browser cannot run the SDK, the import still
// resolves: the constructor then reports `UNSUPPORTED_BROWSER` through `error`
// + `complete()` and throws it, and `RtVideo.ready` rejects with it
// (support.js; the same texts as the script-tag build).
import init, { RtVideo as Real } from './snk_rt_video_pc.js';
import { Consts } from './consts.js';
import { callObserver, loadFailure, sdkThrowable, unsupported } from './support.js';
import { RtVideoTab, tabDebugCounters } from './tabs.js';
import { preflight } from './preflight.js';
/* @wasm-import */

const WASM_FILE = 'snk_rt_video_pc_bg.wasm';

let loadError = unsupported();
if (!loadError) {
  try {
    await init(/* @wasm-arg */);
  } catch (e) {
    loadError = loadFailure(e, WASM_FILE);
  }
}

/** `new RtVideo(options, observer)`: the wasm-bindgen class, or the load error. */
function RtVideo(options, observer) {
  if (!new.target) throw new TypeError("Class constructor RtVideo cannot be invoked without 'new'");
  if (loadError) {
    const err = loadError;
    Promise.resolve().then(() => {
      callObserver(observer, 'error', err);
      callObserver(observer, 'complete');
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
