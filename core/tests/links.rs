//! Link faults: backoff, grace period, exactly-once across reconnects, ping
//! watchdog, heartbeats, EXE silence and restart, hostile push input.

mod common;
use common::{frame, Json, JsonExt, Output, H, INCOMING};
use rtv_core::{EventType, Input, Method, State, MAX_FRAME_CHARS};

fn opens(out: &[Output]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            Output::OpenPush { url } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn push_retries_at_once_then_backs_off_with_cap() {
    let mut h = H::ready();
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    assert_eq!(opens(&h.take()).len(), 1, "first retry at once");
    let mut last = h.now;
    let mut gaps = Vec::new();
    for _ in 0..12 {
        h.input(Input::PushDown {
            status: Some(503),
            wrong_type: false,
        });
        let t0 = h.now;
        // step until the next open
        loop {
            h.advance(50.0);
            if !opens(&h.take()).is_empty() {
                break;
            }
            assert!(h.now - t0 <= 30_050.0, "cap is 30 s");
        }
        gaps.push(h.now - t0);
        last = h.now.max(last);
    }
    assert!(gaps.iter().any(|g| *g > 2_000.0), "grows: {gaps:?}");
    assert_eq!(
        h.errors().iter().filter(|e| *e == "PUSH_LINK_LOST").count(),
        1,
        "one error per outage"
    );
    h.input(Input::PushOpened);
    h.advance(11_000.0);
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    assert_eq!(
        opens(&h.take()).len(),
        1,
        "backoff reset after a stable link"
    );
}

#[test]
fn resubscribe_passes_last_event_id_and_drops_replays() {
    let mut h = H::ready();
    h.push_raw(
        Some("7"),
        &format!(r#"{{"msgType":50200,"sid":"S-1","data":{INCOMING}}}"#),
    );
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    let url = opens(&h.take()).pop().unwrap();
    assert!(url.ends_with("&lastEventId=7"), "{url}");
    h.input(Input::PushOpened);
    // the server replays 7 (overlap) and sends 8
    h.push_raw(
        Some("7"),
        &format!(r#"{{"msgType":50200,"sid":"S-1","data":{INCOMING}}}"#),
    );
    h.push_raw(Some("8"), r#"{"msgType":30017,"sid":"S-1","data":{}}"#);
    h.push_raw(Some("8"), r#"{"msgType":30017,"sid":"S-1","data":{}}"#);
    assert_eq!(h.count_events(EventType::IncomingCall), 1);
    assert_eq!(h.count_events(EventType::IncomingCallHangup), 1);
    assert!(
        h.errors().iter().all(|e| e == "PUSH_LINK_LOST"),
        "{:?}",
        h.errors()
    );
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn short_outage_changes_nothing_long_one_recovers_with_sync() {
    let mut h = H::busy("S-1");
    let changes = h.count_events(EventType::StateChange);
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.advance(3_000.0);
    h.input(Input::PushOpened);
    h.advance(10_000.0);
    assert_eq!(
        h.count_events(EventType::StateChange),
        changes,
        "no state change inside grace"
    );
    assert_eq!(h.state(), State::Busy);
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.advance(6_000.0);
    assert_eq!(h.state(), State::Disconnected);
    let before = h.http_count("session/current");
    h.input(Input::PushOpened);
    assert_eq!(h.http_count("session/current"), before + 1);
    h.reply_http(
        "session/current",
        r#"{"code":0,"data":{"sid":"S-1","role":"owner","streams":{"pushUrl":"p"}}}"#,
    );
    assert_eq!(h.state(), State::Busy);
    assert_eq!(h.count_events(EventType::RecoveryCall), 1);
    assert!(h.exe_count("start") >= 2, "streams restarted");
}

#[test]
fn stalled_push_channel_is_reopened_after_45s_without_ping() {
    let mut h = H::ready();
    for _ in 0..4 {
        h.advance(15_000.0);
        h.input(Input::PushPing);
    }
    assert!(opens(&h.take()).is_empty(), "pings keep it alive");
    h.advance(44_000.0);
    assert!(opens(&h.take()).is_empty());
    h.advance(1_500.0);
    let out = h.take();
    assert!(out.contains(&Output::ClosePush));
    assert_eq!(opens(&out).len(), 1);
}

#[test]
fn heartbeat_every_20s_and_driven_by_pings_when_timers_are_throttled() {
    let mut h = H::ready();
    h.advance(40_000.0);
    assert_eq!(
        h.http_count("agent/heartbeat"),
        2,
        "timer-driven at 20 s and 40 s"
    );
    h.input(Input::PushPing);
    let hb = h.http_req("agent/heartbeat").unwrap();
    assert_eq!(hb.body.get("state"), Some(&Json::str("ready")));
    // A hidden tab: the timer never fires, but pings arrive every 15 s.
    let n = h.http_count("agent/heartbeat");
    for _ in 0..8 {
        h.now += 15_000.0;
        h.input(Input::PushPing);
    }
    assert!(
        h.http_count("agent/heartbeat") >= n + 5,
        "{}",
        h.http_count("agent/heartbeat")
    );
}

#[test]
fn exe_silence_closes_and_reconnects_then_restarts_streams() {
    let mut h = H::busy("S-1");
    h.call(Method::Snapshot, "null");
    h.advance(10_001.0);
    assert!(h.log.contains(&Output::CloseExe));
    assert_eq!(
        h.last_event(EventType::ExeEvent).unwrap().get("code"),
        Some(&Json::str("EXE_LINK_LOST"))
    );
    assert!(h.errors().contains(&"TIMEOUT".to_string()));
    assert_eq!(h.state(), State::Busy);
    let starts = h.exe_count("start");
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, "{}");
    assert_eq!(
        h.last_event(EventType::ExeEvent).unwrap().get("code"),
        Some(&Json::str("EXE_LINK_RESTORED"))
    );
    assert_eq!(
        h.exe_count("start"),
        starts + 1,
        "start again for the current session"
    );
    assert_eq!(
        h.exe_req("start").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
}

#[test]
fn exe_garbage_and_unknown_replies_are_reported_once_each() {
    let mut h = H::busy("S-1");
    h.input(Input::ExeText(frame("not json")));
    h.input(Input::ExeText(frame(r#"{"id":999,"ok":true}"#)));
    h.input(Input::ExeText(frame(
        r#"{"event":"stream","sid":"S-1","status":"failed"}"#,
    )));
    assert_eq!(h.errors(), vec!["BAD_MESSAGE", "UNKNOWN_REPLY"]);
    let ev = h.last_event(EventType::ExeEvent).unwrap();
    assert_eq!(ev.get("status"), Some(&Json::str("failed")));
    assert!(ev.get("code").is_some() && ev.get("msg").is_some());
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn failed_exe_start_is_reported_and_call_stays_busy() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    h.call(Method::Answer, "\"S-1\"");
    h.ok("call/answer");
    let id = h
        .exe_req("start")
        .unwrap()
        .get("id")
        .unwrap()
        .as_i64()
        .unwrap();
    h.input(Input::ExeText(frame(&format!(
        r#"{{"id":{id},"ok":false,"code":7,"msg":"camera busy"}}"#
    ))));
    assert_eq!(h.state(), State::Busy);
    assert_eq!(
        h.last_event(EventType::ExeEvent).unwrap().get("code"),
        Some(&Json::num(7.0))
    );
    assert!(h.errors().contains(&"EXE_ERROR".to_string()));
    h.call(Method::HangUp, "\"S-1\"");
    h.ok("call/hangup");
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn hostile_push_input_is_one_error_each_and_changes_nothing() {
    let mut h = H::ready();
    let cases = [
        ("{", "BAD_MESSAGE"),
        (
            r#"{"msgType":"50200","sid":"S-1","data":{}}"#,
            "BAD_MESSAGE",
        ),
        (
            r#"{"msgType":99999,"sid":"S-1","data":{}}"#,
            "UNKNOWN_MSG_TYPE",
        ),
        (r#"{"msgType":50200,"data":{}}"#, "BAD_MESSAGE"),
        (r#"[1,2,3]"#, "BAD_MESSAGE"),
        (
            r#"{"msgType":30017,"sid":"S-X","data":{}}"#,
            "UNEXPECTED_MESSAGE",
        ),
        (
            r#"{"msgType":20101,"sid":"S-X","data":{"newer":"b"}}"#,
            "UNEXPECTED_MESSAGE",
        ),
    ];
    for (i, (text, _)) in cases.iter().enumerate() {
        h.push_raw(Some(&(100 + i).to_string()), text);
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    h.push_raw(Some("200"), &deep);
    let huge = format!(
        r#"{{"msgType":50203,"sid":"S","data":{{"url":"{}"}}}}"#,
        "x".repeat(MAX_FRAME_CHARS)
    );
    h.push_raw(Some("201"), &huge);
    h.input(Input::PushOversized {
        id: Some("202".into()),
        len: 2 << 20,
    });
    let mut want: Vec<&str> = cases.iter().map(|(_, c)| *c).collect();
    want.extend(["BAD_MESSAGE", "TOO_LARGE", "TOO_LARGE"]);
    assert_eq!(h.errors(), want);
    assert_eq!(h.state(), State::Ready);
    assert_eq!(h.count_events(EventType::StateChange), 1);
    // 50200 while busy or leave is unexpected too
    let mut h = H::busy("S-1");
    h.push(50200, "S-2", INCOMING);
    assert_eq!(h.errors(), vec!["UNEXPECTED_MESSAGE"]);
    assert_eq!(h.state(), State::Busy);
}

#[test]
fn recordings_and_images_arrive_in_any_state() {
    let mut h = H::ready();
    h.push(50203, "S-1", r#"{"url":"http://x/rec.mp4"}"#);
    h.push(50204, "S-1", r#"{"url":"http://x/img.png"}"#);
    assert_eq!(
        h.last_event(EventType::Videotape).unwrap().get("url"),
        Some(&Json::str("http://x/rec.mp4"))
    );
    assert_eq!(
        h.last_event(EventType::Image).unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
    assert!(h.errors().is_empty());
}
