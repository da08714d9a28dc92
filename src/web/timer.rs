//! `Timeout`: a `setTimeout` that is cleared when dropped, plus the clock.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::counters::{Counted, Kind};

#[wasm_bindgen]
extern "C" {
    // The global functions (not `window.*`) so the SDK also works where there
    // is no `window`; wasm-bindgen resolves them on `globalThis`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(cb: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
pub(crate) fn now() -> f64 {
    performance_now()
}

/// A one-shot timer; dropping it before it fires cancels it.
#[must_use = "a Timeout is cancelled as soon as it is dropped"]
pub(crate) struct Timeout {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
    _count: Counted,
}

impl Timeout {
    /// Calls `f` once after `ms` milliseconds (rounded up, clamped to what
    /// `setTimeout` supports: longer delays would fire at once).
    pub(crate) fn new(ms: f64, f: impl FnOnce() + 'static) -> Timeout {
        let callback = Closure::<dyn FnMut()>::once(f);
        let ms = if ms.is_finite() {
            ms.ceil().clamp(0.0, i32::MAX as f64) as i32
        } else {
            i32::MAX
        };
        let id = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Timeout {
            id,
            _callback: callback,
            _count: Counted::new(Kind::Timer),
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        // Clearing a timer that already fired is a no-op.
        clear_timeout(&self.id);
    }
}
