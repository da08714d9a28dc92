//! Live instances and the panic hook.
//!
//! An instance lives from its constructor until `complete()`, whether or not
//! the page keeps a reference to it: a page that does
//! `new RtVideo(options, observer)` without storing the result must keep
//! receiving calls, as with the JS package (whose EventSource listeners kept
//! it alive). The registry below holds that reference and drops it on
//! `complete()`; the JS handle may then be collected, which frees the rest.
//!
//! Release builds abort on panic, so a panic traps the whole module. The hook
//! tells every live instance's page first: `error({code: 'INTERNAL', msg})`,
//! then `complete()`, once; the instance is then marked dead and every entry
//! point refuses to run.

use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::rc::Rc;
use std::sync::Once;

use js_sys::{Object, Reflect};
use rtv_core::text::Decimal;
use wasm_bindgen::JsValue;

use crate::driver::Driver;

thread_local! {
    static LIVE: RefCell<Vec<Rc<Driver>>> = const { RefCell::new(Vec::new()) };
}

static HOOK: Once = Once::new();

/// Keeps `d` alive until [`unregister`].
pub(crate) fn register(d: &Rc<Driver>) {
    LIVE.with(|l| l.borrow_mut().push(d.clone()));
}

/// Releases the registry's reference to `d`.
pub(crate) fn unregister(d: &Driver) {
    let removed = LIVE.with(|l| {
        let mut l = l.borrow_mut();
        l.iter()
            .position(|x| std::ptr::eq(&**x, d))
            .map(|at| l.swap_remove(at))
    });
    // Dropped after the registry borrow ends.
    drop(removed);
}

/// Installs the panic hook (once per page).
pub(crate) fn install_panic_hook() {
    HOOK.call_once(|| {
        // Release builds do not chain to the previous hook: std's default one
        // only writes to a stderr that wasm32 lacks, yet costs several KB
        // (thread names, backtrace text). Debug builds chain, so that a test
        // harness's own hook still sees the panic.
        #[cfg(debug_assertions)]
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report_panic(info);
            #[cfg(debug_assertions)]
            previous(info);
        }));
    });
}

/// The `{code: 'INTERNAL', msg}` value of an instance stopped by a panic.
pub(crate) fn internal_error(msg: &str) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("code"),
        &JsValue::from_str("INTERNAL"),
    );
    let _ = Reflect::set(&o, &JsValue::from_str("msg"), &JsValue::from_str(msg));
    o.into()
}

/// Text of rejections after a panic.
pub(crate) const DEAD_MSG: &str = "RtVideo 内部错误，实例已停止 (internal error, instance stopped)";

fn report_panic(info: &PanicHookInfo<'_>) {
    // Built on the stack: the hook must not depend on the allocator, which
    // may be what failed. Piece by piece, as `write!` used to (a cut piece
    // may be followed by a shorter one that still fits).
    let mut text = StackText {
        buf: [0; 400],
        len: 0,
    };
    text.push("RtVideo internal error: ");
    text.push(info.payload_as_str().unwrap_or("panic"));
    if let Some(at) = info.location() {
        text.push(" (");
        text.push(at.file());
        text.push(":");
        text.push(Decimal::new(at.line().into()).as_str());
        text.push(")");
    }
    web_sys::console::error_1(&JsValue::from_str(text.as_str()));
    let error = internal_error(text.as_str());
    // A snapshot, so that a page callback may construct a new instance
    // (which registers itself) while we iterate.
    let live = LIVE
        .try_with(|l| l.try_borrow().map(|l| l.clone()).unwrap_or_default())
        .unwrap_or_default();
    for d in live {
        d.on_panic(&error);
    }
}

/// A fixed-size text buffer; writes past its end are cut at a char boundary.
struct StackText {
    buf: [u8; 400],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("RtVideo internal error")
    }

    /// Appends as much of `s` as fits (`core::fmt::Write` would link the
    /// formatting machinery for no gain).
    fn push(&mut self, s: &str) {
        let room = self.buf.len() - self.len;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
    }
}

/// The live instances (for the test hooks). Kept last in the file so that
/// it shifts no line number recorded in the shipped build's panic locations.
#[cfg(feature = "test-hooks")]
pub(crate) fn snapshot() -> Vec<Rc<Driver>> {
    LIVE.with(|l| l.borrow().clone())
}
