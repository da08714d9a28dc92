//! Replay mode (`rtv-sim --replay trace.json`): the platform's side of a
//! hand-written `rtv-trace/1` trace played to the traced account — push
//! frames in order with their recorded ids and data, HTTP replies in request
//! order, EXE replies by request id — while other accounts get the normal
//! simulator.

mod common;

use common::{Events, Sim};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const OFFER: &str = r#"{"msgType":50200,"sid":"S-R","data":{"customer":{"name":"张*"}}}"#;
const ENDED: &str = r#"{"msgType":30017,"sid":"S-R","data":{}}"#;
const REC: &str = r#"{"msgType":50203,"sid":"S-R","data":{"url":"http://x/r.mp4"}}"#;
const CURRENT: &str = r#"{"code":0,"msg":"recorded","data":{"sid":"S-R","state":"busy"}}"#;
const HELLO: &str = r#"{"id":1,"ok":true,"data":{"exeVersion":"recorded-9"}}"#;
const PLAYING: &str = r#"{"event":"stream","sid":"S-R","status":"playing"}"#;

/// A trace of account `rep` (systemCode T), written to a temp file.
struct TraceFile(PathBuf);

impl TraceFile {
    fn new(name: &str) -> TraceFile {
        let push = |t: f64, id: &str, data: &str| json!({"t": t, "in": {"k": "push", "id": id, "data": data}});
        let http = |t: f64, id: u32, body: &str| json!({"t": t, "in": {"k": "http", "id": id, "status": 200, "body": body}});
        let exe = |t: f64, text: &str| json!({"t": t, "in": {"k": "exe", "text": text}});
        let doc = json!({
            "schema": "rtv-trace/1",
            "sdk": "2.0.0",
            "seed": [0, 1],
            "start": 10.0,
            "options": {"systemCode": "T", "account": "rep", "token": "***"},
            "snapshot": null,
            "dropped": 0,
            "entries": [
                {"t": 900.0, "in": {"k": "exeOpened"}},
                exe(950.0, HELLO),
                exe(960.0, PLAYING),
                {"t": 1000.0, "in": {"k": "pushOpened"}},
                // Replies are recorded as they arrive; requests go by id.
                http(1020.0, 2, r#"{"code":0,"msg":"second","data":null}"#),
                http(1030.0, 1, CURRENT),
                push(1100.0, "5", OFFER),
                {"t": 1150.0, "in": {"k": "ping"}},
                {"t": 1200.0, "timer": true},
                push(1300.0, "6", ENDED),
                push(1400.0, "7", &format!("{REC}\nsecond line")),
            ]
        });
        let path =
            std::env::temp_dir().join(format!("rtv-sim-trace-{name}-{}.json", std::process::id()));
        std::fs::write(&path, doc.to_string()).expect("write the trace");
        TraceFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for TraceFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `(id, data)` of the next non-ping message.
async fn next(s: &mut Events) -> (String, String) {
    let ev = s.next_message(3000).await.expect("a recorded frame");
    (ev.id.unwrap_or_default(), ev.data)
}

#[tokio::test]
async fn pushes_play_in_order_with_their_ids_and_data_and_resume_after_the_last_id() {
    let trace = TraceFile::new("push");
    // Speed 2: the frames come 50, 150 and 200 ms after the subscribe, and
    // the first 35 ms after the second reply (recorded at 1030, it at 1100).
    let sim = Sim::start(&["--replay", trace.path(), "--replay-speed", "2"]);
    let t0 = Instant::now();
    let mut s = Events::new(sim.subscribe("systemCode=T&account=rep", &[]).await);
    // The frames were recorded after two replies: none comes before the
    // replay gave them again, however late.
    assert_eq!(
        s.next_message(400).await,
        None,
        "waits for the start-up replies"
    );
    let body = json!({"systemCode": "T", "account": "rep"});
    let replied = Instant::now();
    for path in ["rtv/session/current", "dispatch/agent/state"] {
        assert_eq!(sim.post(path, body.clone()).await.0, 200);
    }
    assert_eq!(next(&mut s).await, ("5".into(), OFFER.into()));
    let gap = replied.elapsed();
    assert!(
        gap >= Duration::from_millis(35),
        "recorded 70 ms after the last reply, speed 2 ({gap:?})"
    );
    assert_eq!(next(&mut s).await, ("6".into(), ENDED.into()));
    assert_eq!(
        next(&mut s).await,
        ("7".into(), format!("{REC}\nsecond line"))
    );
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(190),
        "played at the recorded times / 2, not at once ({took:?})"
    );
    assert_eq!(s.next_message(300).await, None, "each frame once");
    // A reconnect after id 5 gets 6 and 7 again, not 5.
    let mut again = Events::new(
        sim.subscribe("systemCode=T&account=rep", &[("Last-Event-ID", "5")])
            .await,
    );
    assert_eq!(next(&mut again).await.0, "6");
    assert_eq!(next(&mut again).await.0, "7");
    assert_eq!(again.next_message(300).await, None);
    // Another account: the normal simulator (its own ids from 1).
    let mut other = Events::new(sim.subscribe("systemCode=T&account=other", &[]).await);
    let v = sim
        .control(
            "push",
            json!({"account": "other", "msgType": 50203, "sid": "S-o"}),
        )
        .await;
    assert_eq!(v["id"], "1");
    assert_eq!(next(&mut other).await.0, "1");
}

#[tokio::test]
async fn http_gets_the_recorded_replies_in_request_order_then_normal_service() {
    let trace = TraceFile::new("http");
    let sim = Sim::start(&["--replay", trace.path()]);
    // The keepalive offline report had no reply: not replayed.
    let off = sim
        .sdk("dispatch/agent/state", "rep", json!({"state": "offline"}))
        .await;
    assert_eq!(off["code"], 0, "{off}");
    let (status, body) = sim
        .post(
            "rtv/session/current",
            json!({"systemCode": "T", "account": "rep"}),
        )
        .await;
    assert_eq!((status, body.as_str()), (200, CURRENT));
    let (_, body) = sim
        .post(
            "dispatch/agent/heartbeat",
            json!({"systemCode": "T", "account": "rep", "state": "ready"}),
        )
        .await;
    assert_eq!(body, r#"{"code":0,"msg":"second","data":null}"#);
    // Used up: the normal simulator answers (no live session).
    let cur = sim.sdk("rtv/session/current", "rep", json!({})).await;
    assert_eq!(cur["code"], 0, "{cur}");
    assert_ne!(cur["msg"], "recorded");
    // Another account never gets recorded replies.
    let (_, other) = sim
        .post(
            "rtv/session/current",
            json!({"systemCode": "T", "account": "other"}),
        )
        .await;
    assert_ne!(other, CURRENT);
}

#[tokio::test]
async fn the_exe_answers_the_recorded_id_and_sends_the_event_that_followed() {
    let trace = TraceFile::new("exe");
    let sim = Sim::start(&["--replay", trace.path()]);
    let (mut ws, _) = tokio_tungstenite::connect_async(&sim.exe)
        .await
        .expect("exe");
    let hello = json!({"id": 1, "cmd": "hello", "account": "rep", "sdkVersion": "t"});
    ws.send(Message::text(hello.to_string())).await.unwrap();
    let mut frames = Vec::new();
    while frames.len() < 2 {
        let m = tokio::time::timeout(Duration::from_secs(3), ws.next())
            .await
            .expect("a frame within 3 s")
            .expect("open")
            .expect("frame");
        if let Message::Text(t) = m {
            frames.push(t.to_string());
        }
    }
    assert_eq!(frames, [HELLO, PLAYING]);
    // An id the trace has no reply for: the normal fake EXE.
    let stop = json!({"id": 2, "cmd": "stop"});
    ws.send(Message::text(stop.to_string())).await.unwrap();
    let m = tokio::time::timeout(Duration::from_secs(3), ws.next())
        .await
        .expect("a reply")
        .expect("open")
        .expect("frame");
    let v: Value = serde_json::from_str(m.to_text().unwrap()).unwrap();
    assert_eq!((v["id"].clone(), v["ok"].clone()), (json!(2), json!(true)));
}

#[tokio::test]
async fn a_bad_trace_stops_the_simulator_before_it_listens() {
    let path = std::env::temp_dir().join(format!("rtv-sim-bad-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"schema":"other"}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rtv-sim"))
        .args(["--port", "0", "--exe-port", "0", "--replay"])
        .arg(&path)
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rtv-trace/1"));
}
