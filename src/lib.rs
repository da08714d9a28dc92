//! snk-rt-video-pc: the agent-side SDK of the real-time video
//! customer-service platform, compiled to WebAssembly.
//!
//! Layers (see `docs/DECISIONS.md`):
//! - `rtv-core` (the `core/` crate): the sans-IO state machine, codecs and
//!   policies; no browser code, tested natively.
//! - [`web`]: one RAII wrapper per browser API (EventSource, fetch,
//!   WebSocket, timers, page listeners); each undoes itself on drop.
//! - `driver`: pumps the core against the web layer.
//! - [`api`]: the only `#[wasm_bindgen]` items, the `RtVideo` class.
//!
//! On native targets only the core is re-exported, so `cargo test` of the
//! workspace needs no browser.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use rtv_core as core;

/// talc instead of std's dlmalloc: a few KB less wasm, and it still frees
/// and reuses memory (the soak test checks the heap stays flat).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod driver;
#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(all(target_arch = "wasm32", feature = "test-hooks"))]
#[doc(hidden)]
pub mod test_hooks;
