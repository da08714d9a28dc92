//! SPEC §3: a call that ends while it is still ringing never had streams, so
//! the EXE gets no `stop`; a call that ends once it is in progress (`busy`)
//! gets exactly one `stop` with its sid. Every way a call can end, with the
//! EXE link up. Written for a survivor of a mutation run (docs/mutants.md:
//! `end_call` decides from the call itself, no flag from its callers).

mod common;

use common::{Json, JsonExt, H, INCOMING, STREAMS};
use rtv_core::{Method, State};

/// The `stop` requests sent so far, by sid.
fn stops(h: &H) -> Vec<Json> {
    h.log
        .iter()
        .filter_map(|o| match o {
            common::Output::ExeSend(j) if j.get("cmd").and_then(Json::as_str) == Some("stop") => {
                Some(j.get("sid").cloned().unwrap_or(Json::Null))
            }
            _ => None,
        })
        .collect()
}

/// Asserts the call ended (`ready`) and the EXE got no `stop`.
fn ended_without_stop(h: &H, how: &str) {
    assert_eq!(h.state(), State::Ready, "{how}: the call ended");
    assert!(h.exe_count("hello") >= 1, "{how}: the EXE link is up");
    assert_eq!(
        stops(h),
        Vec::<Json>::new(),
        "{how}: a ringing call sends no EXE stop"
    );
}

/// Asserts the call ended (`ready`) with one `stop` for `sid`.
fn ended_with_one_stop(h: &H, sid: &str, how: &str) {
    assert_eq!(h.state(), State::Ready, "{how}: the call ended");
    assert_eq!(
        stops(h),
        [Json::str(sid)],
        "{how}: one EXE stop for the call"
    );
}

/// ready → wait: asked by another agent to take over (20100) or to join (20200) call `sid`.
fn asked(msg_type: i64, sid: &str) -> H {
    let mut h = H::ready();
    h.push(msg_type, sid, r#"{"from":"a0"}"#);
    assert_eq!(h.state(), State::Wait);
    h
}

#[test]
fn a_refused_call_sends_no_stop() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Refuse, r#""S-1""#);
    h.ok("call/refuse");
    ended_without_stop(&h, "refuse");
}

#[test]
fn a_call_hung_up_while_ringing_sends_no_stop() {
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::ready();
        h.push(50200, "S-1", INCOMING);
        h.push(code, "S-1", "{}");
        ended_without_stop(&h, &format!("push {code} while ringing"));
    }
}

#[test]
fn a_refused_transfer_or_invitation_sends_no_stop() {
    for (ask, method, path) in [
        (20100, Method::RefuseChangePerson, "change/refuse"),
        (20200, Method::RefuseAddPerson, "add/refuse"),
    ] {
        let mut h = asked(ask, "S-1");
        h.call(method, r#"{"sid":"S-1"}"#);
        let req = h
            .http_req(path)
            .unwrap_or_else(|| panic!("no request to {path}"));
        assert!(req.url.ends_with(path));
        h.ok(path);
        ended_without_stop(&h, path);
    }
}

#[test]
fn a_transfer_or_invitation_cancelled_by_the_asker_sends_no_stop() {
    for (ask, cancel) in [(20100, 20103), (20200, 20204)] {
        let mut h = asked(ask, "S-1");
        h.push(cancel, "S-1", r#"{"from":"a0"}"#);
        ended_without_stop(&h, &format!("push {cancel} after {ask}"));
    }
}

#[test]
fn an_accepted_transfer_that_ends_before_its_streams_sends_no_stop() {
    // acceptChangePerson went through, but the 50201 with the streams has
    // not come yet: the call has not started for this agent.
    for (ask, accept, path, end) in [
        (20100, Method::AcceptChangePerson, "change/accept", 20103),
        (20200, Method::AcceptAddPerson, "add/accept", 30000),
    ] {
        let mut h = asked(ask, "S-1");
        h.call(accept, r#"{"sid":"S-1"}"#);
        h.ok(path);
        assert_eq!(h.state(), State::Wait, "{path}: waiting for the streams");
        h.push(end, "S-1", r#"{"from":"a0"}"#);
        ended_without_stop(&h, &format!("push {end} after {path}"));
    }
}

#[test]
fn a_call_in_progress_sends_one_stop_however_it_ends() {
    // hangUp() accepted by the platform.
    let mut h = H::busy("S-1");
    h.call(Method::HangUp, r#""S-1""#);
    h.ok("call/hangup");
    ended_with_one_stop(&h, "S-1", "hangUp");

    // The customer hangs up.
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::busy("S-1");
        h.push(code, "S-1", "{}");
        ended_with_one_stop(&h, "S-1", &format!("push {code} while busy"));
    }

    // The owner's transfer was accepted by the other agent (20101).
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("change/ask");
    h.push(20101, "S-1", r#"{"newer":"a2"}"#);
    ended_with_one_stop(&h, "S-1", "push 20101");

    // A third party leaves the call (quitAddPerson).
    let mut h = asked(20200, "S-1");
    h.call(Method::AcceptAddPerson, r#"{"sid":"S-1"}"#);
    h.ok("add/accept");
    h.push(50202, "S-1", STREAMS);
    assert_eq!(h.state(), State::Busy);
    h.call(Method::QuitAddPerson, r#"{"sid":"S-1"}"#);
    h.ok("add/quit");
    ended_with_one_stop(&h, "S-1", "quitAddPerson");
}

#[test]
fn a_take_over_whose_call_ended_meanwhile_sends_one_stop() {
    let snap = H::busy("S-1").agent.snapshot();
    let mut h = H::adopting(&snap);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    h.ok("agent/state");
    ended_with_one_stop(&h, "S-1", "take-over, session gone");
}
