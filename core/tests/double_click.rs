//! Which calls join a request in flight (D16: same method and same arguments;
//! `rest`/`back` by method) and which ring each `wait` method needs (SPEC §1
//! method table). Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{frame, Json, JsonExt, Output, H, INCOMING};
use rtv_core::{HttpOutcome, Input, Method, State};

#[test]
fn rest_twice_sends_one_presence_and_settles_both() {
    let mut h = H::ready();
    let before = h.http_count("agent/state");
    let a = h.call(Method::Rest, "null");
    let b = h.call(Method::Rest, "null");
    assert_eq!(h.http_count("agent/state"), before + 1);
    assert_eq!(h.settled(b), None, "waits for the request in flight");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Leave);
    assert!(matches!(h.settled(a), Some(Ok(_))));
    assert_eq!(h.settled(a), h.settled(b));
    assert!(h.errors().is_empty(), "{:?}", h.errors());
}

#[test]
fn back_twice_sends_one_presence_and_settles_both() {
    let mut h = H::leave();
    let before = h.http_count("agent/state");
    let a = h.call(Method::Back, "null");
    let b = h.call(Method::Back, "null");
    assert_eq!(h.http_count("agent/state"), before + 1);
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    assert!(matches!(h.settled(a), Some(Ok(_))));
    assert_eq!(h.settled(a), h.settled(b));
}

#[test]
fn a_failed_double_click_is_reported_once() {
    let mut h = H::ready();
    let a = h.call(Method::Rest, "null");
    let b = h.call(Method::Rest, "null");
    h.http_outcome("agent/state", HttpOutcome::NetworkError("down".into()));
    assert_eq!(h.rejected_code(a), Json::str("HTTP_ERROR"));
    assert_eq!(h.settled(a), h.settled(b));
    assert_eq!(h.errors(), ["HTTP_ERROR"]);
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn another_method_does_not_join_a_presence_in_flight() {
    let mut h = H::ready();
    let before = h.http_count("agent/state");
    let rest = h.call(Method::Rest, "null");
    // Not allowed in `ready`: fails at once, it does not wait for `rest()`.
    let c = h.call(Method::HangUp, r#""S-1""#);
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    let c = h.call(Method::Back, "null");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    let c = h.call(Method::Snapshot, "null");
    assert_eq!(h.rejected_code(c), Json::str("INVALID_STATE"));
    h.ok("agent/state");
    assert!(matches!(h.settled(rest), Some(Ok(_))));
    assert_eq!(h.http_count("agent/state"), before + 1);
}

#[test]
fn same_arguments_but_another_method_is_its_own_request() {
    let mut h = H::ready();
    h.push(50200, "S-1", INCOMING);
    let answer = h.call(Method::Answer, r#""S-1""#);
    let refuse = h.call(Method::Refuse, r#""S-1""#);
    assert_eq!(h.http_count("call/answer"), 1);
    assert_eq!(h.http_count("call/refuse"), 1, "refuse is not an answer");
    h.ok("call/refuse");
    assert_eq!(h.state(), State::Ready);
    assert!(matches!(h.settled(refuse), Some(Ok(_))));
    assert_eq!(h.settled(answer), None);
}

#[test]
fn same_method_but_other_arguments_is_its_own_request() {
    let mut h = H::busy("S-1");
    let a2 = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    let a3 = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a3"}"#);
    assert_eq!(h.http_count("change/ask"), 2);
    let body = h.http_req("change/ask").unwrap().body;
    assert_eq!(body["newer"], "a3", "{body}");
    h.reply_http(
        "change/ask",
        r#"{"code":400001,"msg":"操作失败,正在切换坐席中","data":null}"#,
    );
    assert_eq!(h.rejected_code(a3), Json::num(400001.0));
    assert_eq!(h.settled(a2), None, "a2's ask is still in flight");
    // The same arguments again join the first ask.
    let again = h.call(Method::AskChangePerson, r#"{"sid":"S-1","newer":"a2"}"#);
    assert_eq!(h.http_count("change/ask"), 2);
    let first = h
        .log
        .iter()
        .find_map(|o| match o {
            Output::Http(r) if r.url.ends_with("change/ask") => Some(r.id),
            _ => None,
        })
        .unwrap();
    h.input(Input::Http {
        id: first,
        outcome: HttpOutcome::Response {
            status: 200,
            body: frame(r#"{"code":0,"msg":"ok","data":null}"#),
        },
    });
    assert!(matches!(h.settled(a2), Some(Ok(_))));
    assert_eq!(h.settled(a2), h.settled(again));
}

#[test]
fn wait_methods_need_their_own_kind_of_ring() {
    let wait_methods = [
        (Method::Answer, "call/answer", r#""S-1""#, "incoming"),
        (Method::Refuse, "call/refuse", r#""S-1""#, "incoming"),
        (
            Method::AcceptChangePerson,
            "change/accept",
            r#"{"sid":"S-1"}"#,
            "exchange",
        ),
        (
            Method::RefuseChangePerson,
            "change/refuse",
            r#"{"sid":"S-1"}"#,
            "exchange",
        ),
        (
            Method::AcceptAddPerson,
            "add/accept",
            r#"{"sid":"S-1"}"#,
            "add",
        ),
        (
            Method::RefuseAddPerson,
            "add/refuse",
            r#"{"sid":"S-1"}"#,
            "add",
        ),
    ];
    for (code, ring, data) in [
        (50200, "incoming", INCOMING),
        (20100, "exchange", r#"{"from":"a9"}"#),
        (20200, "add", r#"{"from":"a9"}"#),
    ] {
        for (m, path, arg, needs) in wait_methods {
            let mut h = H::ready();
            h.push(code, "S-1", data);
            assert_eq!(h.state(), State::Wait);
            let c = h.call(m, arg);
            if needs == ring {
                assert_eq!(h.settled(c), None, "{m:?} while ringing {ring}");
                assert_eq!(h.http_count(path), 1, "{m:?} while ringing {ring}");
            } else {
                assert_eq!(
                    h.rejected_code(c),
                    Json::str("INVALID_STATE"),
                    "{m:?} while ringing {ring}"
                );
                assert_eq!(h.http_count(path), 0, "{m:?} while ringing {ring}");
                assert_eq!(h.state(), State::Wait);
            }
        }
    }
}
