//! `RtVideo`: the class the page uses (SPEC §1). The only `#[wasm_bindgen]`
//! exports of the SDK; everything here converts values and hands over to the
//! driver.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use rtv_core::trace::Trace;
use rtv_core::{Config, Method};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::{Agent, Driver, Hooks, Observer};
use crate::live;
use crate::web::counters;
use crate::web::http::mark_handled;
use crate::web::timer;
use crate::web::value::set_member;
use crate::web::{Input, Js};

/// The driver's hooks: live instances are kept (and told of a panic) by
/// src/live.rs; test builds can make a drain panic (src/test_hooks.rs).
const HOOKS: Hooks = Hooks {
    started: live::register,
    ended: live::unregister,
    #[cfg(feature = "test-hooks")]
    draining: crate::test_hooks::panic_if_armed,
    #[cfg(not(feature = "test-hooks"))]
    draining: || {},
};

/// One agent session: the push channel, the commands, the presence and the
/// local video client, reported through `next`, `error` and `complete`.
///
/// The instance runs until `destroy()` (or rejected credentials), even if the
/// page drops its reference.
#[wasm_bindgen(js_name = RtVideo)]
pub struct RtVideo {
    driver: Rc<Driver>,
}

#[wasm_bindgen(js_class = RtVideo)]
impl RtVideo {
    /// Creates the SDK instance and starts connecting at once.
    ///
    /// `options`: `{systemCode, account, profile?, sseServerUrl?, videoServiceUrl?,
    /// stateServiceUrl?, token?, exeUrl?, logLevel?, httpTimeout?, exeTimeout?, gracePeriod?}`.
    /// `observer`: `{next?(event), error?(err), complete?()}`.
    /// Throws an `Error` naming the invalid option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RtVideoOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RtVideoObserver")] observer: JsValue,
        // Internal (pkg-template/tabs.js): the leader's snapshot to take over
        // from (an object), or nothing.
        #[wasm_bindgen(unchecked_optional_param_type = "never")] snapshot: JsValue,
        // Internal (pkg-template/tabs.js): `true` when the tab group handles
        // unload and restore, so the instance has no page listener of its own
        // (which would report `offline` on `pagehide` though another tab remains).
        #[wasm_bindgen(unchecked_optional_param_type = "never")] managed: JsValue,
    ) -> Result<RtVideo, JsValue> {
        live::install_panic_hook();
        let config = config_of(&options).map_err(|msg| config_error(&msg))?;
        let observer = observer_of(observer)?;
        let now = timer::now();
        let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64 ^ now.to_bits();
        let snap = snapshot.is_object().then_some(Js(snapshot));
        let managed = managed.is_truthy() || snap.is_some();
        let trace = Trace::new(now, seed, env!("CARGO_PKG_VERSION"), &config, snap.as_ref());
        let agent = Agent::with_snapshot(config, now, seed, snap.as_ref());
        let driver = Driver::start(agent, observer, managed, trace, HOOKS);
        Ok(RtVideo { driver })
    }

    /// Internal (pkg-template/tabs.js): validates the constructor's arguments
    /// like the constructor (throws naming the field) without starting
    /// anything; returns `{multiTab, key}`, `key` naming the agent's tab group.
    #[wasm_bindgen(js_name = __validate, skip_typescript)]
    pub fn validate(options: JsValue, observer: JsValue) -> Result<JsValue, JsValue> {
        let config = config_of(&options).map_err(|msg| config_error(&msg))?;
        observer_of(observer)?;
        let group = Array::of2(
            &JsValue::from_str(&config.system_code),
            &JsValue::from_str(&config.account),
        );
        let info = Object::new();
        set_member(&info, "multiTab", &config.multi_tab.into());
        set_member(&info, "key", &JSON::stringify(&group)?.into());
        Ok(info.into())
    }

    /// Internal (pkg-template/preflight.js): validates `options` like the
    /// constructor (throws naming the field) and returns what the self-check
    /// reaches, as the core builds it: `{push, video, state, exe, systemCode,
    /// account, token}` (`push`: the subscribe URL; `token` may be absent).
    #[wasm_bindgen(js_name = __preflight, skip_typescript)]
    pub fn preflight_plan(options: JsValue) -> Result<JsValue, JsValue> {
        let c = config_of(&options).map_err(|msg| config_error(&msg))?;
        let plan = Object::new();
        let put = |k: &'static str, v: &str| set_member(&plan, k, &JsValue::from_str(v));
        put("push", &c.subscribe_url(None));
        put("video", &c.video_url);
        put("state", &c.state_url);
        put("exe", &c.exe_url);
        put("systemCode", &c.system_code);
        put("account", &c.account);
        if let Some(t) = &c.token {
            put("token", t);
        }
        Ok(plan.into())
    }

    /// Internal (pkg-template/tabs.js): the state of this instance's links for
    /// the self-check (`rtv_core::Agent::link_report`).
    #[wasm_bindgen(js_name = __links, skip_typescript)]
    pub fn links_js(&self) -> JsValue {
        self.driver.link_report()
    }

    /// Internal (pkg-template/tabs.js): runs the method `name` (its JS name)
    /// for `owner` (a tab of the group: given back with the call's errors to
    /// the observer's `__callError`, D100). An unknown name rejects with
    /// `INVALID_ARGUMENT`.
    #[wasm_bindgen(js_name = __call, skip_typescript)]
    pub fn call_for(&self, name: &str, arg: JsValue, owner: JsValue) -> Promise {
        match Method::ALL.iter().find(|m| m.js_name() == name) {
            Some(&method) => self.call_for_owner(method, arg, owner),
            None => {
                let p = Promise::reject(&argument_error(&format!("RtVideo: no method `{name}`")));
                mark_handled(&p);
                p
            }
        }
    }

    /// Internal (pkg-template/tabs.js): the trace document (`exportTrace()`):
    /// every input of the core with its time, for `examples/replay.rs`.
    #[wasm_bindgen(js_name = __trace, skip_typescript)]
    pub fn trace_js(&self) -> JsValue {
        self.driver.trace_doc()
    }

    /// Internal (pkg-template/tabs.js): what another tab needs to take over.
    #[wasm_bindgen(js_name = __snapshot, skip_typescript)]
    pub fn snapshot_js(&self) -> JsValue {
        self.driver.snapshot()
    }

    /// Internal (pkg-template/tabs.js): ends this instance without calling the
    /// page; `offline`: report it (the agent's last tab), else hand over.
    /// Resolves once everything is closed.
    #[wasm_bindgen(js_name = __end, skip_typescript)]
    pub fn end(&self, offline: bool) -> Promise {
        self.finish_with(if offline {
            Input::Destroy
        } else {
            Input::Handover
        })
    }

    /// The current state: `disconnected`, `ready`, `leave`, `wait` or `busy`.
    #[wasm_bindgen(js_name = state, unchecked_return_type = "'disconnected' | 'ready' | 'leave' | 'wait' | 'busy'")]
    pub fn state(&self) -> String {
        self.driver.state().to_string()
    }

    /// Takes a rest: `ready` → `leave`.
    #[wasm_bindgen(js_name = rest, unchecked_return_type = "Promise<any>")]
    pub fn rest(&self) -> Promise {
        self.call(Method::Rest, JsValue::UNDEFINED)
    }

    /// Comes back from a rest: `leave` → `ready`.
    #[wasm_bindgen(js_name = back, unchecked_return_type = "Promise<any>")]
    pub fn back(&self) -> Promise {
        self.call(Method::Back, JsValue::UNDEFINED)
    }

    /// Answers the ringing call `sid`; the video client starts its streams (→ `busy`).
    #[wasm_bindgen(js_name = answer, unchecked_return_type = "Promise<any>")]
    pub fn answer(&self, #[wasm_bindgen(unchecked_param_type = "string")] sid: JsValue) -> Promise {
        self.call(Method::Answer, sid)
    }

    /// Declines the ringing call `sid` (→ `ready`).
    #[wasm_bindgen(js_name = refuse, unchecked_return_type = "Promise<any>")]
    pub fn refuse(&self, #[wasm_bindgen(unchecked_param_type = "string")] sid: JsValue) -> Promise {
        self.call(Method::Refuse, sid)
    }

    /// Ends the call `sid`; the video client stops (→ `ready`).
    #[wasm_bindgen(js_name = hangUp, unchecked_return_type = "Promise<any>")]
    pub fn hang_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] sid: JsValue,
    ) -> Promise {
        self.call(Method::HangUp, sid)
    }

    /// Captures one frame of the `pusher` or `player` (default) stream; resolves
    /// with the SNAPSHOT data `{type, base64}` (`base64` is a `data:` URL).
    #[wasm_bindgen(js_name = snapshot, unchecked_return_type = "Promise<any>")]
    pub fn snapshot(
        &self,
        #[wasm_bindgen(
            js_name = "type",
            unchecked_optional_param_type = "'pusher' | 'player'"
        )]
        kind: JsValue,
    ) -> Promise {
        self.call(Method::Snapshot, kind)
    }

    /// Re-opens the video client link now (and the push channel if it is down).
    #[wasm_bindgen(js_name = reconnect, unchecked_return_type = "Promise<any>")]
    pub fn reconnect(&self) -> Promise {
        self.call(Method::Reconnect, JsValue::UNDEFINED)
    }

    /// Asks agent `newer` to take the call `sid` over.
    #[wasm_bindgen(js_name = askChangePerson, unchecked_return_type = "Promise<any>")]
    pub fn ask_change_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string, newer: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::AskChangePerson, arg)
    }

    /// Withdraws the transfer request to `newer`.
    #[wasm_bindgen(js_name = cancelChangePerson, unchecked_return_type = "Promise<any>")]
    pub fn cancel_change_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string, newer: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::CancelChangePerson, arg)
    }

    /// Accepts a colleague's transfer request for call `sid`.
    #[wasm_bindgen(js_name = acceptChangePerson, unchecked_return_type = "Promise<any>")]
    pub fn accept_change_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::AcceptChangePerson, arg)
    }

    /// Declines a colleague's transfer request for call `sid` (→ `ready`).
    #[wasm_bindgen(js_name = refuseChangePerson, unchecked_return_type = "Promise<any>")]
    pub fn refuse_change_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::RefuseChangePerson, arg)
    }

    /// Invites agent `newer` into the call `sid` as a third party.
    #[wasm_bindgen(js_name = askAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn ask_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string, newer: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::AskAddPerson, arg)
    }

    /// Withdraws the invitation to `newer`.
    #[wasm_bindgen(js_name = cancelAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn cancel_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string, newer: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::CancelAddPerson, arg)
    }

    /// Removes the third party `newer` from the call.
    #[wasm_bindgen(js_name = removeAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn remove_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string, newer: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::RemoveAddPerson, arg)
    }

    /// Accepts a colleague's invitation to join call `sid`.
    #[wasm_bindgen(js_name = acceptAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn accept_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::AcceptAddPerson, arg)
    }

    /// Declines a colleague's invitation to join call `sid` (→ `ready`).
    #[wasm_bindgen(js_name = refuseAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn refuse_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::RefuseAddPerson, arg)
    }

    /// Leaves call `sid` as the third party (→ `ready`).
    #[wasm_bindgen(js_name = quitAddPerson, unchecked_return_type = "Promise<any>")]
    pub fn quit_add_person(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{sid: string}")] arg: JsValue,
    ) -> Promise {
        self.call(Method::QuitAddPerson, arg)
    }

    /// Reports `offline` (best effort), closes every link, releases every
    /// listener and timer, and calls `complete()`. Resolves once that is done
    /// (at once if the instance already completed).
    #[wasm_bindgen(js_name = destroy, unchecked_return_type = "Promise<void>")]
    pub fn destroy(&self) -> Promise {
        self.finish_with(Input::Destroy)
    }

    /// Live resources of the SDK on this page (for leak tests):
    /// `{listeners, timers, eventSources, webSockets, fetches, instances}`.
    #[wasm_bindgen(js_name = debugCounters)]
    pub fn debug_counters() -> Object {
        let o = Object::new();
        for (name, n) in counters::snapshot() {
            let _ = Reflect::set(&o, &JsValue::from_str(name), &JsValue::from(n));
        }
        o
    }
}

impl RtVideo {
    /// Feeds `input` (destroy or hand-over); resolves after `complete()`.
    fn finish_with(&self, input: Input) -> Promise {
        let d = self.driver.clone();
        if d.is_dead() || d.is_completed() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
        if let Some(res) = resolve {
            d.on_complete(res);
        }
        d.feed(input);
        promise
    }

    /// Runs a method of the page through the core.
    fn call(&self, method: Method, arg: JsValue) -> Promise {
        self.call_for_owner(method, arg, JsValue::UNDEFINED)
    }

    /// Runs a method for `owner` (`undefined`: the page) through the core;
    /// the promise is marked handled.
    fn call_for_owner(&self, method: Method, arg: JsValue, owner: JsValue) -> Promise {
        // A clone, so the instance outlives a page callback that drops the handle.
        let d = self.driver.clone();
        if d.is_dead() {
            let p = Promise::reject(&live::internal_error(live::DEAD_MSG));
            mark_handled(&p);
            return p;
        }
        let arg = Js(arg);
        let mut functions = None;
        let promise = Promise::new(&mut |res, rej| functions = Some((res, rej)));
        // The executor runs synchronously, so the functions are there.
        if let Some(call) = functions.and_then(|(res, rej)| d.register_call(res, rej, owner)) {
            d.feed(Input::Call { call, method, arg });
        }
        mark_handled(&promise);
        promise
    }
}

/// What the constructor throws for invalid options: an `Error` naming the
/// field, with `code: 'CONFIG'` and `msg` like every other SDK error.
fn config_error(msg: &str) -> JsValue {
    crate::driver::error_value("CONFIG", msg)
}

fn argument_error(msg: &str) -> JsValue {
    crate::driver::error_value("INVALID_ARGUMENT", msg)
}

/// Validates `options` member by member (every given option is checked,
/// used or not); no copy of the object is made.
fn config_of(options: &JsValue) -> Result<Config, String> {
    Config::from_value(&Js(options.clone())).map_err(|e| e.msg)
}

fn observer_of(observer: JsValue) -> Result<Observer, JsValue> {
    let invalid = |what: &str| argument_error(&format!("RtVideo: invalid argument `{what}`"));
    if observer.is_undefined() || observer.is_null() {
        return Ok(Observer {
            this: JsValue::UNDEFINED,
            next: None,
            error: None,
            complete: None,
            log: None,
            event: None,
            read: None,
            early: None,
            call_error: None,
        });
    }
    if !observer.is_object() {
        return Err(invalid(
            "observer`: must be an object {next, error, complete}; got a non-object `observer",
        ));
    }
    let member = |name: &str| -> Result<Option<Function>, JsValue> {
        let v = Reflect::get(&observer, &JsValue::from_str(name))?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.dyn_into::<Function>().map(Some).map_err(|_| {
            argument_error(&format!(
                "RtVideo: invalid argument `observer.{name}`: must be a function"
            ))
        })
    };
    let (next, error, complete) = (member("next")?, member("error")?, member("complete")?);
    // Internal: the tab group's log ring (pkg-template/tabs.js).
    let log = member("__log")?;
    let event = member("__event")?;
    let read = member("__read")?;
    let early = member("__early")?;
    let call_error = member("__callError")?;
    Ok(Observer {
        this: observer,
        next,
        error,
        complete,
        log,
        event,
        read,
        early,
        call_error,
    })
}
