//! Pushes that arrive while the start-up/recovery sync runs. The platform
//! offers a waiting call as soon as it accepted `agent/state ready`, so the
//! 50200 push can overtake that request's reply (seen in the browser tests
//! against the simulator). SPEC §3: ready + 50200 → wait with INCOMING_CALL.

mod common;

use common::H;
use rtv_core::{EventType, HttpOutcome, State};

const CALL: &str = r#"{"customer":{"name":"c"},"streams":{"pushUrl":"p","playUrls":[]}}"#;

/// Links up and `session/current` answered: `agent/state` is in flight.
fn presence_in_flight() -> H {
    let mut h = H::new();
    h.input(rtv_core::Input::PushOpened);
    h.input(rtv_core::Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    assert!(h.http_req("agent/state").is_some());
    assert_eq!(h.state(), State::Disconnected);
    h
}

#[test]
fn a_call_offered_before_the_presence_reply_rings_after_it() {
    let mut h = presence_in_flight();
    h.push(50200, "S-1", CALL);
    assert!(h.errors().is_empty(), "{:?}", h.errors());
    assert_eq!(
        h.count_events(EventType::IncomingCall),
        0,
        "not before ready"
    );
    h.ok("agent/state");
    assert_eq!(h.state(), State::Wait);
    let ev = h
        .last_event(EventType::IncomingCall)
        .expect("INCOMING_CALL");
    assert_eq!(ev.get("sid").and_then(|s| s.as_str()), Some("S-1"));
    let states: Vec<String> = h
        .events()
        .iter()
        .filter(|(k, _)| *k == EventType::StateChange)
        .filter_map(|(_, d)| d.get("state").and_then(|s| s.as_str()).map(String::from))
        .collect();
    assert_eq!(states, ["ready", "wait"]);
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}

#[test]
fn held_pushes_are_unexpected_when_the_sync_fails() {
    let mut h = presence_in_flight();
    h.push(50200, "S-1", CALL);
    h.http_outcome("agent/state", HttpOutcome::Timeout);
    assert_eq!(h.state(), State::Disconnected);
    let errors = h.errors();
    assert!(errors.contains(&"TIMEOUT".to_string()), "{errors:?}");
    assert!(
        errors.contains(&"UNEXPECTED_MESSAGE".to_string()),
        "{errors:?}"
    );
    assert_eq!(h.count_events(EventType::IncomingCall), 0);
}

#[test]
fn pushes_outside_a_sync_are_not_held() {
    let mut h = H::new();
    h.push(50200, "S-1", CALL);
    assert_eq!(h.errors(), ["UNEXPECTED_MESSAGE"]);
    let mut h = H::ready();
    h.push(50203, "S-9", r#"{"url":"u"}"#);
    assert_eq!(h.count_events(EventType::Videotape), 1);
}
