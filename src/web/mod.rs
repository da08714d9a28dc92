//! The browser side: one RAII wrapper per web API the SDK uses. Each owns its
//! closures and undoes its registration when dropped; none calls `.forget()`.

pub(crate) mod counters;
pub(crate) mod exe;
pub(crate) mod http;
pub(crate) mod listener;
pub(crate) mod page;
pub(crate) mod sse;
pub(crate) mod timer;
