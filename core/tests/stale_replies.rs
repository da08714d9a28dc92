//! A command's reply applies its effect only to the call it was sent for, in
//! the shape it was sent in (`commands.rs` `apply_success`): a late reply must
//! not turn a new ring of the same session into a call, end it, or end a call
//! that began meanwhile. Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{H, INCOMING};
use rtv_core::{EventType, Method, State};

#[test]
fn a_late_answer_reply_does_not_take_a_transfer_ask_of_the_same_session() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    let answer = h.call(Method::Answer, r#""S-1""#);
    // The platform gave the ring up and later a colleague who got the
    // session asks us to take it over.
    h.push(30000, "S-1", "{}");
    assert_eq!(h.state(), State::Ready);
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    assert_eq!(h.state(), State::Wait);
    h.ok("call/answer");
    assert!(matches!(h.settled(answer), Some(Ok(_))));
    assert_eq!(h.state(), State::Wait, "still asked, not in the call");
    assert_eq!(h.exe_count("start"), 0);
    // The ask is still answerable as a transfer.
    h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
    assert_eq!(h.http_count("change/accept"), 1);
}

#[test]
fn a_late_hang_up_reply_does_not_end_a_new_ring_of_the_same_session() {
    let mut h = H::busy("S-1");
    let hang_up = h.call(Method::HangUp, r#""S-1""#);
    h.push(30025, "S-1", "{}");
    assert_eq!(h.state(), State::Ready);
    let stops = h.exe_count("stop");
    h.push(20200, "S-1", r#"{"from":"a3"}"#);
    assert_eq!(h.state(), State::Wait);
    h.ok("call/hangup");
    assert!(matches!(h.settled(hang_up), Some(Ok(_))));
    assert_eq!(h.state(), State::Wait, "the invitation still rings");
    assert_eq!(h.exe_count("stop"), stops);
}

#[test]
fn a_refusal_accepted_after_the_answer_does_not_end_the_call() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Answer, r#""S-1""#);
    let refuse = h.call(Method::Refuse, r#""S-1""#);
    h.ok("call/answer");
    assert_eq!(h.state(), State::Busy);
    h.reply_exe("start", true, "{}");
    h.ok("call/refuse");
    assert!(matches!(h.settled(refuse), Some(Ok(_))));
    assert_eq!(h.state(), State::Busy, "the call goes on");
    assert_eq!(h.count_events(EventType::StateChange), 3);
}

#[test]
fn a_transfer_refusal_accepted_after_the_50201_does_not_end_the_call() {
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
    let refuse = h.call(Method::RefuseChangePerson, r#"{"sid":"S-1"}"#);
    h.push(50201, "S-1", common::STREAMS);
    assert_eq!(h.state(), State::Busy);
    h.ok("change/refuse");
    assert!(matches!(h.settled(refuse), Some(Ok(_))));
    assert_eq!(h.state(), State::Busy);
}
