//! HTTP commands: one `fetch` POST per [`HttpRequest`] of the core.

use js_sys::Promise;
use rtv_core::ReqId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use super::counters::{Counted, Kind};
use super::timer::Timeout;
use super::value::{parse, stringify, Js};
use super::{HttpOutcome, Inputs};

type HttpRequest = rtv_core::HttpRequest<Js>;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker).
    #[wasm_bindgen(catch, js_name = fetch)]
    pub(crate) fn fetch_with_init(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

thread_local! {
    // One rejection handler for the whole page, made once: marking a promise
    // handled must not create a closure per call (and `Function::new` would
    // need `eval`, which a strict CSP forbids).
    static NOOP: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Marks `promise` handled so that a rejection nobody waits for is not
/// reported as an "uncaught (in promise)" error.
pub(crate) fn mark_handled(promise: &Promise) {
    NOOP.with(|noop| {
        let _ = promise.catch(noop);
    });
}

/// A request the driver waits for. Dropping it aborts the request (a no-op
/// once it completed) and cancels its timeout.
pub(crate) struct InFlight {
    ctrl: AbortController,
    _timeout: Timeout,
    _count: Counted,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.ctrl.abort();
    }
}

fn request_init(req: &HttpRequest) -> Result<RequestInit, JsValue> {
    let headers = Headers::new()?;
    headers.set("Content-Type", "application/json")?;
    if let Some(token) = &req.token {
        // Throws for a token with characters a header cannot carry.
        headers.set("Authorization", &format!("Bearer {token}"))?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&stringify(&req.body));
    if req.keepalive {
        // Not in web-sys' RequestInit yet; a plain member does it.
        js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE)?;
    }
    Ok(init)
}

/// Sends a keepalive request (`offline` on unload or destroy): it must
/// outlive the page and the instance, so nothing waits for it or aborts it.
pub(crate) fn send_keepalive(req: &HttpRequest) {
    if let Ok(Ok(promise)) = request_init(req).map(|init| fetch_with_init(&req.url, &init)) {
        mark_handled(&promise);
    }
}

/// Starts `req`; its outcome reaches the driver through `sink.http_done`,
/// exactly once unless the returned [`InFlight`] is dropped first.
pub(crate) fn start<S: Inputs>(req: &HttpRequest, sink: &S) -> Result<InFlight, String> {
    let ctrl = AbortController::new().map_err(|e| describe(&e))?;
    let init = request_init(req).map_err(|e| describe(&e))?;
    init.set_signal(Some(&ctrl.signal()));
    let promise = fetch_with_init(&req.url, &init).map_err(|e| describe(&e))?;
    let id: ReqId = req.id;
    let timeout = Timeout::new(req.timeout_ms, {
        let sink = sink.clone();
        // Reporting removes (and so aborts) the request.
        move || sink.http_done(id, HttpOutcome::Timeout)
    });
    let sink = sink.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = outcome_of(promise).await;
        sink.http_done(id, outcome);
    });
    Ok(InFlight {
        ctrl,
        _timeout: timeout,
        _count: Counted::new(Kind::Fetch),
    })
}

async fn outcome_of(promise: Promise) -> HttpOutcome {
    let resp: Response = match JsFuture::from(promise).await {
        Ok(r) => r.unchecked_into(),
        Err(e) => return HttpOutcome::NetworkError(describe(&e)),
    };
    let status = resp.status();
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    match text {
        Ok(body) => {
            let len = body
                .dyn_ref::<js_sys::JsString>()
                .map_or(0, |s| s.length() as usize);
            HttpOutcome::Response {
                status,
                body: parse(body, len),
            }
        }
        Err(e) => HttpOutcome::NetworkError(describe(&e)),
    }
}

/// `Name: message` of a thrown value (fetch errors carry no URL).
pub(crate) fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => e.as_string().unwrap_or_else(|| "fetch failed".to_string()),
    }
}
