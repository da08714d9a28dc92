//! `Input::PushRead` (the browser's push reader, D66) is handled exactly like
//! `Input::PushMessage` of the same text: two agents fed the same flows, one
//! through each input, produce the same outputs, and a trace records the
//! reader's input as an ordinary push text.

mod common;

use common::*;
use rtv_core::facts::PushFacts;
use rtv_core::trace::{input_value, Trace};
use rtv_core::{Frame, Input};

/// The input the browser's fast path makes of `text`: the facts read from it
/// (what `readPush` reports; the browser tests hold the two together), and a
/// frame with the text only.
fn read(id: Option<&str>, text: &str) -> Input<Json> {
    let f = frame(text);
    Input::PushRead {
        id: id.map(str::to_string),
        facts: Box::new(PushFacts::read(f.value.clone())),
        data: Frame {
            value: None,
            text: f.text,
            len: f.len,
        },
    }
}

fn message(id: Option<&str>, text: &str) -> Input<Json> {
    Input::PushMessage {
        id: id.map(str::to_string),
        data: frame(text),
    }
}

/// Pushes of every kind the checks tell apart, valid or not, with repeats.
fn flow() -> Vec<(Option<&'static str>, String)> {
    let p =
        |t: i64, sid: &str, data: &str| format!(r#"{{"msgType":{t},"sid":"{sid}","data":{data}}}"#);
    vec![
        (Some("1"), p(50200, "S-1", INCOMING)),
        (Some("1"), p(50200, "S-1", INCOMING)),
        (Some("2"), p(50203, "S-1", r#"{"url":"http://r/1"}"#)),
        (Some("3"), p(50204, "S-1", r#"{"url":5}"#)),
        (Some("4"), "not json".to_string()),
        (Some("5"), "[1,2]".to_string()),
        (
            Some("6"),
            r#"{"msgType":"50200","sid":"S-2","data":{}}"#.to_string(),
        ),
        (
            Some("7"),
            r#"{"msgType":50200.5,"sid":"S-2","data":{}}"#.to_string(),
        ),
        (
            Some("8"),
            r#"{"msgType":12345,"sid":"S-2","data":{}}"#.to_string(),
        ),
        (
            Some("9"),
            r#"{"msgType":50200,"sid":"","data":{}}"#.to_string(),
        ),
        (
            Some("10"),
            r#"{"msgType":50200,"sid":"S-2","data":[]}"#.to_string(),
        ),
        (Some("11"), p(20100, "S-1", r#"{"from":1}"#)),
        (None, p(30017, "S-9", "{}")),
        (Some("abc"), p(30017, "S-1", "{}")),
        (Some("abc"), p(30017, "S-1", "{}")),
        (Some("12"), r#"{"msgType":50203,"sid":"S-1"}"#.to_string()),
        (Some("13"), p(50200, "S-3", STREAMS)),
    ]
}

#[test]
fn the_reader_input_behaves_like_the_message_input() {
    let mut a = H::ready();
    let mut b = H::ready();
    for (id, text) in flow() {
        a.input(message(id, &text));
        b.input(read(id, &text));
        assert_eq!(a.take(), b.take(), "after {text}");
        assert_eq!(a.state(), b.state());
    }
}

#[test]
fn a_trace_records_the_reader_input_as_a_push_text() {
    let cfg = opts("");
    let text = r#"{"msgType":50203,"sid":"S-1","data":{"url":"u"}}"#;
    let mut t: Trace<Json> = Trace::new(0.0, 1, "test", &cfg, None);
    let handed = t.take(5.0, read(Some("7"), text));
    match &handed {
        Input::PushRead { data, facts, .. } => {
            assert!(
                data.text.is_null(),
                "the text moved into the trace, not copied"
            );
            assert!(facts.payload.is_some(), "the facts go on to the core");
        }
        other => panic!("the core gets the input as it came, not {other:?}"),
    }
    let mut u: Trace<Json> = Trace::new(0.0, 1, "test", &cfg, None);
    u.take(5.0, message(Some("7"), text));
    assert_eq!(t.to_value(), u.to_value());
    assert_eq!(
        input_value(&read(Some("7"), text)),
        input_value(&message(Some("7"), text))
    );
}
