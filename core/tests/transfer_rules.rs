//! Transfer and third-party bookkeeping (SPEC §1 method table, §3; D17, D18):
//! what an owner's ask/cancel/remove leaves pending, which `newer` a cancel
//! or remove must name, when a failed accept re-arms the 50201/50202 check,
//! and the `sid` of an HTTP_BACK that comes after the call ended.
//! Written for the survivors of a mutation run (docs/mutants.md).

mod common;

use common::{Json, JsonExt, H, STREAMS};
use rtv_core::{EventType, Method, State};

const BUSY_FAILURE: &str = r#"{"code":300003,"msg":"操作失败,坐席忙线","data":null}"#;

#[test]
fn cancel_change_must_name_the_asked_agent() {
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("change/ask");
    let c = h.call(Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a3"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    assert_eq!(h.http_count("change/cancel"), 0);
    let c = h.call(Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.settled(c), None);
    assert_eq!(h.http_count("change/cancel"), 1);
}

#[test]
fn remove_must_name_the_joined_participant() {
    let mut h = H::busy("S-1");
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    h.push(20201, "S-1", r#"{"newer":"a2"}"#);
    let c = h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a3"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    assert_eq!(h.http_count("add/remove"), 0);
    let c = h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.settled(c), None);
    assert_eq!(h.http_count("add/remove"), 1);
}

#[test]
fn an_accepted_change_ask_can_be_cancelled_once() {
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("change/ask");
    let c = h.call(Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("change/cancel");
    assert!(matches!(h.settled(c), Some(Ok(_))));
    // Nothing pending any more.
    let c = h.call(Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert_eq!(h.http_count("change/cancel"), 1);
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn an_accepted_add_ask_can_be_cancelled_once() {
    let mut h = H::busy("S-1");
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    let c = h.call(Method::CancelAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/cancel");
    assert!(matches!(h.settled(c), Some(Ok(_))));
    let c = h.call(Method::CancelAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert_eq!(h.http_count("add/cancel"), 1);
}

#[test]
fn a_removed_participant_cannot_be_removed_again() {
    let mut h = H::busy("S-1");
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    h.push(20201, "S-1", r#"{"newer":"a2"}"#);
    h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/remove");
    let c = h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert_eq!(h.http_count("add/remove"), 1);
}

#[test]
fn a_failed_ask_leaves_nothing_to_cancel() {
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.reply_http("change/ask", BUSY_FAILURE);
    let c = h.call(Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
}

#[test]
fn a_failed_accept_rearms_the_check() {
    // D17: 50201/50202 before any accept was sent (or after it failed) is
    // UNEXPECTED_MESSAGE.
    for (ask, accept, path, live) in [
        (20100, Method::AcceptChangePerson, "change/accept", 50201),
        (20200, Method::AcceptAddPerson, "add/accept", 50202),
    ] {
        let mut h = H::ready();
        h.push(ask, "S-1", r#"{"from":"a2"}"#);
        let c = h.call(accept, r#"{"sid":"S-1"}"#);
        h.reply_http(path, BUSY_FAILURE);
        assert_eq!(h.rejected_code(c), Json::num(300003.0));
        h.push(live, "S-1", STREAMS);
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{live}");
        assert_eq!(h.state(), State::Wait, "{live}");
        assert_eq!(h.exe_count("start"), 0, "{live}");
        // Accepting again works.
        h.call(accept, r#"{"sid":"S-1"}"#);
        h.ok(path);
        h.push(live, "S-1", STREAMS);
        assert_eq!(h.state(), State::Busy, "{live}");
    }
}

#[test]
fn another_failed_command_keeps_the_accept() {
    // The agent accepted, then clicked "refuse" too; the refusal fails (the
    // platform already took the accept) and the 50201 still makes it busy.
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
    h.ok("change/accept");
    let c = h.call(Method::RefuseChangePerson, r#"{"sid":"S-1"}"#);
    h.reply_http(
        "change/refuse",
        r#"{"code":400005,"msg":"操作失败,对方已受理切换请求取消失败","data":null}"#,
    );
    assert_eq!(h.rejected_code(c), Json::num(400005.0));
    assert_eq!(h.state(), State::Wait);
    h.push(50201, "S-1", STREAMS);
    assert!(h.errors().is_empty(), "{:?}", h.errors());
    assert_eq!(h.state(), State::Busy);
    assert!(h.exe_req("start").is_some());
}

#[test]
fn http_back_after_the_call_ended_names_the_command_sid() {
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    // The customer hangs up while the ask is in flight.
    h.push(30017, "S-1", "{}");
    assert_eq!(h.state(), State::Ready);
    h.reply_http("change/ask", r#"{"code":100025,"data":null}"#);
    let back = h.last_event(EventType::HttpBack).unwrap();
    assert_eq!(
        back,
        Json::parse(
            r#"{"op":"change/ask","sid":"S-1","code":100025,"msg":"操作失败,该会话已经结束"}"#
        )
        .unwrap()
    );
}

#[test]
fn a_pushed_removal_clears_only_the_named_participant() {
    let mut h = H::busy("S-1");
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    h.push(20201, "S-1", r#"{"newer":"a2"}"#);
    // A removal of someone else: a2 stays.
    h.push(20203, "S-1", r#"{"newer":"a3"}"#);
    let c = h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.settled(c), None);
    assert_eq!(h.http_count("add/remove"), 1);
    h.ok("add/remove");
    // a2 again, this time by push: nothing left to remove.
    let mut h = H::busy("S-1");
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    h.push(20201, "S-1", r#"{"newer":"a2"}"#);
    h.push(20203, "S-1", r#"{"newer":"a2"}"#);
    let c = h.call(Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn a_rejected_ask_leaves_nothing_to_cancel() {
    for (ask, path, reject, cancel) in [
        (
            Method::AskChangePerson,
            "change/ask",
            20102,
            Method::CancelChangePerson,
        ),
        (
            Method::AskAddPerson,
            "add/ask",
            20202,
            Method::CancelAddPerson,
        ),
    ] {
        let mut h = H::busy("S-1");
        h.call(ask, r#"{"sid":"S-1","newer":"a2"}"#);
        h.ok(path);
        h.push(reject, "S-1", r#"{"newer":"a2"}"#);
        assert_eq!(h.state(), State::Busy);
        let c = h.call(cancel, r#"{"sid":"S-1","newer":"a2"}"#);
        assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"), "{reject}");
        // Asking again is fine.
        h.call(ask, r#"{"sid":"S-1","newer":"a3"}"#);
        assert_eq!(h.http_count(path), 2, "{reject}");
    }
}

#[test]
fn answers_to_an_owner_need_an_owner() {
    // A participant (joined by 50202) is no owner: 20102/20201/20202/20203
    // are not for it.
    for code in [20102, 20201, 20202, 20203] {
        let mut h = H::ready();
        h.push(20200, "S-1", r#"{"from":"a2"}"#);
        h.call(Method::AcceptAddPerson, r#"{"sid":"S-1"}"#);
        h.ok("add/accept");
        h.push(50202, "S-1", STREAMS);
        assert_eq!(h.state(), State::Busy);
        let events = h.events().len();
        h.push(code, "S-1", r#"{"newer":"a3"}"#);
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{code}");
        assert_eq!(h.events().len(), events, "{code}");
    }
    // An owner, but of another session.
    for code in [20102, 20201, 20202, 20203] {
        let mut h = H::busy("S-1");
        let events = h.events().len();
        h.push(code, "S-2", r#"{"newer":"a3"}"#);
        assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"], "{code}");
        assert_eq!(h.events().len(), events, "{code}");
    }
}
