//! A take-over's quiet sync (`links.rs` `adopted_session`) keeps the adopted
//! call only when `session/current` names that very call; anything else is
//! reported as a recovery. Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{Json, JsonExt, H, STREAMS};
use rtv_core::{EventType, Method, State};

#[test]
fn another_active_session_is_a_recovery() {
    let snap = H::busy("S-1").agent.snapshot();
    let mut h = H::adopting(&snap);
    assert_eq!(h.state(), State::Busy);
    h.links_up();
    h.reply_http(
        "session/current",
        r#"{"code":0,"msg":"ok","data":{"sid":"S-2","role":"owner","streams":{"pushUrl":"p9"}}}"#,
    );
    let rec = h
        .last_event(EventType::RecoveryCall)
        .expect("RECOVERY_CALL");
    assert_eq!(rec.get("sid"), Some(&Json::str("S-2")));
    assert_eq!(h.state(), State::Busy);
    assert_eq!(
        h.exe_req("start").unwrap().get("sid"),
        Some(&Json::str("S-2"))
    );
    // The call is S-2 now.
    let c = h.call(Method::HangUp, r#""S-1""#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    h.call(Method::HangUp, r#""S-2""#);
    assert_eq!(h.http_count("call/hangup"), 1);
}

#[test]
fn the_same_session_goes_on_quietly() {
    let snap = H::busy("S-1").agent.snapshot();
    let mut h = H::adopting(&snap);
    h.links_up();
    h.reply_http(
        "session/current",
        r#"{"code":0,"msg":"ok","data":{"sid":"S-1","role":"owner","streams":{"pushUrl":"p9"}}}"#,
    );
    assert!(h.events().is_empty(), "{:?}", h.events());
    assert_eq!(h.state(), State::Busy);
    assert_eq!(h.http_count("agent/state"), 0);
    // The EXE was told to start the call when its link came up; once.
    assert_eq!(h.exe_count("start"), 1);
    h.call(Method::HangUp, r#""S-1""#);
    assert_eq!(h.http_count("call/hangup"), 1);
}

#[test]
fn a_push_during_the_quiet_sync_is_handled_at_once() {
    let snap = H::ready().agent.snapshot();
    let mut h = H::adopting(&snap);
    h.links_up();
    assert!(
        h.http_req("session/current").is_some(),
        "quiet sync running"
    );
    h.push(50200, "S-5", common::INCOMING);
    assert_eq!(h.state(), State::Wait, "not held: the page sees `ready`");
    assert_eq!(h.count_events(EventType::IncomingCall), 1);
    h.ok("session/current");
    assert_eq!(h.state(), State::Wait);
    assert_eq!(h.count_events(EventType::IncomingCall), 1);
}

#[test]
fn an_accept_sent_by_the_old_leader_still_counts() {
    for (accepted, want) in [(true, State::Busy), (false, State::Wait)] {
        let mut old = H::ready();
        old.push(20100, "S-1", r#"{"from":"a2"}"#);
        if accepted {
            old.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
        }
        let mut h = H::adopting(&old.agent.snapshot());
        h.links_up();
        h.ok("session/current");
        assert_eq!(h.state(), State::Wait);
        // A fresh id: the old leader delivered id 1 (the 20100).
        h.push_raw(
            Some("2"),
            &format!(r#"{{"msgType":50201,"sid":"S-1","data":{}}}"#, STREAMS),
        );
        assert_eq!(h.state(), want, "accept sent: {accepted}");
        let unexpected = h.errors().iter().any(|e| e == "UNEXPECTED_MESSAGE");
        assert_eq!(unexpected, !accepted, "{:?}", h.errors());
    }
}

/// The adopted agent allows `method` (it sends a request to `path`).
fn allows(h: &mut H, method: Method, arg: &str, path: &str) -> bool {
    let before = h.http_count(path);
    let c = h.call(method, arg);
    h.settled(c).is_none() && h.http_count(path) == before + 1
}

#[test]
fn a_take_over_keeps_every_kind_of_ring() {
    for (ask, method, path) in [
        (20100, Method::AcceptChangePerson, "change/accept"),
        (20200, Method::AcceptAddPerson, "add/accept"),
    ] {
        let mut old = H::ready();
        old.push(ask, "S-1", r#"{"from":"a2"}"#);
        let mut h = H::adopting(&old.agent.snapshot());
        assert_eq!(h.state(), State::Wait, "{ask}");
        assert!(allows(&mut h, method, r#"{"sid":"S-1"}"#, path), "{ask}");
    }
}

#[test]
fn a_take_over_keeps_the_role_and_what_is_pending() {
    // A participant: may quit, may not hang up.
    let mut old = H::ready();
    old.push(20200, "S-1", r#"{"from":"a2"}"#);
    old.call(Method::AcceptAddPerson, r#"{"sid":"S-1"}"#);
    old.ok("add/accept");
    old.push(50202, "S-1", STREAMS);
    let mut h = H::adopting(&old.agent.snapshot());
    assert_eq!(h.state(), State::Busy);
    let c = h.call(Method::HangUp, r#""S-1""#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert!(allows(
        &mut h,
        Method::QuitAddPerson,
        r#"{"sid":"S-1"}"#,
        "add/quit"
    ));
    // An owner with a transfer ask, a third-party ask and a participant.
    let mut old = H::busy("S-1");
    old.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    old.ok("change/ask");
    old.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a3"}"#);
    old.ok("add/ask");
    old.push(20201, "S-1", r#"{"newer":"a3"}"#);
    old.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a4"}"#);
    old.ok("add/ask");
    let mut h = H::adopting(&old.agent.snapshot());
    let body = r#"{"sid":"S-1","newer":"a2"}"#;
    assert!(allows(
        &mut h,
        Method::CancelChangePerson,
        body,
        "change/cancel"
    ));
    let body = r#"{"sid":"S-1","newer":"a4"}"#;
    assert!(allows(&mut h, Method::CancelAddPerson, body, "add/cancel"));
    let body = r#"{"sid":"S-1","newer":"a3"}"#;
    assert!(allows(&mut h, Method::RemoveAddPerson, body, "add/remove"));
    assert!(allows(&mut h, Method::HangUp, r#""S-1""#, "call/hangup"));
}
