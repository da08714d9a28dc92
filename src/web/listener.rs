//! `EventListener`: an `addEventListener` registration that removes itself
//! when dropped and owns its closure (no `.forget()`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use super::counters::{Counted, Kind};

/// A listener for `kind` events on `target`; dropping it unregisters it.
///
/// Dropping a listener from inside its own callback is fine: wasm-bindgen
/// defers freeing the closure until the call returns.
pub(crate) struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
    _count: Counted,
}

impl EventListener {
    /// Registers `f` for `kind` events on `target`.
    pub(crate) fn new(
        target: &EventTarget,
        kind: &'static str,
        f: impl FnMut(Event) + 'static,
    ) -> EventListener {
        let callback = Closure::<dyn FnMut(Event)>::new(f);
        // Only throws for a non-callable listener, which a Closure never is.
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        EventListener {
            target: target.clone(),
            kind,
            callback,
            _count: Counted::new(Kind::Listener),
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
