//! The browser side: one RAII wrapper per web API the SDK uses. Each owns its
//! closures and undoes its registration when dropped; none calls `.forget()`.
//!
//! The wrappers know nothing of the driver: what they observe goes to an
//! [`Inputs`] they are given (the driver's `Sink` implements it), as gloo's
//! wrappers hand events to a callback.

use rtv_core::ReqId;

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

pub(crate) mod counters;
pub(crate) mod exe;
pub(crate) mod http;
pub(crate) mod listener;
pub(crate) mod page;
pub(crate) mod sse;
pub(crate) mod timer;
pub(crate) mod value;
