//! Presence and the heartbeat time-out, in virtual time.

use super::Bench;
use crate::agents::AgentState;
use serde_json::json;
use std::time::Duration;

#[test]
fn an_agent_silent_for_60_s_goes_offline() {
    let mut b = Bench::new(); // heartbeat time-out 60 s
    b.ready("a");
    assert_eq!(
        b.w.poll_timeout(),
        Some(b.now + Duration::from_millis(60_001))
    );
    b.at(30_000);
    b.cmd("a", "dispatch/agent/heartbeat", json!({"state": "ready"}))
        .unwrap();
    b.at(90_000);
    assert_eq!(
        b.state("a"),
        AgentState::Ready,
        "60 s after the last heartbeat, not yet"
    );
    b.at(90_001);
    assert_eq!(b.state("a"), AgentState::Disconnected);
    assert_eq!(b.w.poll_timeout(), None, "nothing left to wait for");
    // A heartbeat brings an agent back that went offline by silence.
    b.cmd("a", "dispatch/agent/heartbeat", json!({"state": "leave"}))
        .unwrap();
    assert_eq!(b.state("a"), AgentState::Leave);
}

#[test]
fn a_call_ringing_at_an_agent_that_falls_silent_moves_on() {
    let mut b = Bench::new(); // rings 20 s, longer than the silence left
    b.ready("a");
    b.at(50_000);
    b.ready("b");
    let sid = b.call(Some("a"));
    assert_eq!(b.codes("a"), [50200]);
    b.at(60_001);
    assert_eq!(b.codes("a"), [30000]);
    let offer = b.take("b");
    assert_eq!(
        (offer[0].msg_type, offer[0].sid.as_str()),
        (50200, sid.as_str())
    );
}

#[test]
fn reported_offline_is_not_revived_by_a_heartbeat() {
    let mut b = Bench::new();
    b.ready("a");
    b.cmd("a", "dispatch/agent/state", json!({"state": "offline"}))
        .unwrap();
    b.cmd("a", "dispatch/agent/heartbeat", json!({"state": "ready"}))
        .unwrap();
    assert_eq!(b.state("a"), AgentState::Disconnected);
}
