// ESM entry of snk-rt-video-pc for bundlers (webpack 5 with
// `experiments.asyncWebAssembly`, Vite with a wasm plugin).
// The class comes from the wasm-bindgen output; the statics of the JS API
// (`RtVideo.Consts`, `RtVideo.version`) are plain data and are attached here.
import { RtVideo } from './snk_rt_video_pc.js';
import { Consts } from './consts.js';

Object.defineProperty(RtVideo, 'Consts', { value: Consts, enumerable: true });
Object.defineProperty(RtVideo, 'version', { value: __RTV_VERSION__, enumerable: true });

export default RtVideo;
export { RtVideo, Consts };
