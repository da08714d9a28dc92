//! `PushLink`: the push channel's EventSource and its listeners.
//!
//! The browser's EventSource retries by itself and hides why it failed. The
//! core must decide retries and tell rejected credentials (401/403) apart from
//! an outage, so on `error` the link closes the EventSource at once and probes
//! the same URL with `fetch` to learn the status and content type.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::JsString;
use rtv_core::MAX_FRAME_CHARS;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, EventSource, Headers, MessageEvent, RequestInit, Response};

use super::counters::{Counted, Kind};
use super::http::fetch_with_init;
use super::listener::EventListener;
use super::timer::Timeout;
use super::value::parse;
use super::{Input, Inputs};

/// How long the status probe may take before it counts as a network error.
const PROBE_TIMEOUT_MS: f64 = 5_000.0;
/// The probe starts this long after the `error`, from a timer: when the page
/// is being left, the EventSource may fail before `pagehide` closes the link;
/// the timer then dies with the link (or with the document) and no new
/// subscribe request outlives the page.
const PROBE_DELAY_MS: f64 = 100.0;

/// State the error listener and the probe share with the link.
struct Shared {
    source: EventSource,
    url: String,
    /// The probe in flight; aborted when the link is dropped.
    probe: RefCell<Option<AbortController>>,
    /// The probe about to start; cleared when the link is dropped.
    delay: RefCell<Option<Timeout>>,
}

/// An open push channel. Dropping it closes the EventSource, removes every
/// listener and aborts a status probe in flight (whose result is then ignored).
pub(crate) struct PushLink {
    shared: Rc<Shared>,
    listeners: Vec<EventListener>,
    _count: Counted,
}

impl PushLink {
    /// Opens an EventSource on `url` (the subscribe URL, token included).
    pub(crate) fn open<S: Inputs>(url: &str, sink: &S) -> Result<PushLink, ()> {
        let source = EventSource::new(url).map_err(|_| ())?;
        let shared = Rc::new(Shared {
            source: source.clone(),
            url: url.to_string(),
            probe: RefCell::new(None),
            delay: RefCell::new(None),
        });
        let target = source.as_ref();
        let listeners = vec![
            EventListener::new(target, "open", {
                let sink = sink.clone();
                move |_| sink.send(Input::PushOpened)
            }),
            EventListener::new(target, "message", {
                let sink = sink.clone();
                move |ev| sink.send(message_input(ev.unchecked_ref()))
            }),
            EventListener::new(target, "ping", {
                let sink = sink.clone();
                move |_| sink.send(Input::PushPing)
            }),
            EventListener::new(target, "error", {
                let sink = sink.clone();
                let weak = Rc::downgrade(&shared);
                move |_| on_error(&weak, &sink)
            }),
        ];
        Ok(PushLink {
            shared,
            listeners,
            _count: Counted::new(Kind::EventSource),
        })
    }
}

impl Drop for PushLink {
    fn drop(&mut self) {
        self.listeners.clear();
        self.shared.source.close();
        drop(self.shared.delay.borrow_mut().take());
        if let Some(probe) = self.shared.probe.borrow_mut().take() {
            probe.abort();
        }
    }
}

/// A `message` event as input; the length is checked before the text is
/// parsed (by `JSON.parse`: the text itself never enters wasm memory).
fn message_input(ev: &MessageEvent) -> Input {
    let id = Some(ev.last_event_id()).filter(|id| !id.is_empty());
    let data = ev.data();
    // SSE data is always text; anything else has length 0 and does not
    // parse, so the core reports it as a malformed message.
    let len = data
        .dyn_ref::<JsString>()
        .map_or(0, |s| s.length() as usize);
    if len > MAX_FRAME_CHARS {
        return Input::PushOversized { id, len };
    }
    Input::PushMessage {
        id,
        data: parse(data, len),
    }
}

fn on_error<S: Inputs>(weak: &Weak<Shared>, sink: &S) {
    let Some(shared) = weak.upgrade() else { return };
    // Stop the browser's own retries: the core owns the retry policy.
    shared.source.close();
    if shared.probe.borrow().is_some() || shared.delay.borrow().is_some() {
        return;
    }
    let timer = Timeout::new(PROBE_DELAY_MS, {
        let weak = weak.clone();
        let sink = sink.clone();
        move || start_probe(&weak, &sink)
    });
    *shared.delay.borrow_mut() = Some(timer);
}

fn start_probe<S: Inputs>(weak: &Weak<Shared>, sink: &S) {
    let Some(shared) = weak.upgrade() else { return };
    let fired = shared.delay.borrow_mut().take();
    drop(fired);
    let Ok(ctrl) = AbortController::new() else {
        drop(shared);
        sink.send(Input::PushDown {
            status: None,
            wrong_type: false,
        });
        return;
    };
    *shared.probe.borrow_mut() = Some(ctrl.clone());
    let url = shared.url.clone();
    let weak = weak.clone();
    let sink = sink.clone();
    drop(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let input = probe(&url, &ctrl).await;
        // A link dropped meanwhile (closed, replaced, destroyed) has nobody
        // to report to.
        if let Some(shared) = weak.upgrade() {
            shared.probe.borrow_mut().take();
            drop(shared);
            sink.send(input);
        }
    });
}

/// GETs the subscribe URL like the EventSource did, reads the status and the
/// content type, then aborts the (streaming) body.
async fn probe(url: &str, ctrl: &AbortController) -> Input {
    let _count = Counted::new(Kind::Fetch);
    let down = |status: Option<u16>, wrong_type| Input::PushDown { status, wrong_type };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&ctrl.signal()));
    if let Ok(h) = Headers::new() {
        let _ = h.set("Accept", "text/event-stream");
        init.set_headers(&h);
    }
    let _timeout = Timeout::new(PROBE_TIMEOUT_MS, {
        let ctrl = ctrl.clone();
        move || ctrl.abort()
    });
    let Ok(promise) = fetch_with_init(url, &init) else {
        return down(None, false);
    };
    let result = JsFuture::from(promise).await;
    let Ok(resp) = result.map(|r| r.unchecked_into::<Response>()) else {
        return down(None, false);
    };
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    ctrl.abort();
    let wrong_type = status == 200
        && !content_type
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("text/event-stream");
    down(Some(status), wrong_type)
}
