//! An `RtVideo` driven through its JS-facing API, with an observer that
//! records every callback.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Object;
use snk_rt_video_pc::api::RtVideo;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{
    end_stale_calls, exe_url, get, json, parse, s, set, sim_url, unique_account, wait_until,
};

/// What the observer saw, in order.
#[derive(Default)]
pub struct Seen {
    /// `next` events `{type, data}`.
    pub events: RefCell<Vec<JsValue>>,
    /// `error` payloads `{code, msg, ...}`.
    pub errors: RefCell<Vec<JsValue>>,
    /// How many times `complete()` ran.
    pub completes: Cell<u32>,
    /// Every callback as `next:TYPE`, `error:CODE` or `complete`.
    pub timeline: RefCell<Vec<String>>,
    /// When set, `next` throws after recording.
    pub throw_in_next: Cell<bool>,
}

impl Seen {
    /// Data of every event of `kind`.
    pub fn events_of(&self, kind: &str) -> Vec<JsValue> {
        self.events
            .borrow()
            .iter()
            .filter(|e| s(e, "type") == kind)
            .map(|e| get(e, "data"))
            .collect()
    }

    /// Every error with `code`.
    pub fn errors_of(&self, code: &str) -> Vec<JsValue> {
        self.errors
            .borrow()
            .iter()
            .filter(|e| s(e, "code") == code)
            .cloned()
            .collect()
    }

    /// The `field` of every event of `kind`, in order.
    pub fn values_of(&self, kind: &str, field: &str) -> Vec<String> {
        self.events_of(kind).iter().map(|d| s(d, field)).collect()
    }

    /// The `state`s of the STATE_CHANGE events, in order.
    pub fn states(&self) -> Vec<String> {
        self.values_of("STATE_CHANGE", "state")
    }

    /// The `[from, state]` pairs of the STATE_CHANGE events, in order.
    pub fn changes(&self) -> Vec<[String; 2]> {
        self.events_of("STATE_CHANGE")
            .iter()
            .map(|d| [s(d, "from"), s(d, "state")])
            .collect()
    }
}

/// An `RtVideo` with a recording observer.
pub struct Sdk {
    /// The instance.
    pub rt: RtVideo,
    /// What its observer saw.
    pub seen: Rc<Seen>,
    /// Its account.
    pub account: String,
    /// The token given in the options, if any.
    pub token: Option<String>,
    _observer: Observer,
}

struct Observer {
    _next: Closure<dyn FnMut(JsValue) -> Result<(), JsValue>>,
    _error: Closure<dyn FnMut(JsValue)>,
    _complete: Closure<dyn FnMut()>,
}

/// Options for `account` on the simulator; `extra` is a JSON object text
/// whose members are added (e.g. `{"httpTimeout":1500}`).
pub fn options(account: &str, extra: &str) -> JsValue {
    let base = sim_url();
    let o = Object::new();
    set(&o, "systemCode", &"BT".into());
    set(&o, "account", &account.into());
    set(&o, "sseServerUrl", &format!("{base}push-client/").into());
    set(&o, "videoServiceUrl", &format!("{base}rtv/").into());
    set(&o, "stateServiceUrl", &format!("{base}dispatch/").into());
    set(&o, "exeUrl", &exe_url().into());
    let extra = parse(extra);
    Object::assign(&o, extra.unchecked_ref());
    o.into()
}

impl Sdk {
    /// Creates an instance for a fresh account (named after `name`) with
    /// the extra options `extra` (JSON object text).
    pub fn new(name: &str, extra: &str) -> Sdk {
        Sdk::with_account(&unique_account(name), extra)
    }

    /// Creates an instance for `account`.
    pub fn with_account(account: &str, extra: &str) -> Sdk {
        super::clock::restore_stale();
        let seen = Rc::new(Seen::default());
        let next = Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::new({
            let seen = seen.clone();
            move |ev: JsValue| {
                seen.timeline
                    .borrow_mut()
                    .push(format!("next:{}", s(&ev, "type")));
                seen.events.borrow_mut().push(ev);
                if seen.throw_in_next.get() {
                    return Err(js_sys::Error::new("observer failure on purpose").into());
                }
                Ok(())
            }
        });
        let error = Closure::<dyn FnMut(JsValue)>::new({
            let seen = seen.clone();
            move |err: JsValue| {
                seen.timeline
                    .borrow_mut()
                    .push(format!("error:{}", s(&err, "code")));
                seen.errors.borrow_mut().push(err);
            }
        });
        let complete = Closure::<dyn FnMut()>::new({
            let seen = seen.clone();
            move || {
                seen.completes.set(seen.completes.get() + 1);
                seen.timeline.borrow_mut().push("complete".into());
            }
        });
        let observer = Object::new();
        set(&observer, "next", next.as_ref());
        set(&observer, "error", error.as_ref());
        set(&observer, "complete", complete.as_ref());
        let opts = options(account, extra);
        let token = Some(s(&opts, "token")).filter(|t| !t.is_empty());
        let rt = RtVideo::new(
            opts,
            observer.into(),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )
        .expect("RtVideo constructor");
        Sdk {
            rt,
            seen,
            account: account.to_string(),
            token,
            _observer: Observer {
                _next: next,
                _error: error,
                _complete: complete,
            },
        }
    }

    /// A fresh instance, waited for until it is `ready`.
    pub async fn ready(name: &str, extra: &str) -> Sdk {
        end_stale_calls().await;
        let sdk = Sdk::new(name, extra);
        sdk.wait_state("ready", 10_000.0).await;
        sdk
    }

    /// Waits until `state()` is `want`.
    pub async fn wait_state(&self, want: &str, ms: f64) {
        let what = format!(
            "state {want} of {} (errors so far: {})",
            self.account,
            self.errors_text()
        );
        wait_until(&what, ms, || self.rt.state() == want).await;
    }

    /// Waits for the `n`-th event of `kind`; returns its data.
    pub async fn wait_event(&self, kind: &str, n: usize, ms: f64) -> JsValue {
        let what = format!("{n} {kind} event(s) for {}", self.account);
        wait_until(&what, ms, || self.seen.events_of(kind).len() >= n).await;
        self.seen.events_of(kind)[n - 1].clone()
    }

    /// Waits for the `n`-th error with `code`; returns it.
    pub async fn wait_error(&self, code: &str, n: usize, ms: f64) -> JsValue {
        let what = format!("{n} {code} error(s) for {}", self.account);
        wait_until(&what, ms, || self.seen.errors_of(code).len() >= n).await;
        self.seen.errors_of(code)[n - 1].clone()
    }

    /// The error codes seen so far, for failure messages.
    pub fn errors_text(&self) -> String {
        let e = self.seen.errors.borrow();
        e.iter().map(json).collect::<Vec<_>>().join(", ")
    }

    /// Destroys the instance and waits for its promise.
    pub async fn destroy(&self) {
        JsFuture::from(self.rt.destroy())
            .await
            .expect("destroy() resolves");
    }
}
