//! Behaviours of SPEC §3–§5 that no other test pinned: the heartbeat's
//! state while busy/leave, recovery into `leave`, 50200 while resting, the
//! exact push size limit (in UTF-16 units), unsolicited EXE errors, and a
//! failed EXE `start` during a call.

mod common;
use common::{frame, frame_of, Json, JsonExt, Output, H, INCOMING};
use rtv_core::{EventType, Input, Method, State, MAX_FRAME_CHARS};

fn body(h: &H, path: &str) -> Json {
    h.http_req(path).unwrap_or_else(|| panic!("no {path}")).body
}

fn errors_of(out: &[Output]) -> Vec<&str> {
    out.iter()
        .filter_map(|o| match o {
            Output::Error { error: e, .. } => Some(e.code.as_str()),
            _ => None,
        })
        .collect()
}

// ---- §4.3 heartbeat `{state}`: the current state string ----

fn heartbeat_state_after_20s(mut h: H) -> Json {
    let before = h.http_count("agent/heartbeat");
    h.advance(20_000.0);
    assert_eq!(h.http_count("agent/heartbeat"), before + 1);
    let b = body(&h, "agent/heartbeat");
    assert_eq!(b.get("systemCode"), Some(&Json::str("SYS")));
    assert_eq!(b.get("account"), Some(&Json::str("a1")));
    b.get("state").cloned().unwrap()
}

#[test]
fn heartbeat_carries_busy_during_a_call() {
    assert_eq!(heartbeat_state_after_20s(H::busy("S-1")), Json::str("busy"));
}

#[test]
fn heartbeat_carries_leave_while_resting() {
    assert_eq!(heartbeat_state_after_20s(H::leave()), Json::str("leave"));
}

#[test]
fn heartbeat_carries_wait_while_ringing() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    assert_eq!(heartbeat_state_after_20s(h), Json::str("wait"));
}

#[test]
fn heartbeat_follows_the_state_as_it_changes() {
    let mut h = H::ready();
    h.advance(20_000.0);
    assert_eq!(
        body(&h, "agent/heartbeat").get("state"),
        Some(&Json::str("ready"))
    );
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Answer, "\"S-1\"");
    h.ok("call/answer");
    h.reply_exe("start", true, "{}");
    h.input(Input::PushPing);
    h.advance(20_000.0);
    assert_eq!(
        body(&h, "agent/heartbeat").get("state"),
        Some(&Json::str("busy"))
    );
    h.call(Method::HangUp, "\"S-1\"");
    h.ok("call/hangup");
    h.reply_exe("stop", true, "{}");
    h.call(Method::Rest, "null");
    h.ok("agent/state");
    h.input(Input::PushPing);
    h.advance(20_000.0);
    assert_eq!(h.http_count("agent/heartbeat"), 3);
    assert_eq!(
        body(&h, "agent/heartbeat").get("state"),
        Some(&Json::str("leave"))
    );
}

// ---- §3 recovery reports `leave` after `rest()` ----

fn recovers_into_leave(drop_link: fn(&mut H), restore: fn(&mut H)) {
    let mut h = H::leave();
    let ready_reports = |h: &H| {
        h.log
            .iter()
            .filter(|o| matches!(o, Output::Http(r) if r.url.ends_with("agent/state") && r.body["state"] == "ready"))
            .count()
    };
    let before_ready = ready_reports(&h);
    drop_link(&mut h);
    h.advance(5_500.0);
    assert_eq!(h.state(), State::Disconnected, "past the grace period");
    let states_before = h.http_count("agent/state");
    restore(&mut h);
    h.reply_http("session/current", r#"{"code":0,"msg":"ok","data":null}"#);
    assert_eq!(h.http_count("agent/state"), states_before + 1);
    let st = h.http_req("agent/state").unwrap();
    assert_eq!(
        st.body,
        Json::parse(r#"{"systemCode":"SYS","account":"a1","state":"leave"}"#).unwrap(),
        "the sync reports the rest the agent chose"
    );
    assert_eq!(h.state(), State::Disconnected, "until dispatch accepted");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Leave);
    assert_eq!(
        h.last_event(EventType::StateChange),
        Some(Json::parse(r#"{"state":"leave","from":"disconnected"}"#).unwrap())
    );
    assert_eq!(ready_reports(&h), before_ready, "never reported ready");
    // Still resting: back() works, rest() does not.
    let c = h.call(Method::Rest, "null");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    h.call(Method::Back, "null");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn recovery_after_a_push_outage_reports_leave_and_ends_in_leave() {
    recovers_into_leave(
        |h| {
            h.input(Input::PushDown {
                status: None,
                wrong_type: false,
            })
        },
        |h| h.input(Input::PushOpened),
    );
}

#[test]
fn recovery_after_an_exe_outage_reports_leave_and_ends_in_leave() {
    recovers_into_leave(
        |h| h.input(Input::ExeClosed { code: 1006 }),
        |h| {
            h.input(Input::ExeOpened);
            h.reply_exe("hello", true, "{}");
        },
    );
}

// ---- §3 a push that does not fit: 50200 while leave ----

#[test]
fn incoming_call_while_resting_is_unexpected_and_changes_nothing() {
    let mut h = H::leave();
    h.push(50200, "S-1", INCOMING);
    let out = h.take_quiet();
    assert_eq!(out.len(), 1, "one error and nothing else: {out:#?}");
    let Output::Error { error: e, .. } = &out[0] else {
        panic!("{out:#?}")
    };
    assert_eq!(e.code.as_str(), "UNEXPECTED_MESSAGE");
    let j = e.to_value::<Json>();
    assert_eq!(j.get("msgType"), Some(&Json::num(50200.0)));
    assert_eq!(j.get("sid"), Some(&Json::str("S-1")));
    assert_eq!(h.state(), State::Leave);
    assert_eq!(h.count_events(EventType::IncomingCall), 0);
    // Nothing was remembered: answering it is a wrong-state call.
    let c = h.call(Method::Answer, "\"S-1\"");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    assert_eq!(h.http_count("call/answer"), 0);
    h.take();
    // The asks are just as unexpected.
    for ask in [20100, 20200] {
        h.push(ask, "S-2", r#"{"from":"a2"}"#);
        assert_eq!(errors_of(&h.take_quiet()), ["UNEXPECTED_MESSAGE"], "{ask}");
    }
    assert_eq!(h.state(), State::Leave);
    assert_eq!(h.count_events(EventType::ExchangeCall), 0);
    assert_eq!(h.count_events(EventType::AddCall), 0);
}

// ---- §5 huge frames: "data longer than 1,048,576 characters: drop and report" ----
//
// The core measures the SSE `data` text of `Input::PushMessage` in UTF-16
// code units (JS string length), `machine/push.rs` `on_push_message`; the web
// layer (`src/web/sse.rs`) turns a longer string into `Input::PushOversized`
// before copying it, so both paths must agree on the limit.

const PREFIX: &str = r#"{"msgType":50203,"sid":"S-1","data":{"url":""#;
const SUFFIX: &str = r#""}}"#;

/// A 50203 push whose text is `fill` wrapped in the JSON around it.
fn videotape(fill: &str) -> String {
    format!("{PREFIX}{fill}{SUFFIX}")
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Pushes `text` (id "1") and returns (VIDEOTAPE url length in UTF-16 units
/// if one was emitted, error codes).
fn push_frame(text: &str) -> (Option<usize>, Vec<String>) {
    let mut h = H::ready();
    h.push_raw(Some("1"), text);
    let url = h
        .last_event(EventType::Videotape)
        .map(|d| utf16_len(d.get("url").unwrap().as_str().unwrap()));
    assert_eq!(h.state(), State::Ready);
    (url, h.errors())
}

#[test]
fn a_push_of_exactly_the_limit_is_accepted_one_more_unit_is_too_large() {
    let wrap = PREFIX.len() + SUFFIX.len();
    let fill = "u".repeat(MAX_FRAME_CHARS - wrap);
    let text = videotape(&fill);
    assert_eq!(utf16_len(&text), 1_048_576);
    assert_eq!(
        push_frame(&text),
        (Some(MAX_FRAME_CHARS - wrap), vec![]),
        "exactly 1,048,576 units: delivered whole"
    );
    let text = videotape(&format!("{fill}u"));
    assert_eq!(utf16_len(&text), 1_048_577);
    let mut h = H::ready();
    h.push_raw(Some("1"), &text);
    let out = h.take_quiet();
    assert_eq!(out.len(), 1, "dropped and reported once: {out:#?}");
    let Output::Error { error: e, .. } = &out[0] else {
        panic!("{out:#?}")
    };
    assert_eq!(e.code.as_str(), "TOO_LARGE");
    assert_eq!(e.to_value::<Json>().get("id"), Some(&Json::str("1")));
    assert!(e.msg.contains("1048577"), "{}", e.msg);
    assert_eq!(h.state(), State::Ready);
    // Its id counts as delivered: a replay is dropped silently.
    h.push_raw(Some("1"), &text);
    assert!(h.take_quiet().is_empty());
}

#[test]
fn the_limit_counts_utf16_units_not_utf8_bytes() {
    let wrap = PREFIX.len() + SUFFIX.len();
    // '中' is 1 UTF-16 unit but 3 UTF-8 bytes: ~3 MB of UTF-8, at the limit.
    let text = videotape(&"中".repeat(MAX_FRAME_CHARS - wrap));
    assert_eq!(utf16_len(&text), MAX_FRAME_CHARS);
    assert!(text.len() > 3 * (MAX_FRAME_CHARS - wrap));
    assert_eq!(push_frame(&text), (Some(MAX_FRAME_CHARS - wrap), vec![]));
    // A few units under the limit with mixed widths: accepted.
    let text = videotape(&format!(
        "{}{}",
        "é".repeat(1000),
        "中".repeat(MAX_FRAME_CHARS - wrap - 1010)
    ));
    assert_eq!(utf16_len(&text), MAX_FRAME_CHARS - 10);
    assert_eq!(push_frame(&text).1, Vec::<String>::new());
    // '😀' is 2 UTF-16 units (a surrogate pair) but one char: one unit over
    // the limit although it has only ~524k chars.
    let pad = if (MAX_FRAME_CHARS + 1 - wrap) % 2 == 1 {
        "x"
    } else {
        ""
    };
    let pairs = (MAX_FRAME_CHARS + 1 - wrap - pad.len()) / 2;
    let text = videotape(&format!("{pad}{}", "😀".repeat(pairs)));
    assert_eq!(utf16_len(&text), MAX_FRAME_CHARS + 1);
    assert!(text.chars().count() < MAX_FRAME_CHARS);
    assert_eq!(push_frame(&text), (None, vec!["TOO_LARGE".to_string()]));
    // ... and exactly at the limit with surrogate pairs: accepted.
    let pad = if (MAX_FRAME_CHARS - wrap) % 2 == 1 {
        "x"
    } else {
        ""
    };
    let pairs = (MAX_FRAME_CHARS - wrap - pad.len()) / 2;
    let text = videotape(&format!("{pad}{}", "😀".repeat(pairs)));
    assert_eq!(utf16_len(&text), MAX_FRAME_CHARS);
    assert_eq!(push_frame(&text), (Some(MAX_FRAME_CHARS - wrap), vec![]));
}

#[test]
fn an_oversized_push_reported_by_the_web_layer_is_one_too_large() {
    let mut h = H::ready();
    h.input(Input::PushOversized {
        id: Some("9".into()),
        len: MAX_FRAME_CHARS + 1,
    });
    let out = h.take_quiet();
    assert_eq!(errors_of(&out), ["TOO_LARGE"]);
    assert_eq!(out.len(), 1, "{out:#?}");
    h.input(Input::PushOversized {
        id: Some("9".into()),
        len: MAX_FRAME_CHARS + 1,
    });
    assert!(
        h.take_quiet().is_empty(),
        "a replayed id is dropped silently"
    );
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn an_exe_frame_measured_over_the_limit_is_one_too_large_and_not_read() {
    let mut h = H::busy("S-1");
    h.take();
    let big = |len| {
        Input::ExeText(frame_of(
            Json::parse(r#"{"event":"error","code":5,"msg":"x"}"#).unwrap(),
            len,
        ))
    };
    h.input(big(MAX_FRAME_CHARS + 1));
    let out = h.take_quiet();
    assert_eq!(errors_of(&out), ["TOO_LARGE"]);
    assert_eq!(out.len(), 1, "no EXE_EVENT for a dropped frame: {out:#?}");
    h.input(big(MAX_FRAME_CHARS));
    let out = h.take_quiet();
    assert!(
        errors_of(&out).is_empty(),
        "exactly the limit is read: {out:#?}"
    );
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(h.state(), State::Busy);
}

// ---- §4.4 unsolicited EXE frames → EXE_EVENT ----

#[test]
fn an_unsolicited_exe_error_is_one_exe_event_and_nothing_else() {
    for mut h in [H::busy("S-1"), H::ready()] {
        let state = h.state();
        h.take();
        h.input(Input::ExeText(frame(
            r#"{"event":"error","code":5,"msg":"x"}"#,
        )));
        let out = h.take_quiet();
        assert_eq!(
            out,
            vec![Output::Event {
                kind: EventType::ExeEvent,
                data: Json::parse(r#"{"event":"error","code":5,"msg":"x"}"#).unwrap()
            }],
            "the frame as sent, no error, no request"
        );
        assert_eq!(h.state(), state);
    }
}

#[test]
fn an_unsolicited_exe_frame_keeps_its_other_members() {
    let mut h = H::busy("S-1");
    h.take();
    h.input(Input::ExeText(frame(
        r#"{"event":"error","code":"E_CAM","msg":"摄像头被占用","device":{"id":2}}"#,
    )));
    assert_eq!(
        h.take_quiet(),
        vec![Output::Event {
            kind: EventType::ExeEvent,
            data: Json::parse(
                r#"{"event":"error","code":"E_CAM","msg":"摄像头被占用","device":{"id":2}}"#
            )
            .unwrap()
        }]
    );
}

// ---- §3 a failed EXE `start` during busy ----

#[test]
fn failed_exe_start_is_one_exe_event_and_one_error_and_hang_up_still_works() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Answer, "\"S-1\"");
    h.ok("call/answer");
    assert_eq!(h.state(), State::Busy);
    let id = h
        .exe_req("start")
        .unwrap()
        .get("id")
        .unwrap()
        .as_i64()
        .unwrap();
    let changes = h.count_events(EventType::StateChange);
    h.take();
    h.input(Input::ExeText(frame(&format!(
        r#"{{"id":{id},"ok":false,"code":7,"msg":"camera busy"}}"#
    ))));
    let out = h.take_quiet();
    assert_eq!(out.len(), 2, "EXE_EVENT + error, nothing else: {out:#?}");
    let Output::Event {
        kind: EventType::ExeEvent,
        data,
    } = &out[0]
    else {
        panic!("{out:#?}")
    };
    assert_eq!(data.get("code"), Some(&Json::num(7.0)));
    assert_eq!(data.get("msg"), Some(&Json::str("camera busy")));
    assert_eq!(errors_of(&out), ["EXE_ERROR"]);
    assert_eq!(h.state(), State::Busy, "the call stays busy");
    assert_eq!(h.count_events(EventType::StateChange), changes);
    // The EXE link itself is fine: no EXE_LINK_LOST, no reconnect.
    assert!(!h.log.contains(&Output::CloseExe));
    // The agent can still hang up.
    let c = h.call(Method::HangUp, "\"S-1\"");
    assert!(h.http_req("call/hangup").is_some());
    h.ok("call/hangup");
    assert!(matches!(h.settled(c), Some(Ok(_))));
    assert_eq!(h.state(), State::Ready);
    assert_eq!(
        h.exe_req("stop").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
}

#[test]
fn failed_exe_start_after_recovery_stays_busy_too() {
    // Same rule for the start that follows a RECOVERY_CALL.
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, "{}");
    h.reply_http(
        "session/current",
        r#"{"code":0,"msg":"ok","data":{"sid":"S-9","role":"owner","streams":{"pushUrl":"p"}}}"#,
    );
    assert_eq!(h.state(), State::Busy);
    h.take();
    h.reply_exe("start", false, "null");
    let out = h.take_quiet();
    assert_eq!(errors_of(&out), ["EXE_ERROR"]);
    assert_eq!(
        out.iter()
            .filter(|o| matches!(
                o,
                Output::Event {
                    kind: EventType::ExeEvent,
                    ..
                }
            ))
            .count(),
        1
    );
    assert_eq!(h.state(), State::Busy);
    h.call(Method::HangUp, "\"S-9\"");
    h.ok("call/hangup");
    assert_eq!(h.state(), State::Ready);
}
