//! Shared helpers of the browser tests: where the simulator is, real-timer
//! sleeps and polling, the simulator's control API over real `fetch`, and an
//! `RtVideo` driven through its JS-facing API with a recording observer.
//!
//! The simulator's addresses come from `RTV_SIM_URL` / `RTV_EXE_URL` at
//! compile time (the test script starts `rtv-sim --port 0 --exe-port 0` and
//! exports them). Tests share one simulator, so each uses its own account and
//! never resets it.
// Each test binary uses a different subset of the helpers.
#![allow(dead_code, unused_imports)]

use js_sys::{Object, Promise, Reflect, JSON};
use snk_rt_video_pc::api::RtVideo;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

mod clock;
mod console;
mod fetch_spy;
mod sdk;
mod sim;
pub use clock::{attempt_delay_after, wait_attempts_failed, Attempt, FastClock, BACKOFF_SPEED};
pub use console::ConsoleCapture;
pub use fetch_spy::FetchSpy;
pub use sdk::{options, Sdk, Seen};
pub use sim::*;

const SIM_URL: Option<&str> = option_env!("RTV_SIM_URL");
const EXE_URL: Option<&str> = option_env!("RTV_EXE_URL");

/// Base URL of the simulator, ending with `/`.
pub fn sim_url() -> String {
    let url = SIM_URL.filter(|u| !u.is_empty()).unwrap_or_else(|| {
        panic!(
            "RTV_SIM_URL was not set when the tests were compiled: start \
             `rtv-sim --port 0 --exe-port 0` and build the tests with \
             RTV_SIM_URL=http://127.0.0.1:P/ RTV_EXE_URL=ws://127.0.0.1:Q/rtv"
        )
    });
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The fake EXE's WebSocket URL.
pub fn exe_url() -> String {
    EXE_URL
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            panic!("RTV_EXE_URL was not set when the tests were compiled (ws://127.0.0.1:Q/rtv)")
        })
        .to_string()
}

/// An account no other test (nor an earlier run on the same simulator) uses.
pub fn unique_account(name: &str) -> String {
    let n = (js_sys::Math::random() * 1e9) as u64;
    format!("bt-{name}-{n}")
}

/// Sleeps on a real `setTimeout`.
pub async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(p).await.expect("sleep");
}

/// Polls `cond` every 20 ms until it holds; panics naming `what` after `ms`.
pub async fn wait_until(what: &str, ms: f64, mut cond: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    while !cond() {
        if js_sys::Date::now() - start > ms {
            panic!("timed out after {ms} ms waiting for {what}");
        }
        sleep(20).await;
    }
}

/// `obj.a.b` (a dotted path; numbers index arrays); `undefined` when missing.
pub fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, key| {
        if v.is_undefined() || v.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

/// A string field (empty when missing or not a string).
pub fn s(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_default()
}

/// A JSON text of `v` (for messages and substring checks).
pub fn json(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Parses a JSON text into a JS value.
pub fn parse(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("bad JSON in test: {text}"))
}

/// Elements of a JS array.
pub fn items(v: &JsValue) -> Vec<JsValue> {
    v.dyn_ref::<js_sys::Array>()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}
/// Sets `o[key] = v`.
pub fn set(o: &Object, key: &str, v: &JsValue) {
    Reflect::set(o, &JsValue::from_str(key), v).expect("Reflect.set");
}

/// Awaits a method's promise: `Ok(value)` or `Err(rejection)`.
pub async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// `RtVideo.debugCounters()` as `(name, count)` pairs.
pub fn counters() -> Vec<(String, i32)> {
    let o = RtVideo::debug_counters();
    js_sys::Object::entries(&o)
        .iter()
        .map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            (
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_f64().unwrap_or(-1.0) as i32,
            )
        })
        .collect()
}
