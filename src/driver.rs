//! The driver: runs the sans-IO core against the browser.
//!
//! Web events become [`Input`]s; after each one the driver drains the core's
//! [`Output`]s into a Vec, re-arms its single timer from `poll_timeout`,
//! releases its borrow, and only then performs them (IO, page callbacks,
//! promise settlement). A page callback may therefore call back into
//! `RtVideo`: the nested call only feeds its input, and the outer loop drains
//! what it produced, in order.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object};
use rtv_core::error::{ErrorCode, SdkError};
use rtv_core::trace::Trace;
use rtv_core::{CallId, LogLevel, Millis, ReqId};
use wasm_bindgen::JsValue;
use web_sys::console;

use crate::web::counters::{Counted, Kind};
use crate::web::exe::ExeLink;
use crate::web::http::{self, InFlight};
use crate::web::local_network::LocalNetworkWatch;
use crate::web::page::PageListeners;
use crate::web::sse::PushLink;
use crate::web::timer::{self, Timeout};
use crate::web::value::{set_member, with_key};
use crate::web::{HttpOutcome, Input, Inputs, Js};

/// The core over JS values.
pub(crate) type Agent = rtv_core::Agent<Js>;
type Output = rtv_core::Output<Js>;

/// The page's observer: `this` for the calls, and its three optional functions.
pub(crate) struct Observer {
    pub this: JsValue,
    pub next: Option<Function>,
    pub error: Option<Function>,
    pub complete: Option<Function>,
    /// Internal (pkg-template/tabs.js): `__log(level, text)` for the log ring.
    pub log: Option<Function>,
    /// Internal (pkg-template/tabs.js): `__event(type, data)`, called
    /// instead of `next({type, data})` when given (fewer calls into JS).
    pub event: Option<Function>,
    /// Internal (pkg-template/tabs.js): `__read(text, ev, facts)`, the
    /// push reader (src/web/sse.rs `Reader`).
    pub read: Option<Function>,
    /// Internal (pkg-template/tabs.js): `__callError(err, owners)`, called
    /// instead of `error(err)` for the failure of method calls, with the
    /// `owner` each of them was made with (`__call`; D100).
    pub call_error: Option<Function>,
    /// Internal (pkg-template/early.js, script-tag build): `__early(kind,
    /// url)`, the link the loader opened before the wasm was ready, if it
    /// was opened on `url` (src/web/mod.rs `early`).
    pub early: Option<Function>,
}

/// What the layer that makes drivers wires in (src/api: the registry of live
/// instances in src/live.rs, the fault injection of src/test_hooks.rs), so
/// that the driver imports neither of them.
#[derive(Clone, Copy)]
pub(crate) struct Hooks {
    /// An instance starts, before its first outputs are performed.
    pub started: fn(&Rc<Driver>),
    /// An instance completed: no callback of its page fires again.
    pub ended: fn(&Driver),
    /// Each drain of the core's outputs, with the instance's state borrowed.
    pub draining: fn(),
}

/// One `RtVideo` instance behind its JS handle.
pub(crate) struct Driver {
    inner: RefCell<Inner>,
    observer: Observer,
    /// A pump loop is running further up the stack.
    pumping: Cell<bool>,
    /// `complete()` was called: no page callback fires again.
    completed: Cell<bool>,
    /// The SDK panicked. A plain Cell, readable even if `inner` is stuck borrowed.
    dead: Cell<bool>,
    /// `logLevel`: what reaches the console (the core emits info and above
    /// always, for the log ring).
    console_level: LogLevel,
    hooks: Hooks,
    _count: Counted,
}

/// A method call waiting for the core's [`Output::Settle`].
struct PendingCall {
    id: CallId,
    resolve: Function,
    reject: Function,
    /// Whose call it is, as the tab group said (`__call`'s `owner`), for
    /// `__callError`; `undefined` for the page's own calls.
    owner: JsValue,
}

struct Inner {
    agent: Agent,
    sink: Sink,
    push: Option<PushLink>,
    exe: Option<ExeLink>,
    /// The armed deadline and its timer.
    timer: Option<(Millis, Timeout)>,
    page: Option<PageListeners>,
    /// The local network permission, read and followed for the EXE link.
    local_network: Option<LocalNetworkWatch<Sink>>,
    /// Calls the core has not settled: their promise functions and owners.
    calls: Vec<PendingCall>,
    next_call: CallId,
    fetches: Vec<(ReqId, InFlight)>,
    /// `destroy()` promises waiting for `complete()`.
    waiters: Vec<Function>,
    /// Every input and timer firing, for `exportTrace()` (rtv_core::trace).
    trace: Trace<Js>,
}

/// How the web layer reaches the driver: a `Weak`, so closures held by the
/// browser never keep an instance alive and there is no `Rc` cycle.
#[derive(Clone)]
pub(crate) struct Sink(Weak<Driver>);

impl Inputs for Sink {
    /// Feeds `input` to the core and performs what follows.
    fn send(&self, input: Input) {
        if let Some(d) = self.0.upgrade() {
            d.feed(input);
        }
    }

    fn send_at(&self, now: f64, input: Input) {
        if let Some(d) = self.0.upgrade() {
            d.feed_at(now, input);
        }
    }

    /// Reports the outcome of request `id` (once; later reports are ignored).
    fn http_done(&self, id: ReqId, outcome: HttpOutcome) {
        if let Some(d) = self.0.upgrade() {
            let entry = d.with_inner(|i| {
                i.fetches
                    .iter()
                    .position(|f| f.0 == id)
                    .map(|at| i.fetches.swap_remove(at))
            });
            // Dropped outside the borrow (dropping aborts and clears a timer),
            // before the core hears of it.
            let Some(Some(request)) = entry else { return };
            drop(request);
            d.feed(Input::Http { id, outcome });
        }
    }
}

impl Sink {
    fn timer_fired(&self) {
        if let Some(d) = self.0.upgrade() {
            let spent = d.with_inner(|i| {
                let t = i.timer.take();
                let now = timer::now();
                i.trace.timer(now);
                i.agent.handle_timeout(now);
                t
            });
            drop(spent);
            d.pump();
        }
    }
}

impl Driver {
    /// Wraps `agent`, listens to the page, and performs the first outputs
    /// (opening both links). `managed`: the tab group handles unload and
    /// restore (see `PageListeners`).
    pub(crate) fn start(
        agent: Agent,
        observer: Observer,
        managed: bool,
        trace: Trace<Js>,
        hooks: Hooks,
    ) -> Rc<Driver> {
        let console_level = agent.config().log_level;
        let d = Rc::new_cyclic(|me: &Weak<Driver>| Driver {
            inner: RefCell::new(Inner {
                agent,
                sink: Sink(me.clone()),
                push: None,
                exe: None,
                timer: None,
                page: None,
                local_network: None,
                calls: Vec::new(),
                next_call: 1,
                fetches: Vec::new(),
                waiters: Vec::new(),
                trace,
            }),
            observer,
            pumping: Cell::new(false),
            completed: Cell::new(false),
            dead: Cell::new(false),
            console_level,
            hooks,
            _count: Counted::new(Kind::Instance),
        });
        let page = PageListeners::new(&d.sink(), managed);
        d.inner.borrow_mut().page = Some(page);
        (d.hooks.started)(&d);
        // Its first read tells the core `asking` at once (the attempt the core
        // makes meanwhile is judged by a read after it, if it fails).
        let watch = LocalNetworkWatch::start(&d.sink());
        d.inner.borrow_mut().local_network = watch;
        d.pump();
        d
    }

    fn sink(&self) -> Sink {
        self.inner.borrow().sink.clone()
    }

    /// Runs `f` on the state unless the instance is dead.
    fn with_inner<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        if self.dead.get() {
            return None;
        }
        Some(f(&mut self.inner.borrow_mut()))
    }

    /// True after a panic: every entry point refuses to run.
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.get()
    }

    /// True once `complete()` was called.
    pub(crate) fn is_completed(&self) -> bool {
        self.completed.get()
    }

    /// The trace document (`exportTrace()`; the JS side masks and
    /// stringifies it).
    pub(crate) fn trace_doc(&self) -> JsValue {
        self.inner
            .try_borrow()
            .ok()
            .map_or(JsValue::NULL, |i| i.trace.to_value().0)
    }

    /// What another tab needs to take over (`Agent::snapshot`).
    pub(crate) fn snapshot(&self) -> JsValue {
        self.with_inner(|i| i.agent.snapshot().0)
            .unwrap_or(JsValue::NULL)
    }

    /// The links as the self-check reads them (`Agent::link_report`).
    pub(crate) fn link_report(&self) -> JsValue {
        self.with_inner(|i| i.agent.link_report().0)
            .unwrap_or(JsValue::NULL)
    }

    /// The current state string.
    pub(crate) fn state(&self) -> &'static str {
        if self.dead.get() {
            return "disconnected";
        }
        self.inner
            .try_borrow()
            .map(|i| i.agent.state().as_str())
            .unwrap_or("disconnected")
    }

    /// Keeps a promise's functions (and the call's `owner`) until the core
    /// settles call `CallId`.
    pub(crate) fn register_call(
        &self,
        resolve: Function,
        reject: Function,
        owner: JsValue,
    ) -> Option<CallId> {
        self.with_inner(|i| {
            let id = i.next_call;
            i.next_call = i.next_call.wrapping_add(1);
            i.calls.push(PendingCall {
                id,
                resolve,
                reject,
                owner,
            });
            id
        })
    }

    /// The owners of `calls` still waiting (an error comes before the
    /// rejections it explains, so all of them), as an array.
    fn owners(&self, calls: &[CallId]) -> Array {
        let owners = Array::new();
        let _ = self.with_inner(|i| {
            for c in i.calls.iter().filter(|c| calls.contains(&c.id)) {
                owners.push(&c.owner);
            }
        });
        owners
    }

    /// Resolves `resolve` when `complete()` has run.
    pub(crate) fn on_complete(&self, resolve: Function) {
        if self.completed.get() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        } else {
            let _ = self.with_inner(|i| i.waiters.push(resolve));
        }
    }

    /// Feeds one input and performs what follows.
    pub(crate) fn feed(self: &Rc<Self>, input: Input) {
        self.feed_at(timer::now(), input);
    }

    /// [`Driver::feed`] at `now` (the core never lets its clock go back).
    pub(crate) fn feed_at(self: &Rc<Self>, now: f64, input: Input) {
        if self
            .with_inner(|i| {
                let input = i.trace.take(now, input);
                i.agent.handle_input(now, input)
            })
            .is_some()
        {
            self.pump();
        }
    }

    /// Drains and performs outputs until the core has nothing more to say.
    fn pump(self: &Rc<Self>) {
        if self.pumping.replace(true) {
            return;
        }
        let draining = self.hooks.draining;
        while let Some(batch) = self
            .with_inner(|i| {
                draining();
                i.drain()
            })
            .filter(|b| !b.is_empty())
        {
            for out in batch {
                self.perform(out);
            }
        }
        self.pumping.set(false);
    }

    fn perform(self: &Rc<Self>, out: Output) {
        match out {
            Output::Event { kind, data } => {
                // The payload the core built (for a push: the object
                // JSON.parse made), never re-serialized.
                if let Some(f) = &self.observer.event {
                    if !self.silent() {
                        with_key(kind.as_str(), |t| {
                            self.caught("next", f.call2(&self.observer.this, t, &data.0))
                        });
                    }
                    return;
                }
                let v: JsValue = Object::new().into();
                with_key(kind.as_str(), |t| set_member(&v, "type", t));
                set_member(&v, "data", &data.0);
                self.notify(self.observer.next.as_ref(), "next", &v);
            }
            Output::Error { error, calls } => {
                let payload = error.to_value::<Js>().0;
                match &self.observer.call_error {
                    // A tab group: the error of a call goes to the tab that made it (D100).
                    Some(f) if !calls.is_empty() && !self.silent() => {
                        let owners = self.owners(&calls);
                        self.caught("error", f.call2(&self.observer.this, &payload, &owners))
                    }
                    _ => self.notify(self.observer.error.as_ref(), "error", &payload),
                }
            }
            Output::Settle { call, result } => {
                let entry = self.with_inner(|i| {
                    i.calls
                        .iter()
                        .position(|c| c.id == call)
                        .map(|at| i.calls.swap_remove(at))
                });
                if let Some(c) = entry.flatten() {
                    let _ = match result {
                        Ok(v) => c.resolve.call1(&JsValue::UNDEFINED, &v.0),
                        Err(r) => c.reject.call1(&JsValue::UNDEFINED, &r.to_value::<Js>().0),
                    };
                }
            }
            Output::Http(req) if req.keepalive => http::send_keepalive(&req),
            Output::Http(req) => {
                let sink = self.sink();
                match http::start(&req, &sink) {
                    Ok(f) => {
                        let _ = self.with_inner(|i| i.fetches.push((req.id, f)));
                    }
                    Err(why) => self.feed(Input::Http {
                        id: req.id,
                        outcome: HttpOutcome::NetworkError(why),
                    }),
                }
            }
            Output::OpenPush { url } => {
                drop(self.with_inner(|i| i.push.take()));
                match PushLink::open(
                    &url,
                    &self.sink(),
                    self.observer.read.clone(),
                    self.observer.early.as_ref(),
                ) {
                    Ok(link) => {
                        let _ = self.with_inner(|i| i.push = Some(link));
                    }
                    Err(()) => self.feed(Input::PushDown {
                        status: None,
                        wrong_type: false,
                    }),
                }
            }
            Output::ClosePush => drop(self.with_inner(|i| i.push.take())),
            Output::OpenExe { url } => {
                drop(self.with_inner(|i| i.exe.take()));
                match ExeLink::open(&url, &self.sink(), self.observer.early.as_ref()) {
                    Ok(link) => {
                        let _ = self.with_inner(|i| i.exe = Some(link));
                    }
                    Err(()) => self.feed(Input::ExeClosed { code: 1006 }),
                }
            }
            Output::CloseExe => drop(self.with_inner(|i| i.exe.take())),
            Output::CheckLocalNetwork => {
                let _ = self.with_inner(|i| i.local_network.as_ref().map(|w| w.check()));
            }
            Output::ExeSend(frame) => {
                let _ = self.with_inner(|i| i.exe.as_ref().map(|l| l.send(&frame)));
            }
            Output::Log { level, msg } => {
                if level <= self.console_level {
                    log(level, &msg);
                }
                let ring = level <= LogLevel::Info && !self.completed.get();
                if let (Some(f), true) = (&self.observer.log, ring) {
                    with_key(level_name(level), |lv| {
                        let _ = f.call2(&self.observer.this, lv, &JsValue::from_str(&msg));
                    });
                }
            }
            Output::Complete => self.complete(),
        }
    }

    /// Calls a page callback; one that throws is logged and the SDK goes on.
    fn notify(&self, f: Option<&Function>, name: &str, arg: &JsValue) {
        if !self.silent() {
            self.invoke(f, name, arg);
        }
    }

    /// After `complete()` (or a panic) no page callback fires.
    fn silent(&self) -> bool {
        self.completed.get() || self.dead.get()
    }

    fn invoke(&self, f: Option<&Function>, name: &str, arg: &JsValue) {
        if let Some(f) = f {
            self.caught(name, f.call1(&self.observer.this, arg));
        }
    }

    /// A page callback that threw is logged; the SDK goes on.
    fn caught(&self, name: &str, result: Result<JsValue, JsValue>) {
        if let Err(e) = result {
            console::error_2(
                &JsValue::from_str(&format!("RtVideo: observer.{name} threw:")),
                &e,
            );
        }
    }

    /// `complete()`, then release every link, listener, timer and request.
    fn complete(self: &Rc<Self>) {
        if self.completed.get() {
            return;
        }
        self.completed.set(true);
        self.invoke(
            self.observer.complete.as_ref(),
            "complete",
            &JsValue::UNDEFINED,
        );
        let released = self.with_inner(|i| {
            (
                i.push.take(),
                i.exe.take(),
                i.timer.take(),
                i.page.take(),
                i.local_network.take(),
                std::mem::take(&mut i.fetches),
                std::mem::take(&mut i.calls),
                std::mem::take(&mut i.waiters),
            )
        });
        (self.hooks.ended)(self);
        let Some((push, exe, timer, page, watch, fetches, calls, waiters)) = released else {
            return;
        };
        drop((push, exe, timer, page, watch, fetches));
        // The core settles every call before completing; this is a safety net.
        let gone = SdkError::new(ErrorCode::Destroyed, "RtVideo 实例已销毁 (destroyed)")
            .to_value::<Js>()
            .0;
        for PendingCall { reject, .. } in calls {
            let _ = reject.call1(&JsValue::UNDEFINED, &gone);
        }
        for resolve in waiters {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }

    /// Called by the panic hook: report `INTERNAL`, `complete()`, then stay
    /// silent for good. Touches only Cells and the immutable observer.
    pub(crate) fn on_panic(&self, error: &JsValue) {
        if self.dead.replace(true) || self.completed.get() {
            return;
        }
        self.invoke(self.observer.error.as_ref(), "error", error);
        self.completed.set(true);
        self.invoke(
            self.observer.complete.as_ref(),
            "complete",
            &JsValue::UNDEFINED,
        );
    }
}

impl Inner {
    fn drain(&mut self) -> Vec<Output> {
        let mut batch = Vec::new();
        while let Some(out) = self.agent.poll_output() {
            batch.push(out);
        }
        let want = if self.agent.is_finished() {
            None
        } else {
            self.agent.poll_timeout()
        };
        // A deadline that only moved later (the ping-silence watchdog moves
        // with every push) keeps the armed timer: it fires early, the core
        // finds nothing due, and the next drain arms the new deadline. One
        // setTimeout per deadline instead of one per message.
        let armed = self.timer.as_ref().map(|t| t.0);
        let keep = matches!((want, armed), (Some(w), Some(a)) if a <= w);
        if !keep && want != armed {
            self.timer = want.map(|at| {
                let sink = self.sink.clone();
                (
                    at,
                    Timeout::new(at - timer::now(), move || sink.timer_fired()),
                )
            });
        }
        batch
    }
}

/// What the constructor throws: an `Error` whose own members are `code`
/// and `msg`. Errors handed to callbacks and promises stay plain
/// `{code, msg, ...}` objects (SPEC §1; docs/DECISIONS.md D54).
pub(crate) fn error_value(code: &'static str, msg: &str) -> JsValue {
    let e: JsValue = js_sys::Error::new(msg).into();
    set_member(&e, "code", &JsValue::from_str(code));
    set_member(&e, "msg", &JsValue::from_str(msg));
    e
}

fn level_name(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Silent => "silent",
        LogLevel::Error => "error",
        LogLevel::Warn => "warn",
        LogLevel::Info => "info",
        LogLevel::Debug => "debug",
    }
}

fn log(level: LogLevel, msg: &str) {
    let line = JsValue::from_str(&format!("[RtVideo] {msg}"));
    match level {
        LogLevel::Silent => {}
        LogLevel::Error => console::error_1(&line),
        LogLevel::Warn => console::warn_1(&line),
        LogLevel::Info => console::info_1(&line),
        LogLevel::Debug => console::debug_1(&line),
    }
}
