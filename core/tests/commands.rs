//! Page methods: check order, double clicks, HTTP failures, HTTP_BACK, snapshot.

mod common;
use common::{frame, Json, JsonExt, Output, H, INCOMING};
use rtv_core::{EventType, HttpOutcome, Input, Method, State};

#[test]
fn argument_then_state_then_sid() {
    let mut h = H::ready();
    // wrong type beats wrong state
    let c = h.call(Method::Answer, "42");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    let c = h.call(Method::Answer, "null");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    let c = h.call(Method::AskChangePerson, r#"{"sid":"S-1"}"#);
    assert_eq!(
        h.rejected_code(c),
        Json::str("INVALID_ARGUMENT"),
        "newer missing"
    );
    // wrong state beats wrong sid
    let c = h.call(Method::Answer, "\"S-404\"");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    h.push(50200, "S-1", INCOMING);
    let c = h.call(Method::Answer, "\"S-404\"");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    let c = h.call(Method::Snapshot, "\"selfie\"");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_ARGUMENT"));
    assert_eq!(h.http_count("call/answer"), 0, "nothing was sent");
    // every local failure is also reported through `error`
    assert_eq!(h.errors().len(), 6);
}

#[test]
fn state_checks_of_the_method_table() {
    let mut h = H::ready();
    for (m, arg) in [
        (Method::Back, "null"),
        (Method::HangUp, "\"S-1\""),
        (Method::Snapshot, "null"),
        (Method::AcceptChangePerson, r#"{"sid":"S-1"}"#),
        (Method::QuitAddPerson, r#"{"sid":"S-1"}"#),
        (Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#),
    ] {
        let c = h.call(m, arg);
        assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"), "{m:?}");
    }
    let mut h = H::busy("S-1");
    for (m, arg) in [
        (Method::CancelChangePerson, r#"{"sid":"S-1","newer":"a2"}"#),
        (Method::CancelAddPerson, r#"{"sid":"S-1","newer":"a2"}"#),
        (Method::RemoveAddPerson, r#"{"sid":"S-1","newer":"a2"}"#),
        (Method::Rest, "null"),
        (Method::Answer, "\"S-1\""),
    ] {
        let c = h.call(m, arg);
        assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"), "{m:?}");
    }
    h.call(Method::AskAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.ok("add/ask");
    let c = h.call(Method::CancelAddPerson, r#"{"sid":"S-1","newer":"a3"}"#);
    assert_eq!(
        h.rejected_code(c),
        Json::str("INVALID_ARGUMENT"),
        "not the asked agent"
    );
    h.call(Method::CancelAddPerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert!(h.http_req("add/cancel").is_some());
}

#[test]
fn double_click_sends_one_request_and_settles_both() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    let a = h.call(Method::Answer, "\"S-1\"");
    let b = h.call(Method::Answer, "\"S-1\"");
    assert_eq!(h.http_count("call/answer"), 1);
    h.reply_http("call/answer", r#"{"code":0,"msg":"ok","data":{"x":1}}"#);
    assert_eq!(h.settled(a), h.settled(b));
    assert!(matches!(h.settled(a), Some(Ok(_))));
    let r1 = h.call(Method::Rest, "null");
    assert_eq!(h.rejected_code(r1), Json::str("INVALID_STATE"), "busy now");
}

#[test]
fn business_failure_is_http_back_and_numeric_rejection() {
    let mut h = H::busy("S-1");
    let errors_before = h.errors().len();
    let c = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.reply_http("change/ask", r#"{"code":300003,"data":null}"#);
    let back = h.last_event(EventType::HttpBack).unwrap();
    assert_eq!(
        back,
        Json::parse(r#"{"op":"change/ask","sid":"S-1","code":300003,"msg":"操作失败,坐席忙线"}"#)
            .unwrap()
    );
    assert_eq!(
        h.settled(c),
        Some(Err(Json::parse(
            r#"{"code":300003,"msg":"操作失败,坐席忙线"}"#
        )
        .unwrap()))
    );
    assert_eq!(h.errors().len(), errors_before, "not through error");
    let c = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.reply_http("change/ask", r#"{"code":400002,"msg":"自定义文本"}"#);
    assert_eq!(h.rejected_code(c), Json::num(400002.0));
    assert_eq!(
        h.last_event(EventType::HttpBack).unwrap().get("msg"),
        Some(&Json::str("自定义文本"))
    );
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn transport_failures_keep_state() {
    for (outcome, code) in [
        (
            HttpOutcome::Response {
                status: 500,
                body: frame("oops"),
            },
            "HTTP_ERROR",
        ),
        (HttpOutcome::NetworkError("reset".into()), "HTTP_ERROR"),
        (HttpOutcome::Timeout, "TIMEOUT"),
        (
            HttpOutcome::Response {
                status: 200,
                body: frame("<html>"),
            },
            "BAD_RESPONSE",
        ),
        (
            HttpOutcome::Response {
                status: 200,
                body: frame(r#"{"code":"0"}"#),
            },
            "BAD_RESPONSE",
        ),
    ] {
        let mut h = H::ready();
        h.push(50200, "S-1", INCOMING);
        let c = h.call(Method::Answer, "\"S-1\"");
        h.http_outcome("call/answer", outcome);
        assert_eq!(h.rejected_code(c), Json::str(code));
        assert_eq!(h.state(), State::Wait);
        assert_eq!(h.errors(), vec![code.to_string()]);
        let Some(Err(rej)) = h.settled(c) else {
            panic!()
        };
        assert_eq!(rej.get("op"), Some(&Json::str("call/answer")));
    }
}

#[test]
fn http_requests_carry_timeout_and_bearer() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Answer, "\"S-1\"");
    let r = h.http_req("call/answer").unwrap();
    assert_eq!(r.timeout_ms, 10_000.0);
    assert_eq!(r.token.as_deref(), Some("T0K3N"));
    assert_eq!(r.url, "http://127.0.0.1:8686/rtv/call/answer");
    assert_eq!(
        r.body,
        Json::parse(r#"{"systemCode":"SYS","account":"a1","sid":"S-1"}"#).unwrap()
    );
}

#[test]
fn snapshot_normalizes_and_emits() {
    let mut h = H::busy("S-1");
    let a = h.call(Method::Snapshot, "null");
    let b = h.call(Method::Snapshot, "\"player\"");
    assert_eq!(h.exe_count("snapshot"), 1, "a double click joins the first");
    assert_eq!(
        h.exe_req("snapshot").unwrap().get("type"),
        Some(&Json::str("player"))
    );
    h.reply_exe("snapshot", true, r#"{"base64":"iVBORw0KGgo="}"#);
    let want =
        Json::parse(r#"{"type":"player","base64":"data:image/png;base64,iVBORw0KGgo="}"#).unwrap();
    assert_eq!(h.last_event(EventType::Snapshot), Some(want.clone()));
    assert_eq!(h.settled(a), Some(Ok(want.clone())));
    assert_eq!(h.settled(b), Some(Ok(want)));
    let c = h.call(Method::Snapshot, "\"pusher\"");
    h.input(Input::ExeText(frame(&format!(
        r#"{{"id":{},"ok":false,"code":500,"msg":"no camera"}}"#,
        h.exe_req("snapshot").unwrap().get("id").unwrap()
    ))));
    assert_eq!(h.rejected_code(c), Json::str("EXE_ERROR"));
}

#[test]
fn reconnect_resolves_and_retries_at_once() {
    let mut h = H::ready();
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    // the immediate retries happened; fail them again so a backoff is pending
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.take();
    let c = h.call(Method::Reconnect, "null");
    let out = h.take();
    assert!(out.iter().any(|o| matches!(o, Output::OpenExe { .. })));
    assert!(out.iter().any(|o| matches!(o, Output::OpenPush { .. })));
    assert!(matches!(h.settled(c), Some(Ok(Json::Null))));
}

#[test]
fn destroy_reports_offline_closes_and_completes_once() {
    let mut h = H::busy("S-1");
    let pending = h.call(Method::HangUp, "\"S-1\"");
    h.take();
    h.input(Input::Destroy);
    let out = h.take();
    let off = out.iter().find_map(|o| match o {
        Output::Http(r) if r.keepalive => Some(r.clone()),
        _ => None,
    });
    assert_eq!(off.unwrap().body["state"], "offline");
    assert!(out.contains(&Output::ClosePush) && out.contains(&Output::CloseExe));
    assert_eq!(out.iter().filter(|o| **o == Output::Complete).count(), 1);
    assert_eq!(out.last(), Some(&Output::Complete));
    assert_eq!(h.rejected_code(pending), Json::str("DESTROYED"));
    h.input(Input::Destroy);
    h.push(50200, "S-2", INCOMING);
    let late = h.call(Method::Rest, "null");
    let after = h.take();
    assert_eq!(after.len(), 1, "only the late call's settlement: {after:?}");
    assert_eq!(h.rejected_code(late), Json::str("DESTROYED"));
}

#[test]
fn token_never_in_log_lines() {
    let mut h = H::with(common::opts(r#","logLevel":"debug""#));
    h.connect();
    h.input(Input::PushDown {
        status: Some(500),
        wrong_type: false,
    });
    h.advance(10_000.0);
    for o in &h.log {
        match o {
            Output::Log { msg, .. } => assert!(!msg.contains("T0K3N"), "{msg}"),
            Output::Error { error: e, .. } => {
                assert!(!e.to_value::<Json>().to_string().contains("T0K3N"))
            }
            Output::Event { data, .. } => assert!(!data.to_string().contains("T0K3N")),
            _ => {}
        }
    }
}
