//! The simulator's control API (and its dispatch service, for cleanup) over
//! real `fetch`: place calls, push messages, inject faults, read what an
//! agent's SDK sent.

use js_sys::{Object, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use super::{items, json, s, set, sim_url, sleep};

pub(crate) async fn fetch(method: &str, path: &str, body: Option<&str>) -> (u16, JsValue) {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let h = Headers::new().expect("Headers");
        h.set("Content-Type", "application/json").expect("header");
        init.set_headers(&h);
        init.set_body(&JsValue::from_str(body));
    }
    let url = format!("{}{path}", sim_url());
    let window = web_sys::window().expect("a window");
    let resp = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .unwrap_or_else(|e| panic!("control API {url} unreachable: {e:?}"));
    let resp: Response = resp.unchecked_into();
    let text = JsFuture::from(resp.text().expect("text"))
        .await
        .expect("body")
        .as_string()
        .unwrap_or_default();
    let value = JSON::parse(&text).unwrap_or(JsValue::from_str(&text));
    (resp.status(), value)
}

/// POSTs a control API call; panics unless it answers 2xx.
pub async fn control(path: &str, body: &str) -> JsValue {
    let (status, v) = fetch("POST", &format!("sim/{path}"), Some(body)).await;
    assert!(
        (200..300).contains(&status),
        "POST /sim/{path} {body} answered {status}: {}",
        json(&v)
    );
    v
}

/// `POST /sim/push-channel {account, action}` (drop, stall, reject, error500, wrongType, restore).
pub async fn push_channel(account: &str, action: &str) {
    control(
        "push-channel",
        &format!(r#"{{"account":"{account}","action":"{action}"}}"#),
    )
    .await;
}

/// `POST /sim/exe {account, action}` (crash, refuse, silence, garbage, restore).
pub async fn exe_action(account: &str, action: &str) {
    control(
        "exe",
        &format!(r#"{{"account":"{account}","action":"{action}"}}"#),
    )
    .await;
}

/// GETs a control API resource.
pub async fn control_get(path: &str) -> JsValue {
    let (status, v) = fetch("GET", &format!("sim/{path}"), None).await;
    assert_eq!(status, 200, "GET /sim/{path}: {}", json(&v));
    v
}

/// What `account`'s SDK sent (HTTP, subscribes, EXE frames), in order.
pub async fn sim_log(account: &str) -> Vec<JsValue> {
    items(&control_get(&format!("log?account={account}")).await)
}

/// Entries of the log with this `kind` (`http`, `subscribe`, `exe`) and `path`.
pub fn entries<'a>(log: &'a [JsValue], kind: &'a str, path: &'a str) -> Vec<&'a JsValue> {
    log.iter()
        .filter(|e| s(e, "kind") == kind && s(e, "path") == path)
        .collect()
}

/// Polls the simulator's log until `n` entries of `kind`/`path` are there.
pub async fn wait_log(account: &str, kind: &str, path: &str, n: usize, ms: f64) -> Vec<JsValue> {
    let start = js_sys::Date::now();
    loop {
        let log = sim_log(account).await;
        if entries(&log, kind, path).len() >= n {
            return log;
        }
        if js_sys::Date::now() - start > ms {
            panic!(
                "timed out waiting for {n} {kind} {path} in the log of {account}: {}",
                log.iter().map(json).collect::<Vec<_>>().join("\n")
            );
        }
        sleep(50).await;
    }
}

/// Marks the customers of the calls these tests place.
const CALL_TAG: &str = "browser-test";

/// Places a customer call for `account`; returns the sid.
pub async fn place_call(account: &str) -> String {
    let body = format!(r#"{{"account":"{account}","customer":{{"placedBy":"{CALL_TAG}"}}}}"#);
    s(&control("call", &body).await, "sid")
}

/// Reports `account` offline to the dispatch service, as a test's cleanup
/// when its instance ended without doing so (rejected credentials): the
/// platform would otherwise keep offering it calls until its heartbeat times
/// out.
pub async fn report_offline(account: &str) {
    let body = format!(r#"{{"systemCode":"BT","account":"{account}","state":"offline"}}"#);
    let (status, v) = fetch("POST", "dispatch/agent/state", Some(&body)).await;
    assert_eq!(status, 200, "offline for {account}: {}", json(&v));
}

/// Places a call for whichever agent is ready next; returns the sid.
pub async fn place_queued_call() -> String {
    let body = format!(r#"{{"customer":{{"placedBy":"{CALL_TAG}"}}}}"#);
    s(&control("call", &body).await, "sid")
}

/// Waits until the simulator has no ready agent (one that vanished without
/// `offline` counts until its heartbeat times out, 60 s).
pub async fn wait_no_ready_agent() {
    let start = js_sys::Date::now();
    loop {
        let agents = items(&control_get("agents").await);
        let ready: Vec<String> = agents
            .iter()
            .filter(|a| s(a, "state") == "ready")
            .map(|a| s(a, "account"))
            .collect();
        if ready.is_empty() {
            return;
        }
        assert!(
            js_sys::Date::now() - start < 70_000.0,
            "agents still ready: {ready:?}"
        );
        sleep(500).await;
    }
}

/// Ends the calls an earlier, failed test left behind. A call whose agent
/// vanished keeps ringing at whichever agent is ready next, which would
/// reach an unrelated test. Each test ends its own calls, so any tagged call
/// still live when a test starts is stale.
pub async fn end_stale_calls() {
    for session in items(&control_get("sessions").await) {
        if s(&session, "customer.placedBy") == CALL_TAG && s(&session, "phase") != "ended" {
            let body = format!(r#"{{"sid":"{}","msgType":30017}}"#, s(&session, "sid"));
            // A call that ended meanwhile answers 404: nothing to do.
            let _ = fetch("POST", "sim/hangup", Some(&body)).await;
        }
    }
}

/// Pushes a message to `account` (`msgType`, `sid`, `data` as JSON text).
pub async fn push(account: &str, msg_type: i64, sid: &str, data: &str) -> JsValue {
    control(
        "push",
        &format!(r#"{{"account":"{account}","msgType":{msg_type},"sid":"{sid}","data":{data}}}"#),
    )
    .await
}

/// Pushes a raw `data:` text (optionally with a forced SSE id).
pub async fn push_raw(account: &str, raw: &str, id: Option<&str>) -> JsValue {
    let o = Object::new();
    set(&o, "account", &account.into());
    set(&o, "raw", &raw.into());
    if let Some(id) = id {
        set(&o, "id", &id.into());
    }
    control("push", &json(&o)).await
}
