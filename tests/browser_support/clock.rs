//! A faster clock for the SDK, and a record of every link attempt, for tests
//! that must see the SDK's backoff grow to its cap (SPEC §3: push 30 s, EXE
//! 10 s) in a few real seconds.
//!
//! The SDK reads time only through `performance.now()` and waits only through
//! `setTimeout` (both looked up on the global object at each call), so
//! scaling both by `speed` makes one real second `speed` SDK seconds, as
//! tests/e2e/pages/clock.js does for the end-to-end tests. The same install
//! wraps `WebSocket`, `EventSource` and `fetch` to record, in real
//! milliseconds, when each EXE socket / push stream was made and closed and
//! when each push-channel status probe (a `fetch` of the subscribe URL)
//! answered. Dropping the guard puts everything back: destroy the SDK
//! instances that ran on the fast clock first (their clock would go back).

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::get;

const INSTALL: &str = r#"
var speed = Number(s);
var g = globalThis;
var realNow = performance.now.bind(performance);
var origNow = performance.now;
var realSetTimeout = g.setTimeout;
var RealWS = g.WebSocket, RealES = g.EventSource, realFetch = g.fetch;
var t0 = realNow();
var h = { speed: speed, sockets: [], sources: [], probes: [], realNow: realNow, realSetTimeout: realSetTimeout };
performance.now = function () { return t0 + (realNow() - t0) * speed; };
g.setTimeout = function (cb, ms) {
  var rest = Array.prototype.slice.call(arguments, 2);
  return realSetTimeout.apply(g, [cb, Math.max(0, Number(ms) || 0) / speed].concat(rest));
};
function WS(url, protocols) {
  var e = { t: realNow(), url: String(url), closed: null };
  h.sockets.push(e);
  var ws = protocols === undefined ? new RealWS(url) : new RealWS(url, protocols);
  ws.addEventListener('close', function () { e.closed = realNow(); });
  return ws;
}
WS.prototype = RealWS.prototype;
['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { WS[k] = RealWS[k]; });
function ES(url, init) {
  var e = { t: realNow(), url: String(url), opened: null, errored: null };
  h.sources.push(e);
  var es = new RealES(url, init);
  es.addEventListener('open', function () { e.opened = realNow(); });
  es.addEventListener('error', function () { if (e.errored === null) e.errored = realNow(); });
  return es;
}
ES.prototype = RealES.prototype;
['CONNECTING', 'OPEN', 'CLOSED'].forEach(function (k) { ES[k] = RealES[k]; });
g.fetch = function (input, init) {
  var url = String(input && input.url ? input.url : input);
  var p = realFetch.apply(g, arguments);
  if (url.indexOf('subscribe') >= 0) {
    var e = { t: realNow(), url: url, done: null };
    h.probes.push(e);
    p.then(function () { e.done = realNow(); }, function () { e.done = realNow(); });
  }
  return p;
};
g.WebSocket = WS;
g.EventSource = ES;
h.restore = function () {
  if (g.__rtvFastClock === h) g.__rtvFastClock = undefined;
  performance.now = origNow;
  g.setTimeout = realSetTimeout;
  g.WebSocket = RealWS;
  g.EventSource = RealES;
  g.fetch = realFetch;
};
h.sleep = function (ms) { return new Promise(function (r) { realSetTimeout.call(g, r, ms); }); };
h.fresh = true;
g.__rtvFastClock = h;
return h;
"#;

/// One recorded attempt (real milliseconds).
#[derive(Clone, Debug)]
pub struct Attempt {
    /// When it was constructed.
    pub t: f64,
    /// When it closed (socket) / first reported an error (stream), if yet.
    pub ended: Option<f64>,
}

/// The scaled clock and the link records; dropping it restores the page.
pub struct FastClock {
    h: JsValue,
    /// SDK milliseconds per real millisecond.
    pub speed: f64,
}

impl FastClock {
    /// Installs a clock running `speed` times faster than real time; the
    /// test's next `Sdk` runs on it.
    pub fn install(speed: f64) -> FastClock {
        restore_installed(false);
        let f = Function::new_with_args("s", INSTALL);
        let h = f
            .call1(&JsValue::NULL, &JsValue::from_f64(speed))
            .expect("install the fast clock");
        FastClock { h, speed }
    }

    /// Real milliseconds (`performance.now()` before it was scaled).
    pub fn real_now(&self) -> f64 {
        let f: Function = get(&self.h, "realNow").unchecked_into();
        f.call0(&JsValue::NULL).unwrap().as_f64().unwrap()
    }

    /// Sleeps `ms` real milliseconds (unscaled).
    pub async fn real_sleep(&self, ms: f64) {
        let f: Function = get(&self.h, "sleep").unchecked_into();
        let p: js_sys::Promise = f
            .call1(&JsValue::NULL, &ms.into())
            .unwrap()
            .unchecked_into();
        JsFuture::from(p).await.unwrap();
    }

    fn list(&self, key: &str, end: &str) -> Vec<Attempt> {
        let arr: js_sys::Array = get(&self.h, key).unchecked_into();
        arr.iter()
            .map(|e| Attempt {
                t: get(&e, "t").as_f64().unwrap_or(0.0),
                ended: get(&e, end).as_f64(),
            })
            .collect()
    }

    /// Every WebSocket (EXE link attempt) made since the install.
    pub fn sockets(&self) -> Vec<Attempt> {
        self.list("sockets", "closed")
    }

    /// Every EventSource (push channel attempt) made since the install.
    pub fn sources(&self) -> Vec<Attempt> {
        self.list("sources", "errored")
    }

    /// Every `fetch` of a subscribe URL (the status probe): `ended` = answered.
    pub fn probes(&self) -> Vec<Attempt> {
        self.list("probes", "done")
    }

    /// SDK milliseconds between two real times.
    pub fn sdk_ms(&self, from_real: f64, to_real: f64) -> f64 {
        (to_real - from_real) * self.speed
    }
}

impl Drop for FastClock {
    fn drop(&mut self) {
        if let Ok(f) = Reflect::get(&self.h, &"restore".into()) {
            let f: Function = f.unchecked_into();
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

/// Speed of the fast clock in the backoff tests: the EXE cap (10 s) is 2 s
/// real, the push cap (30 s) 6 s, and SPEC's 0.5 s is 100 real ms.
pub const BACKOFF_SPEED: f64 = 5.0;

/// Waits until at least `n` attempts are recorded by `list` and the newest
/// has ended (for push attempts: also its status probe answered), so the SDK
/// has drawn its next backoff delay; then lets the SDK's handlers run.
pub async fn wait_attempts_failed(
    clock: &FastClock,
    what: &str,
    n: usize,
    list: impl Fn(&FastClock) -> Vec<Attempt>,
    probed: bool,
    ms: f64,
) {
    let start = js_sys::Date::now();
    loop {
        let l = list(clock);
        if l.len() >= n {
            let last = l.last().unwrap();
            let probe_done = !probed
                || clock
                    .probes()
                    .iter()
                    .any(|p| p.t >= last.t && p.ended.is_some());
            if last.ended.is_some() && probe_done {
                break;
            }
        }
        if js_sys::Date::now() - start > ms {
            panic!(
                "timed out after {ms} ms waiting for {n} failed {what} (have {})",
                l.len()
            );
        }
        clock.real_sleep(10.0).await;
    }
    clock.real_sleep(20.0).await;
}

/// Calls `ask` (reconnect() or the `online` event) and returns how many SDK
/// milliseconds passed until the next attempt recorded by `list`.
pub async fn attempt_delay_after(
    clock: &FastClock,
    list: impl Fn(&FastClock) -> Vec<Attempt>,
    ask: impl FnOnce(),
) -> f64 {
    let n = list(clock).len();
    let asked = clock.real_now();
    ask();
    let start = js_sys::Date::now();
    loop {
        if let Some(a) = list(clock).get(n) {
            return clock.sdk_ms(asked, a.t);
        }
        if js_sys::Date::now() - start > 10_000.0 {
            panic!("no new attempt within 10 s real after asking");
        }
        clock.real_sleep(5.0).await;
    }
}

/// A fast clock left installed by a test that panicked (its guard was never
/// dropped) would speed up the tests after it: `Sdk::with_account` calls this,
/// which restores such a clock. A clock installed by the current test is
/// "fresh" until its first `Sdk` claims it.
pub fn restore_stale() {
    restore_installed(true);
}

/// Restores the installed fast clock, if any; `spare_fresh`: keep (and
/// claim) one the current test installed.
fn restore_installed(spare_fresh: bool) {
    let h = Reflect::get(&js_sys::global(), &"__rtvFastClock".into()).unwrap_or(JsValue::UNDEFINED);
    if h.is_undefined() || h.is_null() {
        return;
    }
    if spare_fresh && get(&h, "fresh") == JsValue::TRUE {
        let _ = Reflect::set(&h, &"fresh".into(), &JsValue::FALSE);
        return;
    }
    if let Ok(f) = Reflect::get(&h, &"restore".into()) {
        let f: Function = f.unchecked_into();
        let _ = f.call0(&JsValue::NULL);
    }
}
