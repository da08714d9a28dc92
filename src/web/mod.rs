//! The browser side: one RAII wrapper per web API the SDK uses. Each owns its
//! closures and undoes its registration when dropped; none calls `.forget()`.
//!
//! The wrappers know nothing of the driver: what they observe goes to an
//! [`Inputs`] they are given (the driver's `Sink` implements it), as gloo's
//! wrappers hand events to a callback.

use js_sys::Function;
use rtv_core::ReqId;
use wasm_bindgen::JsValue;

pub(crate) use value::Js;

/// An input of the core, over JS values.
pub(crate) type Input = rtv_core::Input<Js>;
/// An HTTP outcome, over JS values.
pub(crate) type HttpOutcome = rtv_core::HttpOutcome<Js>;

/// Where a wrapper hands what happened, as inputs of the sans-IO core.
pub(crate) trait Inputs: Clone + 'static {
    /// Something happened on a link or the page.
    fn send(&self, input: Input);
    /// Something happened at `now` on the page's monotonic clock (an event's
    /// `timeStamp`), saving a clock read.
    fn send_at(&self, now: f64, input: Input);
    /// HTTP request `id` finished (reported once).
    fn http_done(&self, id: ReqId, outcome: HttpOutcome);
}

/// The link of `kind` (`"push"` | `"exe"`) that the script-tag loader opened
/// before the wasm was ready (pkg-template/early.js), if it was opened on
/// exactly `url`; its events so far are dispatched to it again right after
/// the caller's listeners are on (in a microtask). `None`: open a new one.
fn early(take: Option<&Function>, kind: &str, url: &str) -> Option<JsValue> {
    let link = take?
        .call2(
            &JsValue::UNDEFINED,
            &JsValue::from_str(kind),
            &JsValue::from_str(url),
        )
        .ok()?;
    link.is_object().then_some(link)
}

pub(crate) mod counters;
pub(crate) mod exe;
pub(crate) mod http;
pub(crate) mod listener;
pub(crate) mod local_network;
pub(crate) mod page;
pub(crate) mod sse;
pub(crate) mod timer;
pub(crate) mod value;
