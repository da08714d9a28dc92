//! Fuzz of the input path. The browser parses every push `data`, EXE frame
//! and HTTP body once (`JSON.parse`) and hands the core the value with the
//! text's length, or the text when it is not JSON (`Frame`). Here random
//! values (wire-shaped members of every type, wide objects, long strings,
//! deep nesting), random texts and lying lengths go into the decoders and
//! into a connected agent: nothing panics, every bad input is reported
//! exactly once with the stable code its rules give (SPEC §4, §5), valid
//! ones reach the page intact, and the agent's invariants hold throughout.
//!
//! `PROPTEST_CASES=1000000 cargo test -p rtv-core --release --test fuzz_codec`
//! is the long run (`npm run fuzz`); the test suite uses the defaults below.
//! The heavy generators (wide objects, megabyte strings) run a fixed number
//! of cases whatever `PROPTEST_CASES` says.

mod common;

use std::fmt::Debug;
use std::time::Instant;

use common::{frame, frame_of, not_json, Json, JsonExt, H, INCOMING};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;
use rtv_core::codec::{snapshot_data_url, Envelope, ExeFrame, PushMsg};
use rtv_core::error::Extra;
use rtv_core::{
    ErrorCode, EventType, Frame, HttpOutcome, Input, Method, MsgType, Output, SdkError, Shape,
    State, Value, MAX_FRAME_CHARS,
};

// ---- the rules, written out independently of the codecs ----

/// Every `msgType` of SPEC §2.
const KNOWN: [i64; 18] = [
    50200, 30017, 30019, 30000, 20100, 20101, 20102, 20103, 50201, 50202, 50203, 50204, 30025,
    20200, 20201, 20202, 20203, 20204,
];
/// The hang-up codes: their event is `{sid, msgType}` only.
const HANG_UPS: [i64; 4] = [30000, 30017, 30019, 30025];

/// The member of `data` a push type needs, and its kind (SPEC §4.1).
fn needs(code: i64) -> Option<(&'static str, Shape)> {
    match code {
        50200..=50202 => Some(("streams", Shape::Obj)),
        50203 | 50204 => Some(("url", Shape::Str)),
        20100 | 20103 | 20200 | 20204 => Some(("from", Shape::Str)),
        20101 | 20102 | 20201 | 20202 | 20203 => Some(("newer", Shape::Str)),
        _ => None,
    }
}

/// An integer as the SDK reads it (`Value::as_i64`: exact integers only).
fn int(v: &Json) -> Option<i64> {
    <Json as Value>::as_i64(v)
}

/// What a push value must give: `(msgType, sid, data)` or the error code.
/// `msgType` decides first: a code we do not know is UNKNOWN_MSG_TYPE
/// whatever else the message holds.
fn push_verdict(v: &Json) -> Result<(i64, String, Json), ErrorCode> {
    let bad = ErrorCode::BadMessage;
    let o = v.as_object().ok_or(bad)?;
    let code = match o.get("msgType") {
        Some(n @ Json::Number(_)) => int(n).ok_or(bad)?,
        _ => return Err(bad),
    };
    if !KNOWN.contains(&code) {
        return Err(ErrorCode::UnknownMsgType);
    }
    let sid = match o.get("sid") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(bad),
    };
    let data = match o.get("data") {
        None | Some(Json::Null) => Json::obj::<&str>([]),
        Some(d @ Json::Object(_)) => d.clone(),
        Some(_) => return Err(bad),
    };
    if let Some((field, shape)) = needs(code) {
        if data.get(field).map(Value::shape) != Some(shape) {
            return Err(bad);
        }
    }
    Ok((code, sid, data))
}

#[derive(Debug, PartialEq)]
enum Exe {
    Reply { id: u64, ok: bool },
    Event,
}

/// What an EXE frame must give (SPEC §4.4): a reply has a non-negative
/// integer `id` and a boolean `ok`; anything else needs a string `event`.
fn exe_verdict(v: &Json) -> Result<Exe, ErrorCode> {
    let bad = ErrorCode::BadMessage;
    let o = v.as_object().ok_or(bad)?;
    if let Some(id) = o.get("id") {
        let id = int(id).filter(|n| *n >= 0).ok_or(bad)?;
        let ok = o.get("ok").and_then(Json::as_bool).ok_or(bad)?;
        return Ok(Exe::Reply { id: id as u64, ok });
    }
    match o.get("event") {
        Some(Json::String(_)) => Ok(Exe::Event),
        _ => Err(bad),
    }
}

/// What an HTTP body must give: `(code, msg, data)` of the envelope.
fn envelope_verdict(v: &Json) -> Result<(i64, Option<String>, Json), ErrorCode> {
    let bad = ErrorCode::BadResponse;
    let o = v.as_object().ok_or(bad)?;
    let code = o.get("code").and_then(int).ok_or(bad)?;
    let msg = match o.get("msg") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s.clone()).filter(|s| !s.is_empty()),
        Some(_) => return Err(bad),
    };
    Ok((code, msg, o.get("data").cloned().unwrap_or(Json::Null)))
}

/// A parsed frame of `v` with the length of its text in UTF-16 units.
fn parsed(v: Json) -> Frame<Json> {
    let len = v.to_string().encode_utf16().count();
    frame_of(v, len)
}

/// The payload a push event carries: `data` with `sid` and `msgType` set.
fn payload(code: i64, sid: &str, data: &Json) -> Json {
    let mut p = data.clone();
    p["sid"] = Json::str(sid);
    p["msgType"] = Json::from(code);
    p
}

// ---- the decoders against the rules ----

fn check_decoders(f: &Frame<Json>) -> Result<(), TestCaseError> {
    let text = f.value.is_none();
    let value = f.value.as_ref();
    // push
    let got = PushMsg::decode(f.clone());
    let want = value.map_or(Err(ErrorCode::BadMessage), push_verdict);
    match (&got, &want) {
        (Ok(m), Ok((code, sid, data))) => {
            prop_assert_eq!(m.msg_type, MsgType(*code));
            prop_assert_eq!(&m.sid(), sid);
            prop_assert_eq!(&m.data, &payload(*code, sid, data));
            prop_assert_eq!(m.payload(), payload(*code, sid, data));
        }
        (Err(e), Err(code)) => {
            prop_assert_eq!(e.code, *code, "{}", e.msg);
            prop_assert!(!e.msg.is_empty());
            if text {
                prop_assert_eq!(&e.msg, "push data is not JSON");
            }
            if e.code == ErrorCode::UnknownMsgType {
                let n = int(&value.unwrap()["msgType"]).unwrap() as f64;
                prop_assert_eq!(e.extra("msgType"), Some(&Extra::Num(n)));
            }
        }
        _ => prop_assert!(false, "push: got {:?}, want {:?}", got, want),
    }
    // EXE
    let got = ExeFrame::decode(f.clone());
    let want = value.map_or(Err(ErrorCode::BadMessage), exe_verdict);
    match (&got, &want) {
        (Ok(ExeFrame::Reply { id, ok, data, .. }), Ok(Exe::Reply { id: i, ok: o })) => {
            prop_assert_eq!((id, ok), (i, o));
            let v = value.unwrap();
            prop_assert_eq!(data, v.get("data").unwrap_or(&Json::Null));
        }
        (Ok(ExeFrame::Event(v)), Ok(Exe::Event)) => prop_assert_eq!(Some(v), value),
        (Err(e), Err(code)) => {
            prop_assert_eq!(e.code, *code, "{}", e.msg);
            if text {
                prop_assert_eq!(&e.msg, "EXE frame is not JSON");
            }
        }
        _ => prop_assert!(false, "EXE: got {:?}, want {:?}", got, want),
    }
    // HTTP envelope
    let got = Envelope::decode(f.clone());
    let want = value.map_or(Err(ErrorCode::BadResponse), envelope_verdict);
    match (&got, &want) {
        (Ok(env), Ok((code, msg, data))) => {
            prop_assert_eq!(env.code, *code);
            prop_assert_eq!(&env.msg, msg);
            prop_assert_eq!(&env.data, data);
        }
        (Err(e), Err(code)) => {
            prop_assert_eq!(e.code, *code, "{}", e.msg);
            if text {
                prop_assert!(e.msg.ends_with(": not JSON"), "{}", e.msg);
            }
        }
        _ => prop_assert!(false, "envelope: got {:?}, want {:?}", got, want),
    }
    Ok(())
}

// ---- generators ----

const NUMBERS: [f64; 20] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    2.0,
    3.0,
    7.0,
    12345.0,
    99999.0,
    300003.0,
    -20100.0,
    0.5,
    50200.5,
    30017.000001,
    4294967296.0,
    9.0e15,
    9.007199254740993e15,
    1e300,
    -1e300,
    5e-324,
];
const WORDS: [&str; 24] = [
    "",
    " ",
    "S-1",
    "S-2",
    "S-X",
    "a2",
    "a3",
    "50200",
    "null",
    "{}",
    "u",
    "http://x/r.mp4",
    "data:image/png;base64,",
    "data:image/jpeg;base64,/9j/",
    "iVBOR",
    "stream",
    "error",
    "playing",
    "张三",
    "😀",
    "\u{0}",
    "\u{feff}",
    "\"\\",
    "msgType",
];
const KEYS: [&str; 22] = [
    "msgType",
    "sid",
    "data",
    "streams",
    "url",
    "from",
    "newer",
    "id",
    "ok",
    "event",
    "code",
    "msg",
    "status",
    "customer",
    "pushUrl",
    "playUrls",
    "base64",
    "type",
    "__proto__",
    "constructor",
    "toString",
    "",
];

fn float(n: f64) -> Option<Json> {
    serde_json::Number::from_f64(n).map(Json::Number)
}

/// Numbers, integral ones both as integers and as floats (`JSON.parse`
/// does not tell `1` from `1.0`).
fn number() -> BoxedStrategy<Json> {
    prop_oneof![
        select(&KNOWN[..]).prop_map(Json::from),
        select(&NUMBERS[..]).prop_map(Json::num),
        select(&NUMBERS[..]).prop_filter_map("finite", float),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_filter_map("finite", float),
    ]
    .boxed()
}

fn string() -> BoxedStrategy<Json> {
    prop_oneof![
        3 => select(&WORDS[..]).prop_map(Json::str),
        1 => any::<String>().prop_map(Json::String),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(&KEYS[..]).prop_map(String::from),
        1 => any::<String>(),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number(),
        string(),
    ]
    .boxed()
}

/// Any value, a few levels deep.
fn any_value() -> BoxedStrategy<Json> {
    leaf()
        .prop_recursive(5, 40, 6, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Json::Array),
                vec((key(), inner), 0..6).prop_map(|kv| Json::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// `Some` eight times in nine.
fn opt(s: impl Strategy<Value = Json> + 'static) -> BoxedStrategy<Option<Json>> {
    prop_oneof![1 => Just(None), 8 => s.prop_map(Some)].boxed()
}

/// Mostly `good`, sometimes any string, sometimes any value.
fn mostly(good: &'static [&'static str]) -> BoxedStrategy<Json> {
    prop_oneof![
        6 => select(good).prop_map(Json::str),
        1 => string(),
        1 => any_value(),
    ]
    .boxed()
}

/// An object with the present members in order, then `extra` (which may
/// repeat a member: the later one wins, as in `JSON.parse`).
fn object(members: Vec<(&str, Option<Json>)>, extra: Vec<(String, Json)>) -> Json {
    let mut m = serde_json::Map::new();
    for (k, v) in members {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    }
    for (k, v) in extra {
        m.insert(k, v);
    }
    Json::Object(m)
}

fn extras(n: usize) -> BoxedStrategy<Vec<(String, Json)>> {
    vec((key(), any_value()), 0..n).boxed()
}

fn streams() -> BoxedStrategy<Json> {
    prop_oneof![
        3 => (opt(string()), opt(vec(string(), 0..3).prop_map(Json::Array)))
            .prop_map(|(p, u)| object(vec![("pushUrl", p), ("playUrls", u)], vec![])),
        1 => any_value(),
    ]
    .boxed()
}

fn push_data() -> BoxedStrategy<Json> {
    (
        opt(streams()),
        opt(mostly(&["u", "http://x/r.mp4"])),
        opt(mostly(&["a2", "a3"])),
        opt(mostly(&["a2", "a3"])),
        opt(any_value()),
        extras(3),
    )
        .prop_map(|(streams, url, from, newer, customer, extra)| {
            object(
                vec![
                    ("customer", customer),
                    ("streams", streams),
                    ("url", url),
                    ("from", from),
                    ("newer", newer),
                ],
                extra,
            )
        })
        .boxed()
}

/// A push message: right and wrong types at every member it is judged by.
fn push_value() -> BoxedStrategy<Json> {
    let msg_type = prop_oneof![
        6 => select(&KNOWN[..]).prop_map(Json::from),
        1 => number(),
        1 => any_value(),
    ];
    let data = prop_oneof![6 => push_data(), 1 => Just(Json::Null), 1 => any_value()];
    prop_oneof![
        12 => (
            opt(msg_type.boxed()),
            opt(mostly(&["S-1", "S-2"])),
            opt(data.boxed()),
            extras(2),
        )
            .prop_map(|(t, sid, data, extra)| {
                object(vec![("msgType", t), ("sid", sid), ("data", data)], extra)
            }),
        1 => any_value(),
    ]
    .boxed()
}

/// An EXE frame: replies (to pending requests or not) and events.
fn exe_value() -> BoxedStrategy<Json> {
    let id = prop_oneof![
        6 => (0..8u64).prop_map(Json::from),
        1 => number(),
        1 => any_value(),
    ];
    let ok = prop_oneof![6 => any::<bool>().prop_map(Json::Bool), 1 => any_value()];
    let image = prop_oneof![
        3 => opt(mostly(&["iVBOR", "data:image/png;base64,QUJD", "", "data:,"]))
            .prop_map(|b| object(vec![("base64", b)], vec![])),
        1 => any_value(),
    ];
    let event = mostly(&["stream", "error", "x", ""]);
    prop_oneof![
        12 => (
            prop_oneof![Just(None), id.prop_map(Some)],
            opt(ok.boxed()),
            opt(image.boxed()),
            opt(prop_oneof![number(), string(), any_value()].boxed()),
            opt(string()),
            opt(event),
            opt(mostly(&["playing", "failed"])),
            extras(2),
        )
            .prop_map(|(id, ok, data, code, msg, event, status, extra)| {
                object(
                    vec![
                        ("id", id),
                        ("ok", ok),
                        ("data", data),
                        ("code", code),
                        ("msg", msg),
                        ("event", event),
                        ("status", status),
                    ],
                    extra,
                )
            }),
        1 => any_value(),
    ]
    .boxed()
}

/// An HTTP body: envelopes with right and wrong members.
fn envelope_value() -> BoxedStrategy<Json> {
    let code = prop_oneof![
        4 => Just(Json::from(0)),
        3 => select(&[100025i64, 200002, 300003, 400001, 500001, 123456, 1, -1][..])
            .prop_map(Json::from),
        1 => number(),
        1 => any_value(),
    ];
    let msg = prop_oneof![
        3 => select(&["", "ok", " ", "自定义文本"][..]).prop_map(Json::str),
        1 => Just(Json::Null),
        1 => string(),
        1 => any_value(),
    ];
    prop_oneof![
        12 => (opt(code.boxed()), opt(msg.boxed()), opt(any_value()), extras(2)).prop_map(
            |(code, msg, data, extra)| {
                object(vec![("code", code), ("msg", msg), ("data", data)], extra)
            }
        ),
        1 => any_value(),
    ]
    .boxed()
}

/// Pieces of real messages, so that random text often parses, or gets deep
/// into the parser before it fails.
const FRAGMENTS: [&str; 28] = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"msgType\"",
    "\"sid\"",
    "\"data\"",
    "\"S-1\"",
    "50200",
    "30017",
    "20100",
    "50203",
    "\"50200\"",
    "1e400",
    "-0",
    "null",
    "true",
    "\"\\ud800\"",
    "\"\\u00e9\"",
    "\"id\"",
    "\"ok\"",
    "\"event\"",
    "\"code\"",
    "\"streams\"",
    "\"url\"",
    " ",
];

fn fragments() -> impl Strategy<Value = String> {
    vec(select(&FRAGMENTS[..]), 0..40).prop_map(|v| v.concat())
}

/// Runs `test` on `cases` values of `strategy` (shrinking a failure), a
/// fixed number of times: for the heavy generators.
fn run_cases<S>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{e}");
    }
}

// ---- a connected agent ----

/// Connected agents in each state a push can meet.
fn setup(i: usize) -> H {
    let mut h = match i % 5 {
        0 => H::ready(),
        1 => H::leave(),
        2 => H::busy("S-1"),
        3 => {
            let mut h = H::ready();
            h.push(50200, "S-1", INCOMING);
            h
        }
        _ => {
            let mut h = H::ready();
            h.push(20100, "S-1", r#"{"from":"a2"}"#);
            h.call(Method::AcceptChangePerson, r#"{"sid":"S-1"}"#);
            h.ok("change/accept");
            h
        }
    };
    h.take();
    h
}

fn errors(out: &[Output<Json>]) -> Vec<&SdkError> {
    out.iter()
        .filter_map(|o| match o {
            Output::Error { error: e, .. } => Some(e),
            _ => None,
        })
        .collect()
}

fn events(out: &[Output<Json>]) -> Vec<(EventType, &Json)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Event { kind, data } => Some((*kind, data)),
            _ => None,
        })
        .collect()
}

/// One input to the push channel.
#[derive(Clone, Debug)]
enum Push {
    /// A parsed value, with its real length or the given one.
    Value(Json, Option<usize>),
    /// A text, parsed if it is JSON.
    Text(String),
    /// Over the limit, reported by the web layer without the text.
    Oversized(usize),
}

fn push_input() -> BoxedStrategy<Push> {
    let len = prop_oneof![
        12 => Just(None),
        1 => Just(Some(MAX_FRAME_CHARS)),
        1 => Just(Some(MAX_FRAME_CHARS + 1)),
        1 => (0..=MAX_FRAME_CHARS).prop_map(Some),
        1 => (MAX_FRAME_CHARS + 1..=usize::MAX >> 1).prop_map(Some),
    ];
    prop_oneof![
        10 => (push_value(), len).prop_map(|(v, l)| Push::Value(v, l)),
        2 => prop_oneof![any::<String>(), fragments()].prop_map(Push::Text),
        1 => (0..=usize::MAX >> 1).prop_map(Push::Oversized),
    ]
    .boxed()
}

/// Feeds `input` with a fresh `id` and checks what came out against the
/// rules; then feeds it again with the same id, which must change nothing.
fn push_once(h: &mut H, id: &str, input: Push) -> Result<(), TestCaseError> {
    let state = h.state();
    h.take();
    let (i, want) = match input {
        Push::Oversized(len) => (
            Input::PushOversized {
                id: Some(id.into()),
                len,
            },
            Err(ErrorCode::TooLarge),
        ),
        Push::Value(..) | Push::Text(_) => {
            let f = match input {
                Push::Value(v, Some(len)) => frame_of(v, len),
                Push::Value(v, None) => parsed(v),
                Push::Text(t) => frame(&t),
                Push::Oversized(_) => unreachable!(),
            };
            let want = match &f {
                f if f.len > MAX_FRAME_CHARS => Err(ErrorCode::TooLarge),
                Frame {
                    value: Some(value), ..
                } => push_verdict(value),
                Frame { value: None, .. } => Err(ErrorCode::BadMessage),
            };
            let i = Input::PushMessage {
                id: Some(id.into()),
                data: f,
            };
            (i, want)
        }
    };
    h.input(i.clone());
    let out = h.take_quiet();
    let errs = errors(&out);
    let evs = events(&out);
    match want {
        Err(code) => {
            prop_assert_eq!(out.len(), 1, "one error and nothing else: {:?}", out);
            prop_assert_eq!(errs[0].code, code, "{}", errs[0].msg);
            prop_assert_eq!(errs[0].extra("id"), Some(&Extra::Str(id.into())));
            prop_assert_eq!(h.state(), state);
        }
        Ok((code, sid, data)) => {
            if let [e] = errs[..] {
                prop_assert_eq!(e.code, ErrorCode::UnexpectedMessage, "{}", e.msg);
                prop_assert_eq!(e.extra("msgType"), Some(&Extra::Num(code as f64)));
                prop_assert_eq!(e.extra("sid"), Some(&Extra::Str(sid.clone())));
                prop_assert!(evs.is_empty(), "{:?}", evs);
                prop_assert_eq!(h.state(), state);
            } else {
                prop_assert!(errs.is_empty(), "{:?}", errs);
            }
            for (kind, got) in evs {
                if kind == EventType::StateChange {
                    continue;
                }
                let want = if HANG_UPS.contains(&code) {
                    Json::obj([("sid", Json::str(&sid)), ("msgType", Json::from(code))])
                } else {
                    payload(code, &sid, &data)
                };
                prop_assert_eq!(got, &want, "{:?}", kind);
            }
        }
    }
    if let Some(v) = h.agent.invariant_violation() {
        prop_assert!(false, "invariant: {}", v);
    }
    // The same id again: a replay, dropped without a word.
    h.input(i);
    let again = h.take_quiet();
    prop_assert!(again.is_empty(), "{:?}", again);
    Ok(())
}

/// The snapshot requests a busy agent has in flight: their ids.
fn busy_with_two_snapshots() -> (H, Vec<u64>) {
    let mut h = H::busy("S-1");
    h.call(Method::Snapshot, r#""player""#);
    h.call(Method::Snapshot, r#""pusher""#);
    h.take();
    let ids = h
        .log
        .iter()
        .filter_map(|o| match o {
            Output::ExeSend(f) if f["cmd"] == "snapshot" => f["id"].as_u64(),
            _ => None,
        })
        .collect();
    (h, ids)
}

/// One EXE frame into a busy agent, checked against the rules.
fn exe_once(h: &mut H, pending: &mut Vec<u64>, f: Frame<Json>) -> Result<(), TestCaseError> {
    let state = h.state();
    h.take();
    let want = match &f.value {
        Some(value) => exe_verdict(value),
        None => Err(ErrorCode::BadMessage),
    };
    let value = f.value.clone();
    h.input(Input::ExeText(f));
    let out = h.take_quiet();
    let errs: Vec<ErrorCode> = errors(&out).iter().map(|e| e.code).collect();
    let evs = events(&out);
    match want {
        Err(code) => prop_assert_eq!(&errs, &[code], "{:?}", out),
        Ok(Exe::Event) => {
            let v = value.unwrap();
            prop_assert_eq!(out.len(), 1, "{:?}", out);
            let (kind, got) = evs[0];
            prop_assert_eq!(kind, EventType::ExeEvent);
            // The frame as sent, `code` and `msg` filled in when absent.
            for (k, x) in v.as_object().unwrap() {
                prop_assert_eq!(got.get(k), Some(x), "{}", k);
            }
            prop_assert!(got.get("code").is_some() && got.get("msg").is_some());
        }
        Ok(Exe::Reply { id, ok }) => match pending.iter().position(|p| *p == id) {
            None => prop_assert_eq!(&errs, &[ErrorCode::UnknownReply], "{:?}", out),
            Some(i) => {
                pending.remove(i);
                let v = value.unwrap();
                let image = v
                    .get("data")
                    .and_then(|d| d.get("base64"))
                    .and_then(Json::as_str)
                    .and_then(snapshot_data_url);
                let settled = out
                    .iter()
                    .filter(|o| matches!(o, Output::Settle { .. }))
                    .count();
                prop_assert_eq!(settled, 1, "{:?}", out);
                match (ok, image) {
                    (false, _) => prop_assert_eq!(&errs, &[ErrorCode::ExeError]),
                    (true, None) => prop_assert_eq!(&errs, &[ErrorCode::BadMessage]),
                    (true, Some(url)) => {
                        prop_assert!(errs.is_empty(), "{:?}", errs);
                        prop_assert_eq!(evs.len(), 1);
                        prop_assert_eq!(evs[0].0, EventType::Snapshot);
                        prop_assert_eq!(&evs[0].1["base64"], &Json::str(url));
                    }
                }
            }
        },
    }
    prop_assert_eq!(h.state(), state);
    if let Some(v) = h.agent.invariant_violation() {
        prop_assert!(false, "invariant: {}", v);
    }
    Ok(())
}

/// The reply to `rest()`/`back()` (the method the state allows), checked
/// against the rules.
fn http_once(h: &mut H, status: u16, body: Frame<Json>) -> Result<(), TestCaseError> {
    let state = h.state();
    let (method, next) = match state {
        State::Ready => (Method::Rest, State::Leave),
        _ => (Method::Back, State::Ready),
    };
    let c = h.call(method, "null");
    let req = h.http_req("agent/state").unwrap();
    h.take();
    let want = match &body {
        _ if !(200..300).contains(&status) => Err(ErrorCode::HttpError),
        Frame {
            value: Some(value), ..
        } => envelope_verdict(value),
        Frame { value: None, .. } => Err(ErrorCode::BadResponse),
    };
    h.input(Input::Http {
        id: req.id,
        outcome: HttpOutcome::Response { status, body },
    });
    let out = h.take_quiet();
    let errs: Vec<ErrorCode> = errors(&out).iter().map(|e| e.code).collect();
    let evs = events(&out);
    let settled = h.settled(c);
    match want {
        Err(code) => {
            prop_assert_eq!(&errs, &[code], "{:?}", out);
            prop_assert!(evs.is_empty(), "{:?}", evs);
            let Some(Err(rej)) = settled else {
                return Err(TestCaseError::fail(format!("not rejected: {settled:?}")));
            };
            prop_assert_eq!(&rej["code"], code.as_str());
            prop_assert_eq!(&rej["op"], "agent/state");
            prop_assert_eq!(h.state(), state);
        }
        Ok((code, msg, _)) if code != 0 => {
            prop_assert!(errs.is_empty(), "{:?}", errs);
            prop_assert_eq!(evs.len(), 1, "{:?}", evs);
            let (kind, back) = evs[0];
            prop_assert_eq!(kind, EventType::HttpBack);
            prop_assert_eq!(&back["code"], &Json::from(code));
            let text = back["msg"].as_str().unwrap_or_default();
            prop_assert!(!text.is_empty());
            if let Some(m) = &msg {
                prop_assert_eq!(text, m);
            }
            let rejection = Json::obj([("code", Json::from(code)), ("msg", Json::str(text))]);
            prop_assert_eq!(settled, Some(Err(rejection)));
            prop_assert_eq!(h.state(), state);
        }
        Ok((_, _, data)) => {
            prop_assert!(errs.is_empty(), "{:?}", errs);
            prop_assert_eq!(settled, Some(Ok(data)));
            prop_assert_eq!(h.state(), next);
        }
    }
    if let Some(v) = h.agent.invariant_violation() {
        prop_assert!(false, "invariant: {}", v);
    }
    Ok(())
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        8 => Just(200u16),
        1 => select(&[201u16, 204, 299, 300, 302, 400, 401, 404, 500, 502, 503][..]),
        1 => any::<u16>(),
    ]
}

/// A value `depth` levels deep around `core` (arrays, objects, or both).
fn nest(depth: usize, kind: u8, core: Json) -> Json {
    (0..depth).fold(core, |v, i| match (kind, i % 2) {
        (0, _) | (2, 0) => Json::Array(vec![v]),
        _ => Json::obj([("a", v)]),
    })
}

/// Where a deep value goes: alone, or at a member the decoders read.
fn deep_frame(depth: usize, kind: u8, at: u8) -> Json {
    let deep = nest(depth, kind, Json::from(1));
    let deep_obj = nest(depth, 1, Json::obj::<&str>([]));
    match at {
        0 => deep,
        1 => Json::obj([
            ("msgType", Json::from(50200)),
            ("sid", Json::str("S-1")),
            ("data", Json::obj([("streams", deep_obj)])),
        ]),
        2 => Json::obj([
            ("msgType", Json::from(50204)),
            ("sid", Json::str("S-1")),
            ("data", Json::obj([("url", Json::str("u")), ("x", deep)])),
        ]),
        3 => Json::obj([("msgType", deep), ("sid", Json::str("S-1"))]),
        4 => Json::obj([("event", Json::str("stream")), ("detail", deep)]),
        _ => Json::obj([("code", Json::from(0)), ("data", deep)]),
    }
}

/// A push `data` with `keys` members `"k<i>":0` (11 characters each) and
/// the `url` a 50204 needs.
fn wide_data(keys: usize) -> Json {
    let mut m = serde_json::Map::new();
    m.insert("url".into(), Json::str("u"));
    for i in 0..keys {
        m.insert(format!("k{i}"), Json::from(0));
    }
    Json::Object(m)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn decoders_follow_the_rules_on_any_value(
        v in prop_oneof![push_value(), exe_value(), envelope_value(), any_value()],
    ) {
        check_decoders(&parsed(v))?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_decoders(&frame(&text))?;
        check_decoders(&not_json(&text))?;
        if let Some(url) = snapshot_data_url(&text) {
            prop_assert!(url.starts_with("data:image/"));
            prop_assert_eq!(url.matches(";base64,").count(), 1);
        }
    }

    #[test]
    fn wire_shaped_text_never_panics(text in fragments()) {
        check_decoders(&frame(&text))?;
    }

    #[test]
    fn deep_values_are_read_not_overflowed(depth in 1usize..500, kind in 0u8..3, at in 0u8..6) {
        let v = deep_frame(depth, kind, at);
        check_decoders(&parsed(v.clone()))?;
        let mut h = setup(0);
        push_once(&mut h, "5000", Push::Value(v, None))?;
    }

    #[test]
    fn deep_text_is_refused_or_read_not_overflowed(
        depth in 1usize..20_000,
        open in select(&["[", "{\"a\":"][..]),
    ) {
        let close = if open == "[" { "]" } else { "}" };
        let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        check_decoders(&frame(&text))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn pushes_into_a_connected_agent(state in 0usize..5, inputs in vec(push_input(), 1..6)) {
        let mut h = setup(state);
        for (n, input) in inputs.into_iter().enumerate() {
            push_once(&mut h, &(10_000 + n).to_string(), input)?;
        }
    }

    #[test]
    fn exe_frames_into_a_busy_agent(
        frames in vec(
            prop_oneof![
                8 => exe_value().prop_map(parsed),
                1 => prop_oneof![any::<String>(), fragments()].prop_map(|t| frame(&t)),
            ],
            1..6,
        ),
        oversized in 0..=usize::MAX >> 1,
    ) {
        let (mut h, mut pending) = busy_with_two_snapshots();
        for f in frames {
            exe_once(&mut h, &mut pending, f)?;
        }
        h.input(Input::ExeOversized { len: oversized });
        let out = h.take_quiet();
        prop_assert_eq!(errors(&out).len(), 1, "{:?}", out);
        prop_assert_eq!(errors(&out)[0].code, ErrorCode::TooLarge);
        prop_assert_eq!(out.len(), 1, "{:?}", out);
    }

    #[test]
    fn http_bodies_into_a_connected_agent(
        replies in vec(
            (
                status(),
                prop_oneof![
                    8 => envelope_value().prop_map(parsed),
                    1 => prop_oneof![any::<String>(), fragments()].prop_map(|t| frame(&t)),
                ],
            ),
            1..6,
        ),
    ) {
        let mut h = setup(0);
        for (status, body) in replies {
            http_once(&mut h, status, body)?;
        }
    }
}

/// Objects with thousands of members, at the top or where the decoders
/// look, mixing the wire's keys with random ones.
#[test]
fn wide_objects_follow_the_rules() {
    let wide = (vec((key(), leaf()), 1_000..5_000), push_value(), 0u8..5).prop_map(
        |(members, base, at)| {
            let wide = Json::Object(members.into_iter().collect());
            let mut v = base;
            match (at, v.as_object_mut()) {
                (0, _) | (_, None) => return wide,
                (1, Some(o)) => {
                    o.insert("data".into(), wide);
                }
                (2, Some(o)) => {
                    let mut d = o.get("data").cloned().unwrap_or(Json::Null);
                    if let Some(d) = d.as_object_mut() {
                        d.insert("streams".into(), wide);
                    }
                    o.insert("data".into(), d);
                }
                (_, Some(o)) => {
                    let mut w = wide;
                    for (k, x) in o.iter() {
                        w[k] = x.clone();
                    }
                    return w;
                }
            }
            v
        },
    );
    run_cases(32, (0usize..5, wide), |(state, v)| {
        check_decoders(&parsed(v.clone()))?;
        let mut h = setup(state);
        push_once(&mut h, "7000", Push::Value(v, None))
    });
}

/// Strings up to about a megabyte (past the limit once the text's quotes
/// and escapes count) at the members the decoders read, in every width of
/// UTF-16.
#[test]
fn long_strings_follow_the_rules() {
    let long = (
        select(&["x", "中", "😀", "\"", "\\", "\u{0}"][..]),
        prop_oneof![
            1 => 0..1_000usize,
            1 => 0..1_100_000usize,
            1 => MAX_FRAME_CHARS - 64..MAX_FRAME_CHARS + 8,
        ],
        0u8..6,
    )
        .prop_map(|(c, n, at)| {
            let s = Json::String(c.repeat(n / c.encode_utf16().count().max(1)));
            match at {
                0 => Json::obj([
                    ("msgType", Json::from(50203)),
                    ("sid", Json::str("S-1")),
                    ("data", Json::obj([("url", s)])),
                ]),
                1 => Json::obj([
                    ("msgType", Json::from(30017)),
                    ("sid", s),
                    ("data", Json::obj::<&str>([])),
                ]),
                2 => Json::obj([
                    ("msgType", Json::from(20100)),
                    ("sid", Json::str("S-1")),
                    ("data", Json::obj([("from", s)])),
                ]),
                3 => Json::obj([("msgType", s), ("sid", Json::str("S-1"))]),
                4 => Json::obj([
                    ("msgType", Json::from(50200)),
                    ("sid", Json::str("S-1")),
                    (
                        "data",
                        Json::obj([("streams", Json::obj([("pushUrl", s)]))]),
                    ),
                ]),
                _ => s,
            }
        });
    run_cases(24, (0usize..5, long), |(state, v)| {
        check_decoders(&parsed(v.clone()))?;
        let mut h = setup(state);
        push_once(&mut h, "8000", Push::Value(v, None))
    });
}

#[test]
fn a_push_of_80000_members_is_handled_in_well_under_a_second() {
    let keys = 80_000;
    let text = Json::obj([
        ("msgType", Json::from(50204)),
        ("sid", Json::str("S-1")),
        ("data", wide_data(keys)),
    ])
    .to_string();
    assert!(text.len() <= MAX_FRAME_CHARS, "{} characters", text.len());
    let t = Instant::now();
    let f = frame(&text);
    let parse = t.elapsed();
    assert!(f.value.is_some());
    let mut h = H::ready();
    h.take();
    let t = Instant::now();
    h.input(Input::PushMessage {
        id: Some("77".into()),
        data: f,
    });
    let handled = t.elapsed();
    let out = h.take_quiet();
    assert!(errors(&out).is_empty(), "{:?}", errors(&out));
    let evs = events(&out);
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].0, EventType::Image);
    let members = evs[0].1.as_object().unwrap();
    assert_eq!(members.len(), keys + 3, "url, sid, msgType and the keys");
    assert_eq!(members.get("k79999"), Some(&Json::from(0)));
    // The same object as an unsolicited EXE frame and as an HTTP body.
    let (mut b, _) = busy_with_two_snapshots();
    let mut frame_obj = wide_data(keys);
    frame_obj["event"] = Json::str("stream");
    let t = Instant::now();
    b.input(Input::ExeText(parsed(frame_obj)));
    let exe = t.elapsed();
    assert_eq!(events(&b.take_quiet()).len(), 1);
    let mut r = H::ready();
    let c = r.call(Method::Rest, "null");
    let body = Json::obj([("code", Json::from(0)), ("data", wide_data(keys))]);
    let id = r.http_req("agent/state").unwrap().id;
    let t = Instant::now();
    r.input(Input::Http {
        id,
        outcome: HttpOutcome::Response {
            status: 200,
            body: parsed(body),
        },
    });
    let http = t.elapsed();
    assert!(matches!(r.settled(c), Some(Ok(d)) if d.as_object().unwrap().len() == keys + 1));
    println!(
        "{keys} members, {} KB: serde_json parse {parse:?}; the agent: push {handled:?}, \
         EXE frame {exe:?}, HTTP body {http:?}",
        text.len() / 1024
    );
    for (what, d) in [("push", handled), ("EXE frame", exe), ("HTTP body", http)] {
        assert!(d.as_secs_f64() < 2.0, "{what}: {d:?}");
    }
}
