//! Page lifecycle and hand-over between tabs (issue "one agent, many tabs"):
//! `pagehide` suspends (offline, links closed, nothing retried), `Resume`
//! re-syncs as after an outage; a new instance adopts another's snapshot and
//! keeps the state and the call without a STATE_CHANGE.

mod common;

use common::{Json, JsonExt, Output, H, INCOMING};
use rtv_core::{EventType, Input, Method, State};

fn is_open(o: &Output) -> bool {
    matches!(o, Output::OpenPush { .. } | Output::OpenExe { .. })
}

fn state_changes(h: &H) -> Vec<(String, String)> {
    h.events()
        .into_iter()
        .filter(|(k, _)| *k == EventType::StateChange)
        .map(|(_, d)| {
            let s = |k: &str| d.get(k).and_then(Json::as_str).unwrap().to_string();
            (s("from"), s("state"))
        })
        .collect()
}

#[test]
fn pagehide_reports_offline_closes_both_links_and_retries_nothing() {
    let mut h = H::ready();
    h.input(Input::PageHide);
    let out = h.take_quiet();
    let offline: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Http(r) if r.keepalive => Some(r.body.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(offline.len(), 1, "{out:?}");
    assert_eq!(offline[0]["state"], "offline");
    assert!(
        out.contains(&Output::ClosePush) && out.contains(&Output::CloseExe),
        "{out:?}"
    );
    assert_eq!(
        h.agent.poll_timeout(),
        None,
        "no timer while the page is hidden"
    );
    // The closed EventSource and socket report in late: still nothing reopens,
    // no status probe, no heartbeat, for as long as the page stays hidden.
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::ExeClosed { code: 1006 });
    h.advance(600_000.0);
    let later = h.take_quiet();
    assert!(!later.iter().any(is_open), "{later:?}");
    assert!(
        !later.iter().any(|o| matches!(o, Output::Http(_))),
        "{later:?}"
    );
    assert_eq!(h.state(), State::Ready, "no state change while hidden");
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}

#[test]
fn shown_again_it_resyncs_as_after_an_outage() {
    let mut h = H::ready();
    h.input(Input::PageHide);
    h.take();
    h.input(Input::Resume);
    let out = h.take_quiet();
    assert_eq!(
        out.iter().filter(|o| is_open(o)).count(),
        2,
        "both links at once: {out:?}"
    );
    assert_eq!(h.state(), State::Disconnected);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    let st = h.http_req("agent/state").unwrap();
    assert_eq!(st.body["state"], "ready", "{}", st.body);
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    let changes = state_changes(&h);
    let tail: Vec<_> = changes[changes.len() - 2..].to_vec();
    assert_eq!(
        tail,
        [
            ("ready".to_string(), "disconnected".to_string()),
            ("disconnected".to_string(), "ready".to_string())
        ]
    );
}

#[test]
fn shown_again_mid_call_recovers_the_call() {
    let mut h = H::busy("S-1");
    h.input(Input::PageHide);
    h.input(Input::Resume);
    h.links_up();
    let starts = h.exe_count("start");
    h.reply_http(
        "session/current",
        r#"{"code":0,"msg":"ok","data":{"sid":"S-1","role":"owner","streams":{"pushUrl":"p"}}}"#,
    );
    assert_eq!(h.state(), State::Busy);
    assert_eq!(h.count_events(EventType::RecoveryCall), 1);
    assert_eq!(
        h.exe_count("start"),
        starts + 1,
        "the EXE starts the call again"
    );
}

#[test]
fn shown_again_after_rest_it_comes_back_in_leave() {
    let mut h = H::leave();
    h.input(Input::PageHide);
    h.input(Input::Resume);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    assert_eq!(h.http_req("agent/state").unwrap().body["state"], "leave");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Leave);
}

#[test]
fn a_take_over_keeps_the_call_without_a_state_change() {
    let mut old = H::busy("S-1");
    old.push(50203, "S-1", r#"{"url":"http://x/r.mp4"}"#);
    let snap = old.agent.snapshot();
    assert_eq!(old.agent.last_push_id(), Some("2"));
    let mut h = H::adopting(&snap);
    assert_eq!(h.state(), State::Busy);
    let url = h
        .take()
        .into_iter()
        .find_map(|o| match o {
            Output::OpenPush { url } => Some(url),
            _ => None,
        })
        .unwrap();
    assert!(url.ends_with("&lastEventId=2"), "{url}");
    h.links_up();
    // Back in a call: the new EXE link is told to start it again.
    assert_eq!(
        h.exe_req("start").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
    h.reply_exe("start", true, "{}");
    h.reply_http(
        "session/current",
        r#"{"code":0,"msg":"ok","data":{"sid":"S-1","role":"owner","streams":{"pushUrl":"p"}}}"#,
    );
    assert_eq!(h.state(), State::Busy);
    assert!(h.events().is_empty(), "{:?}", h.events());
    assert_eq!(
        h.http_count("agent/state"),
        0,
        "no presence change mid-call"
    );
    // Replays of what the old leader delivered are dropped; the next passes.
    h.push_raw(
        Some("2"),
        r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#,
    );
    assert!(h.events().is_empty());
    h.push_raw(
        Some("3"),
        r#"{"msgType":50204,"sid":"S-1","data":{"url":"u"}}"#,
    );
    assert_eq!(h.count_events(EventType::Image), 1);
    // The call is ours now.
    h.call(Method::HangUp, r#""S-1""#);
    h.ok("call/hangup");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(
        h.exe_req("stop").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
    assert!(h.errors().is_empty(), "{:?}", h.errors());
    assert_eq!(h.agent.invariant_violation(), None);
}

#[test]
fn a_take_over_after_the_call_ended_reports_ready() {
    let snap = H::busy("S-1").agent.snapshot();
    let mut h = H::adopting(&snap);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    assert_eq!(
        state_changes(&h),
        [("busy".to_string(), "ready".to_string())]
    );
    assert_eq!(
        h.exe_req("stop").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.agent.invariant_violation(), None);
}

#[test]
fn a_take_over_while_ringing_can_answer() {
    let mut old = H::ready();
    old.push(50200, "S-9", INCOMING);
    let snap = old.agent.snapshot();
    let mut h = H::adopting(&snap);
    assert_eq!(h.state(), State::Wait);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    assert_eq!(
        h.http_count("agent/state"),
        0,
        "a ring is no reason to report presence"
    );
    assert!(h.events().is_empty(), "{:?}", h.events());
    h.call(Method::Answer, r#""S-9""#);
    h.ok("call/answer");
    assert_eq!(h.state(), State::Busy);
    assert!(h.exe_req("start").is_some());
}

#[test]
fn a_take_over_when_ready_reports_nothing_and_heart_beats() {
    let snap = H::ready().agent.snapshot();
    let mut h = H::adopting(&snap);
    assert_eq!(h.state(), State::Ready);
    h.links_up();
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    // The platform still has the agent ready: a second report could withdraw
    // a call being offered right now.
    assert_eq!(h.http_count("agent/state"), 0);
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.agent.invariant_violation(), None);
    assert!(h.events().is_empty(), "{:?}", h.events());
    // Heart-beats from now on.
    h.advance(20_000.0);
    assert!(h.http_req("agent/heartbeat").is_some());
}

#[test]
fn a_take_over_whose_links_stay_down_goes_disconnected_after_the_grace_period() {
    let snap = H::busy("S-1").agent.snapshot();
    let mut h = H::adopting(&snap);
    h.advance(5_001.0);
    assert_eq!(h.state(), State::Disconnected);
    assert_eq!(h.agent.invariant_violation(), None);
}

#[test]
fn a_recover_snapshot_goes_disconnected_first() {
    let mut snap = H::ready().agent.snapshot();
    snap["recover"] = Json::Bool(true);
    let mut h = H::adopting(&snap);
    assert_eq!(
        state_changes(&h),
        [("ready".to_string(), "disconnected".to_string())]
    );
    h.connect();
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn a_snapshot_that_does_not_hold_together_starts_afresh() {
    for bad in [
        r#"{"state":"busy","call":null}"#,
        r#"{"state":"ready","call":{"sid":"S-1","ring":null,"role":"owner","streams":{}}}"#,
        r#"{"state":"wait","call":{"sid":"S-1","ring":"bogus","role":"owner","streams":{}}}"#,
        r#"{"state":"nonsense"}"#,
        r#"[]"#,
    ] {
        let h = H::adopting(&Json::parse(bad).unwrap());
        assert_eq!(h.state(), State::Disconnected, "{bad}");
        assert!(h.events().is_empty(), "{bad}");
        assert_eq!(h.agent.invariant_violation(), None, "{bad}");
    }
}

#[test]
fn a_hand_over_completes_without_reporting_offline() {
    let mut h = H::ready();
    h.input(Input::Handover);
    let out = h.take_quiet();
    assert!(!out.iter().any(|o| matches!(o, Output::Http(_))), "{out:?}");
    assert!(out.contains(&Output::Complete));
    assert!(h.agent.is_finished());
}

#[test]
fn online_during_the_status_probe_retries_at_once_when_the_failure_lands() {
    let mut h = H::ready();
    // Grow the backoff: a few failures in a row (the link never stays up).
    for _ in 0..4 {
        h.input(Input::PushDown {
            status: Some(500),
            wrong_type: false,
        });
        h.until(|o| matches!(o, Output::OpenPush { .. }));
    }
    // The EventSource just failed; its probe runs; `online` fires now.
    h.input(Input::Resume);
    h.advance(300.0);
    h.take();
    h.input(Input::PushDown {
        status: Some(500),
        wrong_type: false,
    });
    assert!(
        h.take()
            .iter()
            .any(|o| matches!(o, Output::OpenPush { .. })),
        "retried at once, not after the grown backoff"
    );
    // Without a recent `Resume` the next failure waits for its backoff again.
    h.advance(10_000.0);
    h.input(Input::PushDown {
        status: Some(500),
        wrong_type: false,
    });
    assert!(!h
        .take()
        .iter()
        .any(|o| matches!(o, Output::OpenPush { .. })));
}
