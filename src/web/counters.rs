//! Live-resource counters for leak tests (`RtVideo.debugCounters()`).
//!
//! Every RAII wrapper of the web layer holds a [`Counted`] token: it counts
//! one up when the wrapper is built and one down when it is dropped, so a test
//! can assert that `destroy()` (and dropping the instance) really released
//! every listener, timer, socket, event source and in-flight request.

use std::cell::Cell;

/// What a [`Counted`] token stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An `addEventListener` registration.
    Listener = 0,
    /// A pending `setTimeout`.
    Timer = 1,
    /// An open `EventSource`.
    EventSource = 2,
    /// An open `WebSocket`.
    WebSocket = 3,
    /// A `fetch` the SDK still waits for (keepalive requests excluded).
    Fetch = 4,
    /// An `RtVideo` instance not yet dropped.
    Instance = 5,
}

const NAMES: [&str; 6] = [
    "listeners",
    "timers",
    "eventSources",
    "webSockets",
    "fetches",
    "instances",
];

thread_local! {
    static COUNTS: [Cell<i32>; 6] = const { [const { Cell::new(0) }; 6] };
}

/// Counts one live resource of its kind for as long as it exists.
#[derive(Debug)]
pub(crate) struct Counted(Kind);

impl Counted {
    /// Counts one more `kind`.
    pub(crate) fn new(kind: Kind) -> Counted {
        COUNTS.with(|c| c[kind as usize].set(c[kind as usize].get() + 1));
        Counted(kind)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let i = self.0 as usize;
        // `try_with`: a token dropped during thread teardown must not panic.
        let _ = COUNTS.try_with(|c| c[i].set(c[i].get() - 1));
    }
}

/// The counters as `(name, count)` pairs.
pub(crate) fn snapshot() -> [(&'static str, i32); 6] {
    COUNTS.with(|c| std::array::from_fn(|i| (NAMES[i], c[i].get())))
}
