//! `LocalNetworkWatch`: reads the browser's local network permission (SPEC
//! §4.4; Chromium's Local Network Access) and follows its `change` for the
//! instance's life. What the state means for the EXE link is the core's
//! decision (core/src/machine/local_network.rs); this only reads and listens.
//!
//! The permission is `loopback-network` (Chromium 147+); Chromium 142–146
//! call it `local-network-access`. An engine that knows neither rejects the
//! query: the core then hears `unsupported` and behaves as without it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use rtv_core::LocalNetwork;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::listener::EventListener;
use super::{Input, Inputs};

/// The permission's names, newest first.
const NAMES: [&str; 2] = ["loopback-network", "local-network-access"];

/// Reads and follows the permission; dropping it removes its `change`
/// listener, and a read still in flight then reports nothing.
pub(crate) struct LocalNetworkWatch<S: Inputs> {
    shared: Rc<RefCell<Watched>>,
    sink: S,
}

/// What the first successful read found.
#[derive(Default)]
struct Watched {
    /// The name this engine knows.
    name: Option<&'static str>,
    /// `change` on the first `PermissionStatus`.
    _change: Option<EventListener>,
}

impl<S: Inputs> LocalNetworkWatch<S> {
    /// Starts the first read (the core hears `asking` at once, the state when
    /// it is known); `None` where the page has no Permissions API (the core
    /// hears nothing and behaves as without the permission).
    pub(crate) fn start(sink: &S) -> Option<LocalNetworkWatch<S>> {
        permissions()?;
        let watch = LocalNetworkWatch {
            shared: Rc::new(RefCell::new(Watched::default())),
            sink: sink.clone(),
        };
        sink.send(Input::LocalNetwork(LocalNetwork::Asking));
        watch.read(true);
        Some(watch)
    }

    /// Reads the state again (after a failed EXE attempt); answered once.
    pub(crate) fn check(&self) {
        self.read(false);
    }

    fn read(&self, first: bool) {
        let weak = Rc::downgrade(&self.shared);
        let sink = self.sink.clone();
        let known = self.shared.borrow().name;
        wasm_bindgen_futures::spawn_local(async move {
            let names = known.map_or_else(|| NAMES.to_vec(), |n| vec![n]);
            let mut found = None;
            for name in names {
                if let Some(status) = query(name).await {
                    found = Some((name, status));
                    break;
                }
            }
            let Some(shared) = weak.upgrade() else { return };
            let state = match &found {
                Some((_, status)) => state_of(status),
                None => LocalNetwork::Unsupported,
            };
            if let (true, Some((name, status))) = (first, found) {
                let listener = EventListener::new(status.unchecked_ref(), "change", {
                    let sink = sink.clone();
                    move |ev| {
                        if let Some(t) = ev.current_target() {
                            sink.send(Input::LocalNetwork(state_of(&t)))
                        }
                    }
                });
                let mut w = shared.borrow_mut();
                w.name = Some(name);
                w._change = Some(listener);
            }
            drop(shared);
            sink.send(Input::LocalNetwork(state));
        });
    }
}

/// `navigator.permissions`, if the page has one with `query`.
fn permissions() -> Option<Permissions> {
    let nav = web_sys::window()?.navigator();
    let p = Reflect::get(&nav, &JsValue::from_str("permissions")).ok()?;
    let has_query = Reflect::get(&p, &JsValue::from_str("query"))
        .ok()
        .is_some_and(|q| q.is_function());
    has_query.then(|| p.unchecked_into())
}

/// The `PermissionStatus` of `name`; `None` when the engine does not know it.
async fn query(name: &str) -> Option<JsValue> {
    let desc = Object::new();
    Reflect::set(&desc, &JsValue::from_str("name"), &JsValue::from_str(name)).ok()?;
    let promise = permissions()?.query(&desc).ok()?;
    JsFuture::from(promise).await.ok()
}

fn state_of(status: &JsValue) -> LocalNetwork {
    let state = status.unchecked_ref::<PermissionStatus>().state();
    match state.as_str() {
        "granted" => LocalNetwork::Granted,
        "denied" => LocalNetwork::Denied,
        "prompt" => LocalNetwork::Prompt,
        _ => LocalNetwork::Unsupported,
    }
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.permissions` (web-sys' `query` takes only the names it knows).
    type Permissions;
    #[wasm_bindgen(catch, method)]
    fn query(this: &Permissions, desc: &Object) -> Result<Promise, JsValue>;

    type PermissionStatus;
    #[wasm_bindgen(method, getter)]
    fn state(this: &PermissionStatus) -> String;
}
