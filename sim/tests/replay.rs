//! Replay of the push channel after `Last-Event-ID` (header) or the
//! `lastEventId` query parameter.

mod common;

use common::{Events, Sim};
use serde_json::{json, Value};

async fn push3(sim: &Sim, account: &str) {
    for n in 1..=3 {
        let body = json!({"account": account, "msgType": 50203, "sid": "S-9", "data": {"url": n}});
        let v = sim.control("push", body).await;
        assert_eq!(v["id"], n.to_string());
    }
}

fn url(data: &str) -> Value {
    serde_json::from_str::<Value>(data).unwrap()["data"]["url"].clone()
}

#[tokio::test]
async fn replays_after_the_last_event_id_header() {
    let sim = Sim::start(&[]);
    push3(&sim, "r").await;
    let mut s = Events::new(
        sim.subscribe("systemCode=T&account=r", &[("Last-Event-ID", "1")])
            .await,
    );
    let a = s.next_message(2000).await.expect("id 2");
    assert_eq!((a.id.as_deref(), url(&a.data)), (Some("2"), json!(2)));
    let b = s.next_message(2000).await.expect("id 3");
    assert_eq!(b.id.as_deref(), Some("3"));
    assert_eq!(s.next_message(300).await, None, "nothing more");
}

#[tokio::test]
async fn replays_after_the_last_event_id_query_and_the_header_wins() {
    let sim = Sim::start(&[]);
    push3(&sim, "r").await;
    let mut q = Events::new(
        sim.subscribe("systemCode=T&account=r&lastEventId=2", &[])
            .await,
    );
    assert_eq!(
        q.next_message(2000).await.and_then(|e| e.id),
        Some("3".into())
    );
    assert_eq!(q.next_message(300).await, None);
    let both = sim
        .subscribe("account=r&lastEventId=0", &[("Last-Event-ID", "2")])
        .await;
    let mut both = Events::new(both);
    assert_eq!(
        both.next_message(2000).await.and_then(|e| e.id),
        Some("3".into())
    );
    assert_eq!(
        both.next_message(300).await,
        None,
        "the header wins over the query"
    );
}

#[tokio::test]
async fn without_a_last_id_only_new_messages_come() {
    let sim = Sim::start(&["--ping-interval", "0.1"]);
    push3(&sim, "r").await;
    let mut s = Events::new(sim.subscribe("systemCode=T&account=r", &[]).await);
    let ping = s.next(2000).await.expect("a ping");
    assert_eq!((ping.event.as_str(), ping.data.as_str()), ("ping", "{}"));
    sim.control(
        "push",
        json!({"account": "r", "msgType": 30000, "sid": "S-9"}),
    )
    .await;
    let m = s.next_message(2000).await.expect("the new message");
    assert_eq!(m.id.as_deref(), Some("4"));
    assert_eq!(
        serde_json::from_str::<Value>(&m.data).unwrap()["msgType"],
        30000
    );
}
