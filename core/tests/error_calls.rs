//! Whose is an error (docs/DECISIONS.md D100): `Output::Error` names the
//! method calls it is the failure of, so that a tab group reports it to the
//! tab that called only. A call's failure names that call (also when it
//! comes later: an HTTP error or timeout of its command, an EXE snapshot
//! that failed or was cut off), once for every call it settles, and comes
//! before their rejections; the agent's and the links' errors name none.

mod common;

use common::{frame, Output, H, INCOMING};
use rtv_core::{CallId, HttpOutcome, Input, Method};

/// Every error reported so far: its code and the calls it names.
fn errors(h: &H) -> Vec<(String, Vec<CallId>)> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::Error { error, calls } => {
                Some((error.code.as_str().to_string(), calls.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Asserts that the last error names `calls` and comes before each of their rejections.
fn last_error_names(h: &H, code: &str, calls: &[CallId]) {
    let at = h
        .log
        .iter()
        .rposition(|o| matches!(o, Output::Error { .. }))
        .expect("an error");
    let Output::Error {
        error,
        calls: named,
    } = &h.log[at]
    else {
        unreachable!()
    };
    assert_eq!(
        (error.code.as_str(), named.as_slice()),
        (code, calls),
        "{:#?}",
        h.log
    );
    for c in calls {
        let settled = h
            .log
            .iter()
            .position(|o| matches!(o, Output::Settle { call, result: Err(_) } if call == c));
        assert!(
            settled.is_some_and(|s| s > at),
            "call {c} rejected after its error"
        );
    }
}

#[test]
fn a_local_failure_names_its_call() {
    let mut h = H::ready();
    let a = h.call(Method::Answer, r#""S-9""#);
    last_error_names(&h, "INVALID_STATE", &[a]);
    let b = h.call(Method::AskChangePerson, r#"{"sid":"S-9"}"#);
    last_error_names(&h, "INVALID_ARGUMENT", &[b]);
    // A double click that fails fails twice, each error naming its own call.
    let c = h.call(Method::Back, "null");
    let d = h.call(Method::Back, "null");
    let tail: Vec<_> = errors(&h).into_iter().skip(2).collect();
    assert_eq!(
        tail,
        vec![
            ("INVALID_STATE".to_string(), vec![c]),
            ("INVALID_STATE".to_string(), vec![d])
        ]
    );
}

#[test]
fn an_http_failure_names_every_call_it_settles_once() {
    for (outcome, code) in [
        (
            HttpOutcome::Response {
                status: 502,
                body: frame("bad gateway"),
            },
            "HTTP_ERROR",
        ),
        (HttpOutcome::NetworkError("reset".into()), "HTTP_ERROR"),
        (HttpOutcome::Timeout, "TIMEOUT"),
    ] {
        let mut h = H::ready();
        h.push(50200, "S-1", INCOMING);
        // A double click (two tabs, say): one request, two calls.
        let a = h.call(Method::Answer, r#""S-1""#);
        let b = h.call(Method::Answer, r#""S-1""#);
        assert_eq!(h.http_count("call/answer"), 1);
        let before = errors(&h).len();
        h.http_outcome("call/answer", outcome);
        assert_eq!(errors(&h).len(), before + 1, "reported once");
        last_error_names(&h, code, &[a, b]);
    }
}

#[test]
fn a_presence_call_that_fails_names_its_call() {
    let mut h = H::ready();
    let a = h.call(Method::Rest, "null");
    h.http_outcome("agent/state", HttpOutcome::Timeout);
    last_error_names(&h, "TIMEOUT", &[a]);
}

#[test]
fn a_business_refusal_is_no_error() {
    let mut h = H::busy("S-1");
    let before = errors(&h).len();
    h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    h.reply_http("change/ask", r#"{"code":300003,"data":null}"#);
    assert_eq!(errors(&h).len(), before);
}

#[test]
fn a_snapshot_that_fails_names_its_calls() {
    let mut h = H::busy("S-1");
    let a = h.call(Method::Snapshot, "null");
    let b = h.call(Method::Snapshot, "null");
    let id = h.exe_req("snapshot").unwrap().get("id").cloned().unwrap();
    h.input(Input::ExeText(frame(&format!(
        r#"{{"id":{id},"ok":false,"code":500,"msg":"no camera"}}"#
    ))));
    last_error_names(&h, "EXE_ERROR", &[a, b]);
    // A reply without an image.
    let c = h.call(Method::Snapshot, "null");
    h.reply_exe("snapshot", true, "{}");
    last_error_names(&h, "BAD_MESSAGE", &[c]);
    // No video client: the call fails at once.
    h.input(Input::ExeClosed { code: 1006 });
    let d = h.call(Method::Snapshot, "null");
    last_error_names(&h, "EXE_LINK_LOST", &[d]);
}

#[test]
fn a_snapshot_cut_off_names_its_call_and_the_link_loss_is_the_agents() {
    let mut h = H::busy("S-1");
    let a = h.call(Method::Snapshot, "null");
    let before = errors(&h).len();
    h.input(Input::ExeClosed { code: 1006 });
    let new: Vec<_> = errors(&h).into_iter().skip(before).collect();
    assert!(
        new.contains(&("EXE_LINK_LOST".to_string(), vec![a])),
        "the snapshot's failure: {new:?}"
    );
    assert!(
        new.contains(&("EXE_LINK_LOST".to_string(), vec![])),
        "the link's loss, every tab's: {new:?}"
    );
    // An EXE that does not answer in time.
    let mut h = H::busy("S-1");
    let b = h.call(Method::Snapshot, "null");
    h.advance(60_000.0);
    let timeouts: Vec<_> = errors(&h)
        .into_iter()
        .filter(|(code, _)| code == "TIMEOUT")
        .collect();
    assert_eq!(timeouts, vec![("TIMEOUT".to_string(), vec![b])]);
}

#[test]
fn the_agents_and_the_links_errors_name_no_call() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    let a = h.call(Method::Answer, r#""S-1""#);
    h.ok("call/answer");
    assert!(matches!(h.settled(a), Some(Ok(_))));
    // The answer succeeded; the video client then failed to start: the agent's.
    h.input(Input::ExeText(frame(&format!(
        r#"{{"id":{},"ok":false,"msg":"no camera"}}"#,
        h.exe_req("start").unwrap().get("id").unwrap()
    ))));
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    h.input(Input::ExeText(frame("not json")));
    let all = errors(&h);
    assert!(all.len() >= 3, "{all:?}");
    assert!(all.iter().all(|(_, calls)| calls.is_empty()), "{all:?}");
}
