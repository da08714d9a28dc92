//! The control API under `/sim/`: tests and the demo drive the simulated
//! platform through it (place calls, push messages, inject failures, read
//! what the SDK sent). Plain JSON in and out; failures are 4xx `{error}`.
//! The full list is in `rtv-sim --help` (`flags::CONTROL_API`). Links:
//!
//! - `GET /sim/links` → `{"<account>": {"subscriptions": 1, "subscribesTotal": 3,
//!   "exeLinks": 1, "exeHellos": 2}, ...}`: push streams open now (a stream
//!   closes as soon as the server notices the client went away: hyper sees the
//!   socket's EOF and drops the body), every subscribe request since start or
//!   `/sim/reset` (also those answered 401/500), EXE sockets open now by hello
//!   account, every `hello` since start or reset. `?account=a` answers that
//!   one object (zeros for an unknown account).
//! - `POST /sim/exe {account?, action, code?, msg?, times?}`: besides
//!   crash/refuse/silence/garbage/restore, `snapshotRaw` (raw PNG base64),
//!   `snapshotJpeg` (`data:image/jpeg;base64,`), `snapshotRawJpeg` (raw JPEG
//!   base64), `snapshotPng` (the default data URL), and `failStart`: the next
//!   `times` (1) `start`s answer `{"id", "ok": false, "code": code (500),
//!   "msg": msg}`. Without `account` a setting is global and clears the
//!   accounts' own; `restore` clears mode, format and start failure.
//! - `POST /sim/burst {account, n, msgTypes?, urlLen?, sid?}` → `{"first": id,
//!   "last": id, "n": n}`: `n` (1..=1,000,000) messages for `account`'s push
//!   stream in one go (benchmarks: tests/bench/browser.mjs), written to each
//!   open stream as one chunk, with consecutive ids, kept for replay like
//!   `/sim/push`. Message `i` is `{"msgType": msgTypes[i % len], "sid": sid,
//!   "data": {"url": u}}`: `msgTypes` defaults to `[50203, 50204]`, `sid` to
//!   `"S-burst"`, and `u` is a URL of exactly `urlLen` (32..=4096, default 80)
//!   characters that carries `i`.

use crate::codes::is_hangup;
use crate::exe::StartFaultParams;
use crate::faults::HttpFault;
use crate::push::ChannelMode;
use crate::state::Sim;
use crate::views;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

type Shared = State<Arc<Sim>>;

/// Version of the control API (docs/SIM-API.md). Raised only when an
/// endpoint changes incompatibly; additions keep it.
pub const API_VERSION: u32 = 1;

/// The `/sim` routes.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/version", get(version))
        .route("/reset", post(reset))
        .route("/agents", get(agents))
        .route("/links", get(links))
        .route("/sessions", get(sessions))
        .route("/call", post(call))
        .route("/hangup", post(hangup))
        .route("/push", post(push))
        .route("/burst", post(burst))
        .route("/fail", post(fail))
        .route("/push-channel", post(push_channel))
        .route("/exe", post(exe))
        .route("/exe/send", post(exe_send))
        .route("/auth", post(auth))
        .route("/log", get(log))
        .route("/log/clear", post(log_clear))
        .route("/config", get(config).post(set_config))
        .fallback(unknown)
        // Bad-input tests send frames over the SDK's 1 MiB limit (2 MiB and more).
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
}

/// `GET /sim/version`: `{"api": 1, "sim": "<crate version>"}`; clients check
/// `api` before anything else.
async fn version() -> Response {
    let out = json!({ "api": API_VERSION, "sim": env!("CARGO_PKG_VERSION") });
    Json(out).into_response()
}

/// Any other `/sim/...` request: a 404 that says so (not the static files' page).
/// (Nested: `uri` is the part after `/sim`.)
async fn unknown(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let msg = format!("no control endpoint {method} /sim{}", uri.path());
    bad(StatusCode::NOT_FOUND, msg)
}

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// Parses a JSON body (an empty body counts as `{}`). The error is the
/// ready 400 answer; its size does not matter on this cold path.
#[allow(clippy::result_large_err)]
fn parse<T: for<'de> Deserialize<'de>>(body: &str) -> Result<T, Response> {
    let body = if body.trim().is_empty() { "{}" } else { body };
    serde_json::from_str(body).map_err(|e| bad(StatusCode::BAD_REQUEST, e.to_string()))
}

async fn reset(State(sim): Shared) -> Response {
    sim.lock().reset();
    crate::say!("control: reset");
    Json(json!({ "ok": true })).into_response()
}

async fn agents(State(sim): Shared) -> Response {
    Json(views::agents(&sim.lock())).into_response()
}

/// `GET /sim/links[?account=a]`: live push streams and EXE sockets, and
/// running totals of subscribes and hellos, per account.
async fn links(State(sim): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    let w = sim.lock();
    match q.get("account") {
        Some(a) => Json(views::links_of(&w, a)).into_response(),
        None => Json(views::links(&w)).into_response(),
    }
}

async fn sessions(State(sim): Shared) -> Response {
    Json(views::sessions(&sim.lock())).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallReq {
    account: Option<String>,
    customer: Option<Value>,
    sid: Option<String>,
}

async fn call(State(sim): Shared, body: String) -> Response {
    let req: CallReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let outcome = sim.mutate(|w, now| {
        let customer = w.rng.complete_customer(req.customer);
        w.new_call(now, req.sid, customer, req.account, false)
    });
    match outcome {
        Ok(sid) => Json(json!({ "sid": sid })).into_response(),
        Err(e) => bad(StatusCode::CONFLICT, e),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HangupReq {
    sid: String,
    msg_type: Option<i64>,
}

async fn hangup(State(sim): Shared, body: String) -> Response {
    let req: HangupReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let code = req.msg_type.unwrap_or(crate::codes::msg::USER_INTERRUPT);
    if !is_hangup(code) || code == crate::codes::msg::END_SESSION {
        return bad(
            StatusCode::BAD_REQUEST,
            "msgType must be 30000, 30017 or 30019",
        );
    }
    let found = sim.mutate(|w, now| {
        if !w.sessions.is_live(&req.sid) {
            return false;
        }
        w.end_call(now, &req.sid, code, false);
        true
    });
    if found {
        Json(json!({ "ok": true })).into_response()
    } else {
        bad(
            StatusCode::NOT_FOUND,
            format!("no live session {}", req.sid),
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PushReq {
    account: String,
    msg_type: Option<Value>,
    sid: Option<Value>,
    data: Option<Value>,
    raw: Option<String>,
    id: Option<String>,
}

async fn push(State(sim): Shared, body: String) -> Response {
    let req: PushReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let text = match (req.raw, req.msg_type) {
        (Some(raw), _) => raw,
        (None, Some(msg_type)) => {
            let mut m = json!({ "msgType": msg_type });
            if let Some(sid) = req.sid {
                m["sid"] = sid;
            }
            m["data"] = req.data.unwrap_or_else(|| json!({}));
            m.to_string()
        }
        (None, None) => {
            return bad(
                StatusCode::BAD_REQUEST,
                "give msgType (with sid, data) or raw",
            )
        }
    };
    let id = sim.lock().push.send_raw(&req.account, &text, req.id);
    Json(json!({ "id": id })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BurstReq {
    account: String,
    n: u64,
    msg_types: Option<Vec<i64>>,
    url_len: Option<usize>,
    sid: Option<String>,
}

/// Most messages of one burst.
const BURST_MAX: u64 = 1_000_000;
/// Shortest URL of a burst message: the prefix and the index must fit.
const BURST_URL_MIN: usize = 32;
/// Longest URL of a burst message.
const BURST_URL_MAX: usize = 4096;

/// The URL of burst message `i`: exactly `len` characters (`len` >= 32).
fn burst_url(i: u64, len: usize) -> String {
    let mut u = format!("http://127.0.0.1/burst/{i:08}/");
    while u.len() < len {
        u.push('x');
    }
    u
}

async fn burst(State(sim): Shared, body: String) -> Response {
    let req: BurstReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if req.n == 0 || req.n > BURST_MAX {
        return bad(
            StatusCode::BAD_REQUEST,
            format!("n must be 1..={BURST_MAX}"),
        );
    }
    let types = req.msg_types.unwrap_or_else(|| vec![50203, 50204]);
    if types.is_empty() {
        return bad(StatusCode::BAD_REQUEST, "msgTypes must not be empty");
    }
    let url_len = req.url_len.unwrap_or(80);
    if !(BURST_URL_MIN..=BURST_URL_MAX).contains(&url_len) {
        let msg = format!("urlLen must be {BURST_URL_MIN}..={BURST_URL_MAX}");
        return bad(StatusCode::BAD_REQUEST, msg);
    }
    let sid = Value::from(req.sid.unwrap_or_else(|| "S-burst".into())).to_string();
    // Built before taking the lock: the streams get the whole burst at once.
    let datas: Vec<String> = (0..req.n)
        .map(|i| {
            let t = types[(i % types.len() as u64) as usize];
            let url = burst_url(i, url_len);
            format!(r#"{{"msgType":{t},"sid":{sid},"data":{{"url":"{url}"}}}}"#)
        })
        .collect();
    let ids = sim.lock().push.send_burst(&req.account, datas);
    crate::say!("control: burst of {} for {:?}", req.n, req.account);
    match ids {
        Some((first, last)) => {
            let out = json!({ "first": first.to_string(), "last": last.to_string(), "n": req.n });
            Json(out).into_response()
        }
        None => bad(StatusCode::INTERNAL_SERVER_ERROR, "empty burst"),
    }
}

async fn fail(State(sim): Shared, body: String) -> Response {
    let fault: HttpFault = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = fault.validate() {
        return bad(StatusCode::BAD_REQUEST, e);
    }
    sim.lock().faults.add(fault);
    Json(json!({ "ok": true })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionReq {
    account: Option<String>,
    action: String,
}

async fn push_channel(State(sim): Shared, body: String) -> Response {
    let req: ActionReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let account = req.account.as_deref();
    let mut w = sim.lock();
    let mode = match req.action.as_str() {
        "drop" => {
            let n = w.push.drop_streams(account);
            return Json(json!({ "ok": true, "streams": n })).into_response();
        }
        "stall" => ChannelMode::Stall,
        "reject" => ChannelMode::Reject,
        "error500" => ChannelMode::Error500,
        "wrongType" => ChannelMode::WrongType,
        "restore" => ChannelMode::Normal,
        other => return bad(StatusCode::BAD_REQUEST, format!("unknown action {other:?}")),
    };
    w.push.set_mode(account, mode);
    crate::say!("control: push channel {} for {account:?}", req.action);
    Json(json!({ "ok": true })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExeReq {
    account: Option<String>,
    action: String,
    code: Option<i64>,
    msg: Option<String>,
    times: Option<u32>,
}

async fn exe(State(sim): Shared, body: String) -> Response {
    let req: ExeReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let params = StartFaultParams {
        code: req.code,
        msg: req.msg,
        times: req.times,
    };
    let outcome = sim
        .lock()
        .exe
        .action(req.account.as_deref(), &req.action, params);
    match outcome {
        Ok(n) => {
            crate::say!(
                "control: exe {} for {:?} ({n} sockets)",
                req.action,
                req.account
            );
            Json(json!({ "ok": true, "sockets": n })).into_response()
        }
        Err(e) => bad(StatusCode::BAD_REQUEST, e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExeSendReq {
    account: Option<String>,
    text: String,
}

/// Sends a raw text frame from the fake EXE (bad-input tests: junk, huge or deeply nested frames).
async fn exe_send(State(sim): Shared, body: String) -> Response {
    let req: ExeSendReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let n = sim.lock().exe.send_raw(req.account.as_deref(), &req.text);
    Json(json!({ "ok": true, "sockets": n })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthReq {
    reject_tokens: Vec<String>,
}

async fn auth(State(sim): Shared, body: String) -> Response {
    let req: AuthReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    sim.lock().faults.set_rejected(req.reject_tokens);
    Json(json!({ "ok": true })).into_response()
}

async fn log(State(sim): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    Json(sim.lock().log.list(q.get("account").map(String::as_str))).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearReq {
    account: Option<String>,
}

async fn log_clear(State(sim): Shared, body: String) -> Response {
    let req: ClearReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    sim.lock().log.clear(req.account.as_deref());
    Json(json!({ "ok": true })).into_response()
}

async fn config(State(sim): Shared) -> Response {
    Json(sim.lock().timings).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigReq {
    ring_timeout_ms: Option<u64>,
    recording_delay_ms: Option<u64>,
    ping_interval_ms: Option<u64>,
    heartbeat_timeout_ms: Option<u64>,
    max_call_ms: Option<u64>,
}

async fn set_config(State(sim): Shared, body: String) -> Response {
    let req: ConfigReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if req.ping_interval_ms == Some(0) {
        return bad(StatusCode::BAD_REQUEST, "pingIntervalMs must be > 0");
    }
    let mut w = sim.lock();
    let t = &mut w.timings;
    let fields = [
        (&mut t.ring_timeout_ms, req.ring_timeout_ms),
        (&mut t.recording_delay_ms, req.recording_delay_ms),
        (&mut t.ping_interval_ms, req.ping_interval_ms),
        (&mut t.heartbeat_timeout_ms, req.heartbeat_timeout_ms),
        (&mut t.max_call_ms, req.max_call_ms),
    ];
    for (slot, v) in fields {
        if let Some(v) = v {
            *slot = v;
        }
    }
    crate::say!("control: timings now {:?}", w.timings);
    let out = Json(w.timings).into_response();
    drop(w);
    sim.wake();
    out
}
