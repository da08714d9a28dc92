//! `GET /sim/links`: live push streams and EXE sockets per account, and the
//! running totals of subscribes and hellos.

mod common;

use common::{Events, Exe, Sim};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn subs(v: &serde_json::Value) -> i64 {
    v["subscriptions"].as_i64().unwrap()
}

#[tokio::test]
async fn counts_open_streams_and_every_subscribe() {
    let sim = Sim::start(&[]);
    assert_eq!(sim.get("links").await, json!({}));
    let one = Events::new(sim.subscribe("systemCode=T&account=x", &[]).await);
    let two = Events::new(sim.subscribe("systemCode=T&account=x", &[]).await);
    let v = sim.get("links?account=x").await;
    assert_eq!(
        v,
        json!({"subscriptions": 2, "subscribesTotal": 2, "exeLinks": 0, "exeHellos": 0})
    );
    drop(one);
    sim.wait_for("links?account=x", 2000, |v| subs(v) == 1)
        .await;
    sim.control("push-channel", json!({"account": "x", "action": "reject"}))
        .await;
    assert_eq!(sim.subscribe("account=x", &[]).await.status(), 401);
    let v = sim.get("links").await;
    assert_eq!(
        v["x"],
        json!({"subscriptions": 1, "subscribesTotal": 3, "exeLinks": 0, "exeHellos": 0})
    );
    drop(two);
    sim.wait_for("links", 2000, |v| subs(&v["x"]) == 0).await;
    sim.control("reset", json!({})).await;
    assert_eq!(sim.get("links").await, json!({}), "reset clears the totals");
}

/// Opens a stream on a raw socket (as a browser tab would), reads the
/// response head, then closes the socket without a word.
async fn raw_stream_then_vanish(sim: &Sim, account: &str) {
    let addr = sim.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /push-client/subscribe?systemCode=T&account={account} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut buf = [0u8; 512];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    sim.wait_for(&format!("links?account={account}"), 2000, |v| subs(v) == 1)
        .await;
    drop(tcp);
}

#[tokio::test]
async fn a_client_that_goes_away_is_noticed_within_a_second() {
    let sim = Sim::start(&[]); // pings only every 15 s
    raw_stream_then_vanish(&sim, "gone").await;
    sim.wait_for("links?account=gone", 1000, |v| subs(v) == 0)
        .await;
    // Also when the stream is stalled (sends nothing at all).
    sim.control(
        "push-channel",
        json!({"account": "quiet", "action": "stall"}),
    )
    .await;
    raw_stream_then_vanish(&sim, "quiet").await;
    sim.wait_for("links?account=quiet", 1000, |v| subs(v) == 0)
        .await;
}

#[tokio::test]
async fn counts_exe_sockets_by_hello_account_and_every_hello() {
    let sim = Sim::start(&[]);
    let mut a = Exe::connect(&sim, "x").await;
    let b = Exe::connect(&sim, "x").await;
    let _y = Exe::connect(&sim, "y").await;
    let r = a.request(json!({"cmd": "hello", "account": "x"})).await;
    assert_eq!(r["ok"], true);
    let v = sim.get("links").await;
    let x = json!({"subscriptions": 0, "subscribesTotal": 0, "exeLinks": 2, "exeHellos": 3});
    let y = json!({"subscriptions": 0, "subscribesTotal": 0, "exeLinks": 1, "exeHellos": 1});
    assert_eq!(v, json!({ "x": x, "y": y }));
    b.close().await;
    sim.wait_for("links?account=x", 2000, |v| v["exeLinks"] == 1)
        .await;
    sim.control("exe", json!({"account": "x", "action": "crash"}))
        .await;
    let v = sim
        .wait_for("links?account=x", 2000, |v| v["exeLinks"] == 0)
        .await;
    assert_eq!(v["exeHellos"], 3);
    drop(a);
}
