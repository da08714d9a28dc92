//! The SDK-facing POST endpoints of the video service (`/rtv/...`) and the
//! dispatch service (`/dispatch/...`). One handler does what every command
//! shares: log the request, check the token, apply injected failures; then
//! the command runs on the world and its outcome becomes the envelope.

use crate::agents::Presence;
use crate::codes::{self, Code, FAILED};
use crate::faults::{self, bearer};
use crate::replay::HttpAnswer;
use crate::reqlog::{Entry, Kind};
use crate::sessions::AskKind;
use crate::state::Sim;
use crate::world::World;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// `POST /rtv/<command>`.
pub async fn rtv(
    State(sim): State<Arc<Sim>>,
    Path(rest): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(sim, format!("rtv/{rest}"), headers, body).await
}

/// `POST /dispatch/<command>`.
pub async fn dispatch(
    State(sim): State<Arc<Sim>>,
    Path(rest): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(sim, format!("dispatch/{rest}"), headers, body).await
}

async fn handle(sim: Arc<Sim>, path: String, headers: HeaderMap, body: Bytes) -> Response {
    // Parsed whatever the content type: a keepalive fetch may send text/plain.
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let account = body
        .get("account")
        .and_then(Value::as_str)
        .map(str::to_string);
    {
        let mut w = sim.lock();
        let mut entry = Entry::new(Kind::Http, path.clone(), body.clone());
        entry.authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        entry.content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        w.log.record(account.as_deref().unwrap_or(""), entry);
        if w.faults.rejects(bearer(&headers).as_deref()) {
            return faults::unauthorized();
        }
    }
    let fault = sim.lock().faults.take(&path, account.as_deref());
    if let Some(resp) = faults::respond(fault).await {
        return resp;
    }
    if !known(&path) {
        return (StatusCode::NOT_FOUND, "unknown command").into_response();
    }
    let Some(account) = account.filter(|a| !a.is_empty()) else {
        return codes::fail(FAILED);
    };
    let system_code = body.get("systemCode").and_then(Value::as_str);
    let now = Instant::now();
    let recorded = sim
        .lock()
        .replay
        .as_mut()
        .filter(|r| r.is_traced(&account, system_code))
        .and_then(|r| Some((r.take_http(now, &path, &body)?, r.replies_left())));
    if let Some((answer, left)) = recorded {
        // Push frames may wait for this answer: the timer task looks again.
        sim.wake();
        crate::say!("replay {account}: recorded answer to {path} ({left} left)");
        return replayed(answer).await;
    }
    let outcome = sim.mutate(|w, now| run(w, now, &path, &account, &body));
    codes::envelope(outcome)
}

/// A recorded answer (`--replay`): status and body as recorded, 503 for a
/// network failure, and for a time-out nothing until the client gives up.
async fn replayed(answer: HttpAnswer) -> Response {
    match answer {
        HttpAnswer::Reply { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        HttpAnswer::Network => (
            StatusCode::SERVICE_UNAVAILABLE,
            "network failure (replayed)",
        )
            .into_response(),
        HttpAnswer::Timeout => {
            // The handler is dropped when the client aborts; this bounds the rest.
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            (StatusCode::GATEWAY_TIMEOUT, "time-out (replayed)").into_response()
        }
    }
}

/// The commands this service knows: every request path the SDK sends but
/// the subscribe (one list, `faults::FAULT_PATHS`).
fn known(path: &str) -> bool {
    path != crate::faults::SUBSCRIBE_PATH && crate::faults::FAULT_PATHS.contains(&path)
}

/// A string field of the body, or 500001 when it is missing or empty.
fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, Code> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(FAILED)
}

/// Runs one command for `account` at `now` (the model side of a request).
pub fn run(
    w: &mut World,
    now: Instant,
    path: &str,
    account: &str,
    body: &Value,
) -> Result<Value, Code> {
    use AskKind::{Add, Change};
    let sid = || field(body, "sid");
    let newer = || field(body, "newer");
    match path {
        "rtv/call/answer" => w.answer(now, account, sid()?),
        "rtv/call/refuse" => w.refuse(now, account, sid()?),
        "rtv/call/hangup" => w.hangup(now, account, sid()?),
        "rtv/change/ask" => w.ask(now, Change, account, sid()?, newer()?),
        "rtv/change/cancel" => w.cancel_ask(now, Change, account, sid()?, newer()?),
        "rtv/change/accept" => w.accept_ask(now, Change, account, sid()?),
        "rtv/change/refuse" => w.refuse_ask(now, Change, account, sid()?),
        "rtv/add/ask" => w.ask(now, Add, account, sid()?, newer()?),
        "rtv/add/cancel" => w.cancel_ask(now, Add, account, sid()?, newer()?),
        "rtv/add/remove" => w.remove_participant(now, account, sid()?, newer()?),
        "rtv/add/accept" => w.accept_ask(now, Add, account, sid()?),
        "rtv/add/refuse" => w.refuse_ask(now, Add, account, sid()?),
        "rtv/add/quit" => w.quit_participant(now, account, sid()?),
        "rtv/session/current" => Ok(w.sessions.current(account)),
        "dispatch/agent/state" => {
            let presence = Presence::parse(field(body, "state")?).ok_or(FAILED)?;
            w.set_presence(now, account, presence);
            Ok(Value::Null)
        }
        "dispatch/agent/heartbeat" => {
            let state = body.get("state").and_then(Value::as_str).unwrap_or("");
            w.heartbeat(now, account, state);
            Ok(Value::Null)
        }
        _ => Err(FAILED),
    }
}
