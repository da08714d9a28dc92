//! Fault injection for the browser tests; compiled only with the
//! `test-hooks` feature, which the shipped build never enables.
//!
//! Nothing outside the SDK can make it panic, so the panic path (the hook in
//! `live`: `error({code: 'INTERNAL'})`, then `complete()`, then silence)
//! would go untested. [`panic_in_next_timer`] makes the SDK panic the way a
//! real bug would: inside the driver's pump, while the instance's state is
//! mutably borrowed, from a browser task (a timer), not from the caller.

use std::cell::{Cell, RefCell};

use crate::web::Input;

use crate::live;
use crate::web::timer::Timeout;

thread_local! {
    /// The next drain of any instance's outputs panics.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    /// Owns the scheduled timer (and its closure); replaced by the next call.
    static PENDING: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// Text of the deliberate panic, so tests can recognise it.
pub const PANIC_MSG: &str = "deliberate panic (test-hooks)";

/// On the next timer turn, makes a live instance panic inside its pump.
///
/// A `setTimeout(0)` arms the panic and feeds the first live instance an
/// input that needs no IO (a push ping); its pump then panics while draining
/// the core's outputs, with the instance's state borrowed. Release builds
/// abort there; the debug builds of the tests trap as well (wasm32 panics
/// abort), so the rest of the timer task never runs, as in production.
pub fn panic_in_next_timer() {
    let timer = Timeout::new(0.0, || {
        ARMED.with(|a| a.set(true));
        if let Some(d) = live::snapshot().into_iter().next() {
            d.feed(Input::PushPing);
        }
        // No live instance pumped: disarm, so a later test is not surprised.
        ARMED.with(|a| a.set(false));
    });
    let previous = PENDING.with(|p| p.borrow_mut().replace(timer));
    drop(previous);
}

/// Called by the driver with its state borrowed: panics once when armed.
pub(crate) fn panic_if_armed() {
    if ARMED.with(|a| a.replace(false)) {
        panic!("{PANIC_MSG}");
    }
}
