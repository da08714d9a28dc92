//! EXE requests carry distinct ids and each reply settles the request with
//! that id (SPEC §4.4). Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{frame, Json, JsonExt, Output, H};
use rtv_core::{Input, Method};

fn exe_ids(h: &H) -> Vec<i64> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::ExeSend(j) => j.get("id").and_then(Json::as_i64),
            _ => None,
        })
        .collect()
}

#[test]
fn request_ids_count_up_from_one() {
    let mut h = H::busy("S-1");
    h.call(Method::Snapshot, r#""pusher""#);
    h.call(Method::Snapshot, r#""player""#);
    // hello, start, snapshot, snapshot
    assert_eq!(exe_ids(&h), [1, 2, 3, 4]);
}

#[test]
fn each_reply_settles_its_own_request() {
    let mut h = H::busy("S-1");
    let pusher = h.call(Method::Snapshot, r#""pusher""#);
    let player = h.call(Method::Snapshot, r#""player""#);
    // The EXE answers the second request first.
    h.reply_exe("snapshot", true, r#"{"base64":"QUJD"}"#);
    let shot = h.settled(player).unwrap().unwrap();
    assert_eq!(shot.get("type"), Some(&Json::str("player")));
    assert_eq!(h.settled(pusher), None);
    h.input(Input::ExeText(frame(
        r#"{"id":3,"ok":true,"data":{"base64":"REVG"}}"#,
    )));
    let shot = h.settled(pusher).unwrap().unwrap();
    assert_eq!(shot.get("type"), Some(&Json::str("pusher")));
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}

#[test]
fn start_waits_for_the_exe_link() {
    let mut h = H::ready();
    h.push(50200, "S-1", common::INCOMING);
    h.input(Input::ExeClosed { code: 1006 });
    h.call(Method::Answer, r#""S-1""#);
    h.ok("call/answer");
    assert_eq!(h.state(), rtv_core::State::Busy, "within the grace period");
    assert_eq!(h.exe_count("start"), 0, "nothing is sent on a closed link");
    // The link comes back: one `start`, after `hello`.
    h.advance(0.0);
    h.input(Input::ExeOpened);
    assert_eq!(h.exe_count("start"), 0);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    assert_eq!(h.exe_count("start"), 1);
    assert_eq!(
        h.exe_req("start").unwrap().get("sid"),
        Some(&Json::str("S-1"))
    );
}

fn reply_raw(h: &mut H, cmd: &str, rest: &str) {
    let id = h.exe_req(cmd).unwrap().get("id").unwrap().as_i64().unwrap();
    h.input(Input::ExeText(frame(&format!(r#"{{"id":{id},{rest}}}"#))));
}

#[test]
fn a_refused_hello_keeps_the_link_down() {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.take();
    reply_raw(&mut h, "hello", r#""ok":false,"code":7,"msg":"busy""#);
    let out = h.take();
    assert_eq!(h.errors(), ["EXE_ERROR", "EXE_LINK_LOST"]);
    assert!(out.contains(&Output::CloseExe), "{out:#?}");
    assert_eq!(
        h.http_count("session/current"),
        0,
        "no sync without the EXE"
    );
    assert_eq!(h.state(), rtv_core::State::Disconnected);
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Log { msg, .. } if msg == "EXE link up")),
        "{out:#?}"
    );
    // The link is retried: a new hello, then the sync.
    h.advance(0.0);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    assert_eq!(h.http_count("session/current"), 1);
}

#[test]
fn stop_failures_are_reported_and_successes_are_not() {
    let mut h = H::busy("S-1");
    h.call(Method::HangUp, r#""S-1""#);
    h.ok("call/hangup");
    reply_raw(&mut h, "stop", r#""ok":true,"data":{}"#);
    assert!(h.errors().is_empty(), "{:?}", h.errors());

    let mut h = H::busy("S-1");
    h.call(Method::HangUp, r#""S-1""#);
    h.ok("call/hangup");
    reply_raw(
        &mut h,
        "stop",
        r#""ok":false,"code":9,"msg":"no such stream""#,
    );
    assert_eq!(h.errors(), ["EXE_ERROR"]);
    assert_eq!(h.state(), rtv_core::State::Ready);
}
