//! `GET /push-client/subscribe`: the push channel as Server-Sent Events.
//! A stream replays what the client missed (after `Last-Event-ID`, header
//! first, else the `lastEventId` query), then carries live messages and a
//! ping every ping interval.

use crate::faults::{self, bearer};
use crate::push::ChannelMode;
use crate::reqlog::{Entry, Kind};
use crate::state::Sim;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The ping frame.
const PING: &[u8] = b"event: ping\ndata: {}\n\n";
/// Sent first so the client sees the stream open at once.
const HELLO: &[u8] = b": connected\n\n";

/// One open stream.
struct Feed {
    sim: Arc<Sim>,
    account: String,
    rx: UnboundedReceiver<Bytes>,
    pending: VecDeque<Bytes>,
    last_ping: Instant,
}

/// The subscribe handler.
pub async fn subscribe(
    State(sim): State<Arc<Sim>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let account = query.get("account").cloned();
    let header_last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let last = header_last.or_else(|| query.get("lastEventId").cloned());
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let token = query.get("token").cloned().or_else(|| bearer(&headers));
    {
        let mut w = sim.lock();
        let body = serde_json::to_value(&query).unwrap_or(Value::Null);
        let mut entry = Entry::new(Kind::Subscribe, "push-client/subscribe", body);
        entry.authorization = auth;
        entry.last_event_id = last.clone();
        w.log.record(account.as_deref().unwrap_or(""), entry);
        if let Some(a) = account.as_deref().filter(|a| !a.is_empty()) {
            w.push.count_subscribe(a);
        }
        if w.faults.rejects(token.as_deref()) {
            return faults::unauthorized();
        }
    }
    let fault = sim
        .lock()
        .faults
        .take("push-client/subscribe", account.as_deref());
    if let Some(resp) = faults::respond(fault).await {
        return resp;
    }
    let Some(account) = account.filter(|a| !a.is_empty()) else {
        return (StatusCode::BAD_REQUEST, "account is required").into_response();
    };
    let (replay, rx, mode) = {
        let mut w = sim.lock();
        let mode = w.push.mode(&account);
        match mode {
            ChannelMode::Reject => return faults::unauthorized(),
            ChannelMode::Error500 => {
                let text = "push service unavailable";
                return (StatusCode::INTERNAL_SERVER_ERROR, text).into_response();
            }
            ChannelMode::WrongType => {
                return (StatusCode::OK, "not an event stream").into_response()
            }
            ChannelMode::Normal | ChannelMode::Stall => {}
        }
        let now = std::time::Instant::now();
        let system_code = query.get("systemCode").map(String::as_str);
        let traced = match w.replay_subscribe(now, &account, system_code, last.as_deref()) {
            Ok(traced) => traced,
            Err(refusal) => return refused(refusal),
        };
        w.touch(now, &account);
        let last_num = last.as_deref().and_then(|l| l.trim().parse::<u64>().ok());
        let (replay, rx) = w.push.subscribe(&account, last_num);
        if traced {
            // Frames already due go to this stream; the timer task plays the rest.
            w.play_replay(now);
        }
        (replay, rx, mode)
    };
    sim.wake();
    crate::say!(
        "push {account}: stream opened (last id {last:?}, {} replayed)",
        replay.len()
    );
    let mut pending: VecDeque<Bytes> = replay.into();
    if mode == ChannelMode::Normal {
        pending.push_front(Bytes::from_static(HELLO));
    }
    let feed = Feed {
        sim,
        account,
        rx,
        pending,
        last_ping: Instant::now(),
    };
    let stream = futures::stream::unfold(feed, next_frame);
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A subscribe refused during a replayed outage (`--replay`): the recorded
/// status, a wrong content type, or 503 for a stream that failed without one.
fn refused(r: crate::replay::Refusal) -> Response {
    if r.wrong_type {
        return (StatusCode::OK, "not an event stream (replayed)").into_response();
    }
    let status = r
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    (status, "push channel down (replayed)").into_response()
}

/// The next bytes of a stream: pending replay, a live message, or a ping.
async fn next_frame(mut f: Feed) -> Option<(Result<Bytes, Infallible>, Feed)> {
    loop {
        if let Some(b) = f.pending.pop_front() {
            return Some((Ok(b), f));
        }
        let (interval, stalled) = {
            let w = f.sim.lock();
            (
                w.timings.ping_interval_ms.max(1),
                w.push.mode(&f.account) == ChannelMode::Stall,
            )
        };
        let due = f.last_ping + Duration::from_millis(interval);
        tokio::select! {
            m = f.rx.recv() => return m.map(|b| (Ok(b), f)),
            _ = tokio::time::sleep_until(due) => {
                f.last_ping = Instant::now();
                if !stalled {
                    return Some((Ok(Bytes::from_static(PING)), f));
                }
            }
        }
    }
}
