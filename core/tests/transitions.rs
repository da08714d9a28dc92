//! One test per row of the SPEC §3 transition table (plus start-up).

mod common;
use common::{Json, JsonExt, Output, H, INCOMING, STREAMS};
use rtv_core::{EventType, Input, Method, State};

#[test]
fn startup_opens_both_links_in_parallel_then_syncs() {
    let mut h = H::new();
    let first = h.take_quiet();
    assert!(
        matches!(
            &first[..],
            [.., Output::OpenPush { .. }, Output::OpenExe { .. }]
        ),
        "{first:?}"
    );
    let Output::OpenPush { url } = first
        .iter()
        .find(|o| matches!(o, Output::OpenPush { .. }))
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(
        url,
        "http://127.0.0.1:8686/push-client/subscribe?systemCode=SYS&account=a1&token=T0K3N"
    );
    h.input(Input::PushOpened);
    assert_eq!(
        h.http_count("session/current"),
        0,
        "waits for the EXE hello too"
    );
    h.input(Input::ExeOpened);
    let hello = h.exe_req("hello").unwrap();
    assert_eq!(hello.get("account"), Some(&Json::str("a1")));
    assert!(hello.get("sdkVersion").is_some());
    h.reply_exe("hello", true, r#"{"exeVersion":"1"}"#);
    let sc = h.http_req("session/current").unwrap();
    assert_eq!(sc.token.as_deref(), Some("T0K3N"));
    assert_eq!(
        sc.body,
        Json::parse(r#"{"systemCode":"SYS","account":"a1"}"#).unwrap()
    );
    assert_eq!(h.state(), State::Disconnected);
    h.ok("session/current");
    let st = h.http_req("agent/state").unwrap();
    assert!(st.url.starts_with("http://127.0.0.1:8686/dispatch/"));
    assert_eq!(st.body.get("state"), Some(&Json::str("ready")));
    assert_eq!(
        h.state(),
        State::Disconnected,
        "ready only once dispatch accepted"
    );
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    let sc = h.last_event(EventType::StateChange).unwrap();
    assert_eq!(
        sc,
        Json::parse(r#"{"state":"ready","from":"disconnected"}"#).unwrap()
    );
    assert_eq!(h.count_events(EventType::StateChange), 1);
}

#[test]
fn startup_with_active_session_recovers_the_call() {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, "{}");
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":{"sid":"S-9","role":"participant","streams":{"pushUrl":"p"}}}"#);
    assert_eq!(h.state(), State::Busy);
    assert_eq!(h.http_count("agent/state"), 0);
    let rc = h.last_event(EventType::RecoveryCall).unwrap();
    assert_eq!(
        rc,
        Json::parse(r#"{"sid":"S-9","role":"participant","streams":{"pushUrl":"p"}}"#).unwrap()
    );
    let start = h.exe_req("start").unwrap();
    assert_eq!(start.get("sid"), Some(&Json::str("S-9")));
    assert_eq!(
        h.count_events(EventType::IncomingCall),
        0,
        "no second ringing"
    );
}

#[test]
fn ready_rest_leave_back_ready() {
    let mut h = H::ready();
    let c = h.call(Method::Rest, "null");
    assert_eq!(
        h.http_req("agent/state").unwrap().body.get("state"),
        Some(&Json::str("leave"))
    );
    assert_eq!(h.state(), State::Ready, "changes when dispatch accepted");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Leave);
    assert!(matches!(h.settled(c), Some(Ok(_))));
    let c = h.call(Method::Back, "null");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    assert!(matches!(h.settled(c), Some(Ok(_))));
}

#[test]
fn ready_incoming_wait() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    assert_eq!(h.state(), State::Wait);
    let ev = h.last_event(EventType::IncomingCall).unwrap();
    assert_eq!(ev.get("sid"), Some(&Json::str("S-1")));
    assert_eq!(ev.get("msgType"), Some(&Json::num(50200.0)));
    assert_eq!(
        ev.get("customer").unwrap().get("name"),
        Some(&Json::str("张三"))
    );
    assert!(ev.get("streams").is_some());
}

#[test]
fn ready_asked_wait() {
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    assert_eq!(h.state(), State::Wait);
    let ev = h.last_event(EventType::ExchangeCall).unwrap();
    assert_eq!(ev.get("from"), Some(&Json::str("a2")));
    let mut h = H::ready();
    h.push(20200, "S-1", r#"{"from":"a2"}"#);
    assert_eq!(h.state(), State::Wait);
    assert_eq!(
        h.last_event(EventType::AddCall).unwrap().get("msgType"),
        Some(&Json::num(20200.0))
    );
}

#[test]
fn wait_answer_busy_with_exe_start() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    let c = h.call(Method::Answer, "\"S-1\"");
    assert_eq!(
        h.http_req("call/answer").unwrap().body.get("sid"),
        Some(&Json::str("S-1"))
    );
    assert_eq!(h.state(), State::Wait);
    h.ok("call/answer");
    assert_eq!(h.state(), State::Busy);
    assert_eq!(
        h.exe_req("start")
            .unwrap()
            .get("streams")
            .unwrap()
            .get("pushUrl"),
        Some(&Json::str("rtmp://p/1"))
    );
    assert!(matches!(h.settled(c), Some(Ok(_))));
}

#[test]
fn wait_refusals_ready() {
    for (ask, method, path) in [
        (50200, Method::Refuse, "call/refuse"),
        (20100, Method::RefuseChangePerson, "change/refuse"),
        (20200, Method::RefuseAddPerson, "add/refuse"),
    ] {
        let mut h = H::ready();
        h.push(
            ask,
            "S-1",
            if ask == 50200 {
                INCOMING
            } else {
                r#"{"from":"a2"}"#
            },
        );
        let arg = if ask == 50200 {
            "\"S-1\""
        } else {
            r#"{"sid":"S-1"}"#
        };
        h.call(method, arg);
        h.ok(path);
        assert_eq!(h.state(), State::Ready, "{path}");
    }
}

#[test]
fn wait_hangup_codes_ready() {
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::ready();
        h.push(50200, "S-1", INCOMING);
        h.push(code, "S-1", "{}");
        assert_eq!(h.state(), State::Ready);
        let ev = h.last_event(EventType::IncomingCallHangup).unwrap();
        assert_eq!(
            ev,
            Json::parse(&format!(r#"{{"sid":"S-1","msgType":{code}}}"#)).unwrap()
        );
        assert_eq!(h.exe_count("stop"), 0, "nothing was started");
    }
}

#[test]
fn wait_asker_cancelled_ready() {
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    h.push(20103, "S-1", r#"{"from":"a2"}"#);
    assert_eq!(h.state(), State::Ready);
    assert_eq!(
        h.last_event(EventType::ExchangeCall)
            .unwrap()
            .get("msgType"),
        Some(&Json::num(20103.0))
    );
    let mut h = H::ready();
    h.push(20200, "S-1", r#"{"from":"a2"}"#);
    h.push(20204, "S-1", r#"{"from":"a2"}"#);
    assert_eq!(h.state(), State::Ready);
    assert_eq!(
        h.last_event(EventType::AddCall).unwrap().get("msgType"),
        Some(&Json::num(20204.0))
    );
}

#[test]
fn wait_accept_change_then_50201_busy_owner() {
    // push after the accept reply
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
    h.ok("change/accept");
    assert_eq!(h.state(), State::Wait);
    h.push(50201, "S-1", STREAMS);
    assert_eq!(h.state(), State::Busy);
    assert_eq!(
        h.exe_req("start")
            .unwrap()
            .get("streams")
            .unwrap()
            .get("pushUrl"),
        Some(&Json::str("rtmp://p/2"))
    );
    h.call(Method::HangUp, "\"S-1\"");
    assert!(h.http_req("call/hangup").is_some(), "owner may hang up");
    // push before the accept reply
    let mut h = H::ready();
    h.push(20100, "S-1", r#"{"from":"a2"}"#);
    let c = h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
    h.push(50201, "S-1", STREAMS);
    assert_eq!(h.state(), State::Busy);
    h.ok("change/accept");
    assert_eq!(h.state(), State::Busy);
    assert!(matches!(h.settled(c), Some(Ok(_))));
}

#[test]
fn wait_accept_add_then_50202_busy_participant() {
    let mut h = H::ready();
    h.push(20200, "S-1", r#"{"from":"a2"}"#);
    h.call(Method::AcceptAddPerson, r#"{"sid":"S-1"}"#);
    h.ok("add/accept");
    h.push(50202, "S-1", STREAMS);
    assert_eq!(h.state(), State::Busy);
    assert_eq!(
        h.last_event(EventType::AddCall).unwrap().get("msgType"),
        Some(&Json::num(50202.0))
    );
    assert!(h.exe_req("start").is_some());
    let c = h.call(Method::HangUp, "\"S-1\"");
    assert_eq!(
        h.rejected_code(c),
        Json::str("INVALID_STATE"),
        "a participant quits, not hangs up"
    );
}

#[test]
fn busy_hangup_or_pushed_end_ready_with_exe_stop() {
    let mut h = H::busy("S-1");
    h.call(Method::HangUp, "\"S-1\"");
    h.ok("call/hangup");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(
        h.exe_req("stop").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
    // The platform's confirmation of the same end is not an error.
    h.push(30000, "S-1", "{}");
    assert!(h.errors().is_empty(), "{:?}", h.errors());
    for code in [30000, 30017, 30019, 30025] {
        let mut h = H::busy("S-2");
        h.push(code, "S-2", "{}");
        assert_eq!(h.state(), State::Ready);
        assert!(h.exe_req("stop").is_some());
        assert_eq!(
            h.last_event(EventType::IncomingCallHangup)
                .unwrap()
                .get("msgType"),
            Some(&Json::num(code as f64))
        );
    }
}

#[test]
fn busy_owner_transfer_accepted_ready() {
    let mut h = H::busy("S-1");
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(
        h.http_req("change/ask").unwrap().body.get("newer"),
        Some(&Json::str("a2"))
    );
    h.ok("change/ask");
    h.push(20101, "S-1", r#"{"newer":"a2"}"#);
    assert_eq!(h.state(), State::Ready);
    assert!(h.exe_req("stop").is_some());
    assert_eq!(
        h.last_event(EventType::ExchangeCall).unwrap().get("newer"),
        Some(&Json::str("a2"))
    );
}

#[test]
fn busy_owner_answers_stay_busy() {
    for (code, ev) in [
        (20102, EventType::ExchangeCall),
        (20201, EventType::AddCall),
        (20202, EventType::AddCall),
        (20203, EventType::AddCall),
    ] {
        let mut h = H::busy("S-1");
        h.push(code, "S-1", r#"{"newer":"a2"}"#);
        assert_eq!(h.state(), State::Busy, "{code}");
        assert_eq!(
            h.last_event(ev).unwrap().get("msgType"),
            Some(&Json::num(code as f64))
        );
        assert!(h.errors().is_empty());
    }
}

#[test]
fn busy_participant_quits_ready() {
    let mut h = H::ready();
    h.push(20200, "S-1", r#"{"from":"a2"}"#);
    h.call(Method::AcceptAddPerson, r#"{"sid":"S-1"}"#);
    h.push(50202, "S-1", STREAMS);
    h.ok("add/accept");
    h.call(Method::QuitAddPerson, r#"{"sid":"S-1"}"#);
    h.ok("add/quit");
    assert_eq!(h.state(), State::Ready);
    assert!(h.exe_req("stop").is_some());
}

#[test]
fn any_state_link_down_past_grace_disconnected() {
    for setup in [
        H::ready as fn() -> H,
        || H::busy("S-1"),
        || {
            let mut h = H::ready();
            h.call(Method::Rest, "null");
            h.ok("agent/state");
            h
        },
    ] {
        let mut h = setup();
        h.input(Input::PushDown {
            status: Some(502),
            wrong_type: false,
        });
        h.advance(4_000.0);
        assert_ne!(h.state(), State::Disconnected, "inside the grace period");
        h.advance(1_100.0);
        assert_eq!(h.state(), State::Disconnected);
        assert!(h.errors().contains(&"DISCONNECTED".to_string()));
    }
}

#[test]
fn credentials_rejected_disconnected_and_complete() {
    let mut h = H::ready();
    h.input(Input::PushDown {
        status: Some(401),
        wrong_type: false,
    });
    assert_eq!(h.state(), State::Disconnected);
    let out = h.take();
    let auth = out
        .iter()
        .position(|o| matches!(o, Output::Error { error: e, .. } if e.code.as_str() == "AUTH"))
        .unwrap();
    let dis = out
        .iter()
        .position(|o| {
            matches!(
                o,
                Output::Event {
                    kind: EventType::StateChange,
                    ..
                }
            )
        })
        .unwrap();
    let done = out
        .iter()
        .position(|o| matches!(o, Output::Complete))
        .unwrap();
    assert!(auth < dis && dis < done);
    let offline = out
        .iter()
        .position(|o| matches!(o, Output::Http(r) if r.keepalive && r.body["state"] == "offline"))
        .expect("best-effort offline on rejected credentials");
    assert!(offline < done);
    assert!(h.agent.is_finished());
    h.advance(120_000.0);
    assert!(h.take().is_empty(), "nothing after complete, no retry loop");
}
