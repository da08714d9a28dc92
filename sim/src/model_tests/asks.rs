//! Transfer (`change/*`) and third party (`add/*`): the code each agent
//! receives at each step, and the business codes of misuse.

use super::{Bench, Msg};
use crate::agents::AgentState;
use crate::codes::{AGENT_BUSY, ALREADY_ACCEPTED, ASK_GONE, ASK_PENDING, ASK_SELF, FAILED};
use serde_json::{json, Value};

/// Agents a (owner of a call), b and c (ready); returns the sid.
fn owner_a() -> (Bench, String) {
    let mut b = Bench::new();
    for a in ["a", "b", "c"] {
        b.listen(a);
    }
    b.ready("a");
    let sid = b.call(Some("a"));
    b.answer_ringing("a");
    b.ready("b");
    b.ready("c");
    (b, sid)
}

fn body(sid: &str, newer: &str) -> Value {
    json!({ "sid": sid, "newer": newer })
}

fn one(msgs: Vec<Msg>) -> Msg {
    assert_eq!(msgs.len(), 1, "exactly one message: {msgs:?}");
    msgs.into_iter().next().unwrap()
}

#[test]
fn transfer_accepted() {
    let (mut b, sid) = owner_a();
    b.cmd("a", "rtv/change/ask", body(&sid, "b")).unwrap();
    let ask = one(b.take("b"));
    assert_eq!(
        (ask.msg_type, ask.data["from"].as_str()),
        (20100, Some("a"))
    );
    assert_eq!(b.state("b"), AgentState::Wait);
    assert_eq!(
        b.cmd("a", "rtv/change/ask", body(&sid, "c")),
        Err(ASK_PENDING)
    );
    b.cmd("b", "rtv/change/accept", json!({ "sid": sid }))
        .unwrap();
    let back = one(b.take("a"));
    assert_eq!(
        (back.msg_type, back.data["newer"].as_str()),
        (20101, Some("b"))
    );
    let streams = one(b.take("b"));
    assert_eq!(streams.msg_type, 50201);
    assert!(streams.data["streams"]["playUrls"].is_array());
    assert_eq!(b.state("a"), AgentState::Ready, "the call now belongs to b");
    assert_eq!(b.state("b"), AgentState::Busy);
    let current = b.cmd("b", "rtv/session/current", json!({})).unwrap();
    assert_eq!(current["role"], "owner");
    assert_eq!(
        b.cmd("a", "rtv/change/cancel", body(&sid, "b")),
        Err(ALREADY_ACCEPTED)
    );
}

#[test]
fn transfer_refused_cancelled_and_rung_out() {
    let (mut b, sid) = owner_a();
    b.cmd("a", "rtv/change/ask", body(&sid, "b")).unwrap();
    b.take("b");
    assert_eq!(
        b.cmd("c", "rtv/change/refuse", json!({ "sid": sid })),
        Err(FAILED)
    );
    b.cmd("b", "rtv/change/refuse", json!({ "sid": sid }))
        .unwrap();
    let r = one(b.take("a"));
    assert_eq!((r.msg_type, r.data["newer"].as_str()), (20102, Some("b")));
    assert_eq!(
        b.cmd("a", "rtv/change/cancel", body(&sid, "b")),
        Err(ASK_GONE)
    );

    b.cmd("a", "rtv/change/ask", body(&sid, "c")).unwrap();
    assert_eq!(b.codes("c"), [20100]);
    b.cmd("a", "rtv/change/cancel", body(&sid, "c")).unwrap();
    let c = one(b.take("c"));
    assert_eq!((c.msg_type, c.data["from"].as_str()), (20103, Some("a")));
    assert_eq!(b.state("c"), AgentState::Ready);
    assert!(
        b.take("a").is_empty(),
        "the owner gets nothing for its own cancel"
    );

    // An unanswered ask rings out (20 s): cancel to the asked, reject to the owner.
    b.cmd("a", "rtv/change/ask", body(&sid, "b")).unwrap();
    b.take("b");
    b.advance(19_999);
    assert!(b.take("b").is_empty());
    b.advance(1);
    assert_eq!(b.codes("b"), [20103]);
    assert_eq!(b.codes("a"), [20102]);
    assert_eq!(b.state("a"), AgentState::Busy);
}

#[test]
fn transfer_to_self_or_to_a_busy_agent_is_refused() {
    let (mut b, sid) = owner_a();
    assert_eq!(b.cmd("a", "rtv/change/ask", body(&sid, "a")), Err(ASK_SELF));
    assert_eq!(b.cmd("a", "rtv/add/ask", body(&sid, "a")), Err(ASK_SELF));
    b.cmd("c", "dispatch/agent/state", json!({"state": "leave"}))
        .unwrap();
    assert_eq!(
        b.cmd("a", "rtv/change/ask", body(&sid, "c")),
        Err(AGENT_BUSY)
    );
    assert_eq!(
        b.cmd("a", "rtv/change/ask", body(&sid, "nobody")),
        Err(AGENT_BUSY)
    );
    assert_eq!(
        b.cmd("b", "rtv/change/ask", body(&sid, "c")),
        Err(FAILED),
        "not the owner"
    );
    assert!(b.take("b").is_empty() && b.take("c").is_empty());
}

#[test]
fn third_party_joins_and_is_removed() {
    let (mut b, sid) = owner_a();
    b.cmd("a", "rtv/add/ask", body(&sid, "c")).unwrap();
    let ask = one(b.take("c"));
    assert_eq!(
        (ask.msg_type, ask.data["from"].as_str()),
        (20200, Some("a"))
    );
    b.cmd("c", "rtv/add/accept", json!({ "sid": sid })).unwrap();
    let back = one(b.take("a"));
    assert_eq!(
        (back.msg_type, back.data["newer"].as_str()),
        (20201, Some("c"))
    );
    let streams = one(b.take("c"));
    assert_eq!(streams.msg_type, 50202);
    assert_eq!(
        streams.data["streams"]["playUrls"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(b.state("c"), AgentState::Busy);
    let current = b.cmd("c", "rtv/session/current", json!({})).unwrap();
    assert_eq!(current["role"], "participant");
    assert_eq!(
        b.cmd("a", "rtv/add/ask", body(&sid, "b")),
        Err(FAILED),
        "one third party"
    );

    b.cmd("a", "rtv/add/remove", body(&sid, "c")).unwrap();
    let del = one(b.take("a"));
    assert_eq!(
        (del.msg_type, del.data["newer"].as_str()),
        (20203, Some("c"))
    );
    let end = one(b.take("c"));
    assert_eq!((end.msg_type, end.sid.as_str()), (30025, sid.as_str()));
    assert_eq!(b.state("c"), AgentState::Ready);
    assert_eq!(b.state("a"), AgentState::Busy);
}

#[test]
fn third_party_refused_cancelled_and_quit() {
    let (mut b, sid) = owner_a();
    b.cmd("a", "rtv/add/ask", body(&sid, "c")).unwrap();
    b.take("c");
    b.cmd("c", "rtv/add/refuse", json!({ "sid": sid })).unwrap();
    let r = one(b.take("a"));
    assert_eq!((r.msg_type, r.data["newer"].as_str()), (20202, Some("c")));

    b.cmd("a", "rtv/add/ask", body(&sid, "b")).unwrap();
    b.take("b");
    b.cmd("a", "rtv/add/cancel", body(&sid, "b")).unwrap();
    let c = one(b.take("b"));
    assert_eq!((c.msg_type, c.data["from"].as_str()), (20204, Some("a")));

    b.cmd("a", "rtv/add/ask", body(&sid, "b")).unwrap();
    b.take("b");
    b.cmd("b", "rtv/add/accept", json!({ "sid": sid })).unwrap();
    b.take("a");
    b.take("b");
    assert_eq!(
        b.cmd("a", "rtv/add/quit", json!({ "sid": sid })),
        Err(FAILED),
        "owner cannot quit"
    );
    b.cmd("b", "rtv/add/quit", json!({ "sid": sid })).unwrap();
    let q = one(b.take("a"));
    assert_eq!((q.msg_type, q.data["newer"].as_str()), (20203, Some("b")));
    assert!(b.take("b").is_empty(), "the agent that quit gets nothing");
    assert_eq!(b.state("b"), AgentState::Ready);
}

#[test]
fn owner_hang_up_ends_the_call_for_the_third_party() {
    let (mut b, sid) = owner_a();
    b.cmd("a", "rtv/add/ask", body(&sid, "c")).unwrap();
    b.cmd("c", "rtv/add/accept", json!({ "sid": sid })).unwrap();
    b.take("a");
    b.take("c");
    b.cmd("a", "rtv/call/hangup", json!({ "sid": sid }))
        .unwrap();
    assert_eq!(b.codes("c"), [30025]);
    assert!(b.take("a").is_empty());
}
