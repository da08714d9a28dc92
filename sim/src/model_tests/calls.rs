//! Routing, ring time-out, refuse, hang-up and recordings, in virtual time.

use super::Bench;
use crate::agents::AgentState;
use crate::codes::{FAILED, SESSION_FINISHED};
use serde_json::json;

#[test]
fn calls_go_round_robin_across_ready_agents() {
    let mut b = Bench::new();
    for a in ["a", "b", "c"] {
        b.ready(a);
    }
    b.cmd("l", "dispatch/agent/state", json!({"state": "leave"}))
        .unwrap();
    // Each call is answered and hung up, so every agent is ready again before
    // the next one: only round robin spreads them.
    let mut got = Vec::new();
    for _ in 0..4 {
        b.call(None);
        let who = ["a", "b", "c"]
            .into_iter()
            .find(|a| b.state(a) == AgentState::Wait)
            .expect("someone is offered the call");
        let sid = b.answer_ringing(who);
        b.cmd(who, "rtv/call/hangup", json!({ "sid": sid }))
            .unwrap();
        got.push(who);
    }
    assert_eq!(got, ["a", "b", "c", "a"]);
    assert_eq!(
        b.state("l"),
        AgentState::Leave,
        "a resting agent is skipped"
    );
}

#[test]
fn a_call_waits_until_an_agent_is_ready() {
    let mut b = Bench::new();
    b.listen("a");
    let sid = b.call(None);
    assert!(b.take("a").is_empty());
    b.ready("a");
    let offer = b.take("a");
    assert_eq!(offer.len(), 1);
    assert_eq!(
        (offer[0].msg_type, offer[0].sid.as_str()),
        (50200, sid.as_str())
    );
    assert_eq!(offer[0].data["customer"]["name"], "test");
    assert!(offer[0].data["streams"]["pushUrl"].is_string());
}

#[test]
fn an_offer_rings_out_with_30000_then_moves_to_the_next_agent() {
    let mut b = Bench::new(); // ring time-out 20 s
    b.ready("a");
    b.ready("b");
    let sid = b.call(None);
    assert_eq!(b.codes("a"), [50200]);
    b.at(19_999);
    assert!(b.take("a").is_empty(), "still ringing before the time-out");
    assert!(b.take("b").is_empty());
    b.at(20_000);
    let a = b.take("a");
    assert_eq!((a[0].msg_type, a[0].sid.as_str()), (30000, sid.as_str()));
    let offer = b.take("b");
    assert_eq!(
        (offer[0].msg_type, offer[0].sid.as_str()),
        (50200, sid.as_str())
    );
    assert_eq!(b.state("a"), AgentState::Ready);
    assert_eq!(b.state("b"), AgentState::Wait);
    // b lets it ring out too: nobody left who has not declined it; it waits.
    b.at(40_000);
    assert_eq!(b.codes("b"), [30000]);
    assert!(
        b.take("a").is_empty(),
        "a call is not offered again to who let it ring"
    );
    // The ring-out of a stale offer does nothing.
    b.at(60_000);
    assert!(b.take("a").is_empty() && b.take("b").is_empty());
}

#[test]
fn a_refused_call_goes_to_the_next_agent_and_not_back() {
    let mut b = Bench::new();
    b.ready("a");
    b.ready("b");
    let sid = b.call(None);
    b.take("a");
    b.cmd("b", "rtv/call/refuse", json!({ "sid": sid }))
        .expect_err("only the agent it rings at may refuse");
    b.cmd("a", "rtv/call/refuse", json!({ "sid": sid }))
        .unwrap();
    assert_eq!(b.codes("b"), [50200]);
    b.cmd("b", "rtv/call/refuse", json!({ "sid": sid }))
        .unwrap();
    assert!(b.take("a").is_empty());
}

#[test]
fn hang_up_ends_the_call_and_the_recording_follows() {
    let mut b = Bench::new(); // recording delay 3 s
    b.ready("a");
    let sid = b.call(Some("a"));
    b.answer_ringing("a");
    assert_eq!(b.state("a"), AgentState::Busy);
    let current = b.cmd("a", "rtv/session/current", json!({})).unwrap();
    assert_eq!(
        (current["sid"].as_str(), current["role"].as_str()),
        (Some(sid.as_str()), Some("owner"))
    );
    b.at(1_000);
    assert_eq!(
        b.cmd("b", "rtv/call/hangup", json!({ "sid": sid })),
        Err(FAILED)
    );
    b.cmd("a", "rtv/call/hangup", json!({ "sid": sid }))
        .unwrap();
    assert!(b.take("a").is_empty(), "no push for the agent that hung up");
    assert_eq!(b.state("a"), AgentState::Ready);
    assert_eq!(
        b.cmd("a", "rtv/call/hangup", json!({ "sid": sid })),
        Err(SESSION_FINISHED)
    );
    b.at(3_999);
    assert!(b.take("a").is_empty());
    b.at(4_000);
    let rec = b.take("a");
    assert_eq!(rec[0].msg_type, 50203);
    assert_eq!(
        rec[0].data["url"],
        format!("http://sim.test/media/rec/{sid}.mp4")
    );
}

#[test]
fn the_platform_ends_a_call_after_the_longest_call_time() {
    let mut b = Bench::with_flags(&["--max-call", "100"]);
    b.ready("a");
    b.call(Some("a"));
    b.at(10_000);
    b.answer_ringing("a");
    b.at(109_999);
    assert!(b.take("a").is_empty());
    b.at(110_000);
    assert_eq!(b.codes("a"), [30000]);
}
