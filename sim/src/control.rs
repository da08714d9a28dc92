//! The control API under `/sim/`: tests and the demo drive the simulated
//! platform through it (place calls, push messages, inject failures, read
//! what the SDK sent). Plain JSON in and out; failures are 4xx `{error}`.

use crate::calls::Phase;
use crate::codes::is_hangup;
use crate::faults::HttpFault;
use crate::push::ChannelMode;
use crate::state::Sim;
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

/// The `/sim` routes.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/reset", post(reset))
        .route("/agents", get(agents))
        .route("/sessions", get(sessions))
        .route("/call", post(call))
        .route("/hangup", post(hangup))
        .route("/push", post(push))
        .route("/fail", post(fail))
        .route("/push-channel", post(push_channel))
        .route("/exe", post(exe))
        .route("/exe/send", post(exe_send))
        .route("/auth", post(auth))
        .route("/log", get(log))
        .route("/log/clear", post(log_clear))
        .route("/config", get(config).post(set_config))
        // Bad-input tests send frames over the SDK's 1 MiB limit (2 MiB and more).
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
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
    Json(sim.lock().agents_json()).into_response()
}

async fn sessions(State(sim): Shared) -> Response {
    let w = sim.lock();
    let mut list: Vec<Value> = w
        .sessions
        .values()
        .map(|s| {
            let phase = match &s.phase {
                Phase::Queued => json!("queued"),
                Phase::Offered { agent } => json!({ "offered": agent }),
                Phase::Active => json!("active"),
                Phase::Ended => json!("ended"),
            };
            let ask = s.ask.as_ref().map(|a| {
                json!({"kind": format!("{:?}", a.kind).to_lowercase(), "from": a.from, "newer": a.newer})
            });
            json!({"sid": s.sid, "phase": phase, "owner": s.owner, "participant": s.participant,
                   "ask": ask, "customer": s.customer})
        })
        .collect();
    list.sort_by_key(|v| v["sid"].as_str().unwrap_or("").to_string());
    Json(Value::Array(list)).into_response()
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
    let outcome = sim.mutate(|w| {
        let customer = w.complete_customer(req.customer);
        w.new_call(req.sid, customer, req.account, false)
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
    let found = sim.mutate(|w| {
        if w.live(&req.sid).is_err() {
            return false;
        }
        w.end_call(&req.sid, code, false);
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

async fn fail(State(sim): Shared, body: String) -> Response {
    let fault: HttpFault = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
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

async fn exe(State(sim): Shared, body: String) -> Response {
    let req: ActionReq = match parse(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let outcome = sim.lock().exe.action(req.account.as_deref(), &req.action);
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
    Json(w.timings).into_response()
}
