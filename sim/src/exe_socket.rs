//! The fake EXE's WebSocket (`ws://127.0.0.1:18686/rtv`): answers `hello`,
//! `start`, `stop` and `snapshot` like the real video client (SPEC §4.4),
//! with a real PNG test card for snapshots.

use crate::clock::epoch_ms;
use crate::exe::{ExeMode, ExeOut, SnapshotFormat};
use crate::jpeg;
use crate::replay::Replay;
use crate::reqlog::{Entry, Kind};
use crate::sessions::Phase;
use crate::state::Sim;
use crate::testcard::{self, Card};
use crate::world::World;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::unbounded_channel;

/// Version the fake EXE reports in `hello`.
pub const EXE_VERSION: &str = "sim-1.0";

/// `GET /rtv`: checks the page's Origin, then upgrades.
pub async fn upgrade(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    {
        let w = sim.lock();
        if !w.exe.origin_allowed(origin) {
            crate::say!("exe: origin {origin:?} rejected");
            return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
        }
        if w.exe.refusing_all() {
            return (StatusCode::SERVICE_UNAVAILABLE, "exe refuses connections").into_response();
        }
    }
    ws.on_upgrade(move |socket| serve(sim, socket))
}

/// What a frame from the SDK leads to.
enum Reply {
    Send(Value),
    /// An injected frame, sent verbatim.
    Raw(String),
    Snapshot {
        id: Value,
        card: Card,
        format: SnapshotFormat,
    },
    Close,
    /// A close frame (1001), then the end of the connection.
    Quit,
}

async fn serve(sim: Arc<Sim>, socket: WebSocket) {
    let (tx, mut rx) = unbounded_channel();
    let conn = sim.lock().exe.register(tx);
    let (mut sink, mut stream) = socket.split();
    loop {
        let replies = tokio::select! {
            out = rx.recv() => match out {
                Some(ExeOut::Text(t)) => vec![Reply::Raw(t)],
                Some(ExeOut::Crash) | None => vec![Reply::Close],
                Some(ExeOut::Quit) => vec![Reply::Quit],
            },
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(t))) => {
                    let out = handle(&mut sim.lock(), conn, t.as_str(), Instant::now());
                    sim.wake(); // a replayed reply may have scheduled frames
                    out
                }
                Some(Ok(Message::Binary(b))) => {
                    let text = format!("<{} binary bytes>", b.len());
                    handle(&mut sim.lock(), conn, &text, Instant::now())
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => break,
            },
        };
        let mut open = true;
        for r in replies {
            let text = match r {
                Reply::Raw(s) => s,
                Reply::Send(v) => v.to_string(),
                Reply::Snapshot { id, card, format } => snapshot_reply(id, &card, format),
                Reply::Close => {
                    open = false;
                    break;
                }
                Reply::Quit => {
                    let frame = CloseFrame {
                        code: 1001,
                        reason: "exe closed".into(),
                    };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    open = false;
                    break;
                }
            };
            if sink.send(Message::Text(text.into())).await.is_err() {
                open = false;
                break;
            }
        }
        if !open {
            break;
        }
    }
    let account = {
        let mut w = sim.lock();
        let account = w.exe.account(conn);
        w.exe.unregister(conn);
        account
    };
    crate::say!("exe: connection of {account:?} closed");
}

/// The `base64` field of a snapshot reply in `format`.
fn snapshot_base64(card: &Card, format: SnapshotFormat) -> String {
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(bytes);
    match format {
        SnapshotFormat::PngDataUrl => {
            format!("data:image/png;base64,{}", b64(testcard::render(card)))
        }
        SnapshotFormat::PngRaw => b64(testcard::render(card)),
        SnapshotFormat::JpegDataUrl => format!("data:image/jpeg;base64,{}", b64(jpeg::tiny_grey())),
        SnapshotFormat::JpegRaw => b64(jpeg::tiny_grey()),
    }
}

fn snapshot_reply(id: Value, card: &Card, format: SnapshotFormat) -> String {
    let data = json!({ "base64": snapshot_base64(card, format) });
    json!({"id": id, "ok": true, "data": data}).to_string()
}

fn ok(id: &Value, data: Value) -> Reply {
    Reply::Send(json!({"id": id, "ok": true, "data": data}))
}

fn err(id: &Value, code: i64, msg: &str) -> Reply {
    Reply::Send(json!({"id": id, "ok": false, "code": code, "msg": msg}))
}

fn stream_event(sid: &str, status: &str) -> Reply {
    Reply::Send(json!({"event": "stream", "sid": sid, "status": status}))
}

/// Handles one text frame of connection `conn`.
fn handle(w: &mut World, conn: u64, text: &str, now: Instant) -> Vec<Reply> {
    let frame: Option<Value> = serde_json::from_str(text).ok().filter(Value::is_object);
    let cmd = frame
        .as_ref()
        .and_then(|f| f["cmd"].as_str())
        .unwrap_or("")
        .to_string();
    if cmd == "hello" {
        if let Some(acc) = frame.as_ref().and_then(|f| f["account"].as_str()) {
            w.exe.hello(conn, acc.to_string());
        }
    }
    let account = w.exe.account(conn);
    let body = frame.clone().unwrap_or_else(|| Value::String(text.into()));
    w.log.record(
        account.as_deref().unwrap_or(""),
        Entry::new(Kind::Exe, cmd.clone(), body),
    );
    match w.exe.mode_of(account.as_deref()) {
        ExeMode::Refuse => return vec![Reply::Close],
        ExeMode::Silence => return vec![],
        ExeMode::Normal => {}
    }
    let Some(f) = frame else {
        return vec![Reply::Send(
            json!({"event": "error", "code": 400, "msg": "bad frame"}),
        )];
    };
    let id = f["id"].clone();
    let traced = |r: &&mut Replay| account.as_deref().is_some_and(|a| r.is_traced(a, None));
    if let Some(text) = w
        .replay
        .as_mut()
        .filter(traced)
        .and_then(|r| r.exe_reply(now, &id))
    {
        return vec![Reply::Raw(text)];
    }
    match cmd.as_str() {
        "hello" => vec![ok(&id, json!({ "exeVersion": EXE_VERSION }))],
        "start" => {
            let Some(sid) = f["sid"].as_str().filter(|s| !s.is_empty()) else {
                return vec![err(&id, 400, "missing sid")];
            };
            if !f["streams"].is_object() {
                return vec![err(&id, 400, "missing streams")];
            }
            if let Some((code, msg)) = w.exe.take_start_fault(account.as_deref()) {
                return vec![err(&id, code, &msg)];
            }
            w.exe.set_playing(conn, Some(sid.to_string()));
            vec![ok(&id, json!({})), stream_event(sid, "playing")]
        }
        "stop" => {
            let sid = f["sid"]
                .as_str()
                .map(str::to_string)
                .or(w.exe.playing(conn));
            w.exe.set_playing(conn, None);
            let mut out = vec![ok(&id, json!({}))];
            if let Some(sid) = sid {
                out.push(stream_event(&sid, "stopped"));
            }
            out
        }
        "snapshot" => {
            let kind = f["type"].as_str().unwrap_or("player");
            if kind != "player" && kind != "pusher" {
                return vec![err(&id, 400, "type must be pusher or player")];
            }
            let sid = w.exe.playing(conn);
            let customer = sid
                .as_ref()
                .and_then(|s| w.sessions.get(s))
                .filter(|s| s.phase != Phase::Ended)
                .and_then(|s| s.customer["phone"].as_str().map(str::to_string));
            let format = w.exe.snapshot_format(account.as_deref());
            let card = Card {
                sid: sid.unwrap_or_else(|| "-".into()),
                account: account.unwrap_or_default(),
                customer: customer.unwrap_or_default(),
                kind: kind.to_string(),
                epoch_ms: epoch_ms(),
            };
            vec![Reply::Snapshot { id, card, format }]
        }
        _ => vec![err(&id, 404, "unknown cmd")],
    }
}
