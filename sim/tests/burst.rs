//! `POST /sim/burst` over HTTP against the real binary: a burst reaches an
//! open push stream with consecutive ids, cycled message types and URLs of
//! the asked length, is kept for replay, and bad requests are refused.

mod common;

use common::{Events, Sim};
use serde_json::{json, Value};

#[tokio::test]
async fn a_burst_reaches_the_stream_in_order_and_is_replayable() {
    let sim = Sim::start(&[]);
    let mut events = Events::new(sim.subscribe("systemCode=T&account=b", &[]).await);
    let first = sim
        .control(
            "push",
            json!({"account": "b", "msgType": 50203, "data": {"url": "u"}}),
        )
        .await;
    assert_eq!(first["id"], "1");
    assert_eq!(
        events
            .next_message(2000)
            .await
            .expect("the push")
            .id
            .as_deref(),
        Some("1")
    );

    let req = json!({"account": "b", "n": 5, "msgTypes": [50203, 50204, 50200], "urlLen": 80});
    let out = sim.control("burst", req).await;
    assert_eq!(out, json!({"first": "2", "last": "6", "n": 5}));
    for i in 0..5u64 {
        let ev = events.next_message(2000).await.expect("a burst message");
        assert_eq!(ev.id, Some((i + 2).to_string()));
        let m: Value = serde_json::from_str(&ev.data).expect("json");
        assert_eq!(m["msgType"], [50203, 50204, 50200][i as usize % 3]);
        assert_eq!(m["sid"], "S-burst");
        let url = m["data"]["url"].as_str().expect("url");
        assert_eq!(url.len(), 80, "{url}");
        assert!(url.contains(&format!("{i:08}")), "{url} carries its index");
    }

    // Defaults, and ids keep increasing after a burst.
    let out = sim
        .control("burst", json!({"account": "b", "n": 2, "sid": "S-9"}))
        .await;
    assert_eq!(out, json!({"first": "7", "last": "8", "n": 2}));
    let ev = events.next_message(2000).await.expect("default burst");
    let m: Value = serde_json::from_str(&ev.data).expect("json");
    assert_eq!(
        (m["msgType"].clone(), m["sid"].clone()),
        (json!(50203), json!("S-9"))
    );
    let pushed = sim
        .control(
            "push",
            json!({"account": "b", "msgType": 50204, "data": {}}),
        )
        .await;
    assert_eq!(pushed["id"], "9");

    // A later subscribe with a last id gets the burst replayed.
    let replay = sim
        .subscribe("systemCode=T&account=b&lastEventId=4", &[])
        .await;
    let mut replay = Events::new(replay);
    for want in 5..=9 {
        let ev = replay.next_message(2000).await.expect("replayed");
        assert_eq!(ev.id, Some(want.to_string()));
    }
}

#[tokio::test]
async fn a_large_burst_arrives_whole() {
    let sim = Sim::start(&[]);
    let mut events = Events::new(sim.subscribe("systemCode=T&account=big", &[]).await);
    let out = sim
        .control("burst", json!({"account": "big", "n": 2000}))
        .await;
    assert_eq!(out["last"], "2000");
    for i in 1..=2000u64 {
        let ev = events.next_message(5000).await.expect("every message");
        assert_eq!(ev.id, Some(i.to_string()));
    }
}

#[tokio::test]
async fn bad_bursts_are_refused() {
    let sim = Sim::start(&[]);
    let bad = [
        json!({"account": "b", "n": 0}),
        json!({"account": "b", "n": 1_000_001}),
        json!({"account": "b", "n": 1, "msgTypes": []}),
        json!({"account": "b", "n": 1, "urlLen": 31}),
        json!({"account": "b", "n": 1, "urlLen": 4097}),
        json!({"account": "b", "n": 1, "extra": true}),
        json!({"n": 1}),
    ];
    for body in bad {
        let (status, text) = sim.post("sim/burst", body.clone()).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains("error"), "{text}");
    }
}
