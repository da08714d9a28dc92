//! What makes a push frame well-formed (SPEC §4.1, §5), one rule per test,
//! written for the survivors of a mutation run (docs/mutants.md).

mod common;

use common::H;
use rtv_core::{EventType, Input, State};

fn bad_once(h: &mut H, frame: &str) {
    let before_events = h.events().len();
    let before_errors = h.errors().len();
    // A fresh id each time: a repeated id would be dropped as a replay.
    let id = (900 + h.log.len()).to_string();
    h.push_raw(Some(&id), frame);
    assert_eq!(
        h.errors()[before_errors..],
        ["BAD_MESSAGE".to_string()],
        "{frame}"
    );
    assert_eq!(h.events().len(), before_events, "no event for {frame}");
}

#[test]
fn an_empty_sid_is_a_bad_message() {
    let mut h = H::ready();
    bad_once(&mut h, r#"{"msgType":50203,"sid":"","data":{"url":"u"}}"#);
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn asks_need_from_and_answers_need_newer() {
    for code in [20100, 20103, 20200, 20204] {
        let mut h = H::ready();
        bad_once(
            &mut h,
            &format!(r#"{{"msgType":{code},"sid":"S-1","data":{{"newer":"a2"}}}}"#),
        );
        bad_once(
            &mut h,
            &format!(r#"{{"msgType":{code},"sid":"S-1","data":{{"from":7}}}}"#),
        );
        assert_eq!(h.state(), State::Ready);
    }
    for code in [20101, 20102, 20201, 20202, 20203] {
        let mut h = H::busy("S-1");
        bad_once(
            &mut h,
            &format!(r#"{{"msgType":{code},"sid":"S-1","data":{{"from":"a2"}}}}"#),
        );
        assert_eq!(h.state(), State::Busy);
    }
}

#[test]
fn non_numeric_ids_are_delivered_once() {
    let mut h = H::ready();
    let img = |h: &mut H, id: &str| {
        h.push_raw(
            Some(id),
            r#"{"msgType":50204,"sid":"S-1","data":{"url":"u"}}"#,
        )
    };
    img(&mut h, "a-1");
    img(&mut h, "b-2");
    img(&mut h, "a-1");
    img(&mut h, "c-3");
    assert_eq!(h.count_events(EventType::Image), 3);
    assert!(h.errors().is_empty());
}

#[test]
fn finished_only_after_the_end() {
    let mut h = H::ready();
    assert!(!h.agent.is_finished());
    h.input(Input::Destroy);
    assert!(h.agent.is_finished());
}
