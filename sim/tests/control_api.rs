//! The control API as a versioned interface (docs/SIM-API.md): its version,
//! a 404 for unknown endpoints, 400 with a reason for bad fault requests, and
//! the EXE being closed by its user (`POST /sim/exe {action: "close"}`).

mod common;

use common::{Exe, Sim};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn version_names_the_api_and_the_simulator() {
    let sim = Sim::start(&[]);
    let v = sim.get("version").await;
    assert_eq!(v["api"], 1, "{v}");
    assert_eq!(v["sim"], env!("CARGO_PKG_VERSION"), "{v}");
}

#[tokio::test]
async fn an_unknown_control_endpoint_is_a_404_that_names_it() {
    let sim = Sim::start(&[]);
    let (status, body) = sim.post("sim/no-such-thing", json!({})).await;
    assert_eq!(status, 404, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json error");
    assert_eq!(v["error"], "no control endpoint POST /sim/no-such-thing");
}

/// POST /sim/fail with `body`; asserts a 400 whose reason contains `why`.
async fn refused(sim: &Sim, body: Value, why: &str) {
    let (status, text) = sim.post("sim/fail", body.clone()).await;
    assert_eq!(status, 400, "{body}: {text}");
    let v: Value = serde_json::from_str(&text).expect("json error");
    let reason = v["error"].as_str().expect("error text");
    assert!(reason.contains(why), "{body}: {reason:?} lacks {why:?}");
}

#[tokio::test]
async fn bad_fault_requests_are_400_with_the_reason() {
    let sim = Sim::start(&[]);
    let answer = "rtv/call/answer";
    refused(
        &sim,
        json!({"path": "rtv/call/anwser", "code": 1}),
        "unknown path",
    )
    .await;
    refused(
        &sim,
        json!({"path": "rtv/nope", "code": 1}),
        "rtv/call/answer",
    )
    .await;
    refused(&sim, json!({"path": answer}), "nothing to inject").await;
    refused(
        &sim,
        json!({"path": answer, "status": 99}),
        "status must be",
    )
    .await;
    refused(
        &sim,
        json!({"path": answer, "status": 700}),
        "status must be",
    )
    .await;
    refused(
        &sim,
        json!({"path": answer, "code": 1, "times": 0}),
        "times must be",
    )
    .await;
    refused(
        &sim,
        json!({"path": answer, "code": 1, "account": ""}),
        "account",
    )
    .await;
    let long = json!({"path": answer, "delayMs": 600_001});
    refused(&sim, long, "delayMs").await;
    refused(&sim, json!({"path": answer, "code": "x"}), "invalid type").await;
    refused(&sim, json!({"path": answer, "cod": 1}), "unknown field").await;
    // None of them was queued: the request is processed normally.
    let env = sim.sdk(answer, "a", json!({"sid": "S-1"})).await;
    assert_eq!(env["code"], 100025, "{env}");
    // The same with a leading slash and a delay alone is fine.
    let ok = json!({"path": "/rtv/call/answer", "delayMs": 10});
    assert_eq!(sim.control("fail", ok).await["ok"], true);
}

#[tokio::test]
async fn close_sends_a_close_frame_and_refuses_until_restore() {
    let sim = Sim::start(&[]);
    let mut x = Exe::connect(&sim, "x").await;
    let mut y = Exe::connect(&sim, "y").await;
    let r = sim
        .control("exe", json!({"account": "x", "action": "close"}))
        .await;
    assert_eq!(r["sockets"], 1, "{r}");
    match x.next_frame(3000).await {
        Some(Message::Close(Some(f))) => {
            assert_eq!(f.code, CloseCode::Away, "{f:?}");
            assert_eq!(f.reason.as_str(), "exe closed");
        }
        other => panic!("expected a close frame 1001, got {other:?}"),
    }
    // y's EXE still answers.
    assert_eq!(
        y.request(json!({"cmd": "hello", "account": "y"})).await["ok"],
        true
    );
    sim.wait_for("links?account=x", 2000, |v| v["exeLinks"] == 0)
        .await;

    // A page reconnecting as x is refused: the socket opens, then ends at once.
    let (mut ws, _) = tokio_tungstenite::connect_async(&sim.exe)
        .await
        .expect("upgrade");
    use futures::{SinkExt, StreamExt};
    let hello = json!({"id": 1, "cmd": "hello", "account": "x"}).to_string();
    let _ = ws.send(Message::text(hello)).await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(3), ws.next()).await;
    let ended = match next.expect("ends within 3 s") {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => true,
        Some(Ok(m)) => panic!("refused EXE answered {m:?}"),
    };
    assert!(ended);

    sim.control("exe", json!({"account": "x", "action": "restore"}))
        .await;
    let mut again = Exe::connect(&sim, "x").await;
    let r = again.request(json!({"cmd": "hello", "account": "x"})).await;
    assert_eq!(r["ok"], true, "{r}");
}
