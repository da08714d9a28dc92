// Wraps one RtVideo instance: loads the SDK package once, creates the
// instance with the page's callbacks, and turns every method call into a
// promise (a synchronous throw becomes a rejection) so callers handle both
// the same way.

import { setSecrets } from './ui/eventlog.js';

let sdkPromise = null;

/** The RtVideo class; the package (JS glue + wasm) loads on first use. */
export function loadSdk() {
  if (!sdkPromise) {
    sdkPromise = import(/* webpackChunkName: "sdk" */ 'snk-rt-video-pc').then((m) => m.default || m.RtVideo);
    // A failed load may be retried by the next log-in attempt.
    sdkPromise.catch(() => {
      sdkPromise = null;
    });
  }
  return sdkPromise;
}

export class Session {
  /**
   * `handlers`: { next(event), error(err), complete() } — called with the
   * SDK's arguments; exceptions inside them are caught here so the console's
   * own bugs never reach the SDK.
   * Throws what the RtVideo constructor throws (invalid options).
   */
  constructor(RtVideo, options, handlers) {
    this.ended = false;
    setSecrets([options.token]);
    const guard = (fn) => (arg) => {
      try {
        fn(arg);
      } catch (e) {
        console.error('console handler failed', e);
      }
    };
    this.rtv = new RtVideo(options, {
      next: guard(handlers.next),
      error: guard(handlers.error),
      complete: guard(() => {
        this.ended = true;
        handlers.complete();
      }),
    });
    this.version = RtVideo.version || '';
    this.consts = RtVideo.Consts || null;
  }

  /** The SDK's current state string. */
  state() {
    return this.rtv.state();
  }

  /** Calls `method(...args)` on the instance; always returns a promise. */
  command(method, ...args) {
    try {
      return Promise.resolve(this.rtv[method](...args));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Saves the SDK's support log as a file; returns its name. */
  downloadLogs() {
    return this.rtv.downloadLogs();
  }

  /** Ends the instance (reports `offline`, closes links, calls complete()). */
  destroy() {
    return this.command('destroy');
  }
}
