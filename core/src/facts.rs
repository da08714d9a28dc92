//! What the core's push checks (SPEC §4.1, §5) need to know of a parsed push
//! message, read in one pass.
//!
//! Reading a parsed message member by member through [`Value`] costs a call
//! from wasm into JS per member and per type check (about twenty per
//! message). The browser's fast path instead has one JS function (the tab
//! layer's `readPush`, pkg-template/tabs.js) parse the text and report the
//! same facts as numbers: a set of bits, the `msgType` number and the
//! prepared event payload. [`PushFacts::read`] is the same reading through
//! [`Value`]: it runs natively (tests, fuzzing, replay) and in the browser
//! when no reader is given, and the browser unit tests hold the JS reader to
//! it (src/web/sse.rs). The checks themselves stay in the core
//! ([`crate::codec::PushMsg::from_facts`]).

use crate::value::Value;

/// The text parsed as JSON.
pub const JSON: u32 = 1;
/// … to an object (not an array).
pub const OBJECT: u32 = 1 << 1;
/// `msgType` is present and not `null`.
pub const TYPE_PRESENT: u32 = 1 << 2;
/// … and a number (its value is [`PushFacts::msg_type`]).
pub const TYPE_NUMBER: u32 = 1 << 3;
/// `sid` is a non-empty string.
pub const SID_OK: u32 = 1 << 4;
/// `data` is absent or `null`.
pub const DATA_ABSENT: u32 = 1 << 5;
/// `data` is an object.
pub const DATA_OBJECT: u32 = 1 << 6;
/// `data.streams` is an object.
pub const STREAMS_OBJECT: u32 = 1 << 7;
/// `data.url` is a string.
pub const URL_STRING: u32 = 1 << 8;
/// `data.from` is a string.
pub const FROM_STRING: u32 = 1 << 9;
/// `data.newer` is a string.
pub const NEWER_STRING: u32 = 1 << 10;

/// The facts of one push message.
#[derive(Clone, Debug, PartialEq)]
pub struct PushFacts<V> {
    /// The bits above that hold.
    pub bits: u32,
    /// `msgType` when [`TYPE_NUMBER`] holds (else 0).
    pub msg_type: f64,
    /// The event payload: `data` itself (a new `{}` when absent or `null`)
    /// with the message's `sid` and `msgType` set on it. Present exactly
    /// when [`OBJECT`] and one of [`DATA_ABSENT`] / [`DATA_OBJECT`] hold;
    /// made before the checks, it is dropped unseen when they fail.
    pub payload: Option<V>,
}

impl<V> PushFacts<V> {
    /// True when every bit of `b` holds.
    pub fn has(&self, b: u32) -> bool {
        self.bits & b == b
    }
}

impl<V: Value> PushFacts<V> {
    /// Reads the facts of a parsed message (`None`: not JSON) through
    /// [`Value`]: the reference the browser's reader must agree with.
    pub fn read(value: Option<V>) -> PushFacts<V> {
        let mut f = PushFacts {
            bits: 0,
            msg_type: 0.0,
            payload: None,
        };
        let Some(v) = value else { return f };
        f.bits |= JSON;
        if !v.is_obj() {
            return f;
        }
        f.bits |= OBJECT;
        if let Some(t) = v.member("msgType") {
            f.bits |= TYPE_PRESENT;
            if let Some(n) = t.as_f64() {
                f.bits |= TYPE_NUMBER;
                f.msg_type = n;
            }
        }
        if v.member("sid")
            .and_then(|s| s.as_string())
            .is_some_and(|s| !s.is_empty())
        {
            f.bits |= SID_OK;
        }
        let mut payload = match v.member("data") {
            None => {
                f.bits |= DATA_ABSENT;
                V::object()
            }
            Some(d) if d.is_obj() => {
                f.bits |= DATA_OBJECT;
                for (key, bit, object) in [
                    ("streams", STREAMS_OBJECT, true),
                    ("url", URL_STRING, false),
                    ("from", FROM_STRING, false),
                    ("newer", NEWER_STRING, false),
                ] {
                    let fits =
                        d.member(key)
                            .is_some_and(|x| if object { x.is_obj() } else { x.is_str() });
                    if fits {
                        f.bits |= bit;
                    }
                }
                d
            }
            Some(_) => return f,
        };
        // As they came, `null` included (the checks above read `null` as
        // absent); an absent one is not set, as `d.sid = v.sid` in JS sets
        // `undefined`, which JSON.stringify leaves out.
        for key in ["sid", "msgType"] {
            if let Some(x) = v.get(key) {
                payload.set(key, x);
            }
        }
        f.payload = Some(payload);
        f
    }
}

#[cfg(all(test, feature = "serde_json"))]
mod tests {
    use super::*;
    use serde_json::{json, Value as J};

    fn read(text: &str) -> PushFacts<J> {
        PushFacts::read(serde_json::from_str(text).ok())
    }

    #[test]
    fn each_bit_names_one_fact() {
        assert_eq!(read("not json").bits, 0);
        assert_eq!(read("[1]").bits, JSON);
        assert_eq!(read("{}").bits, JSON | OBJECT | DATA_ABSENT);
        let f = read(r#"{"msgType":50203,"sid":"S","data":{"url":"u"}}"#);
        assert_eq!(
            f.bits,
            JSON | OBJECT | TYPE_PRESENT | TYPE_NUMBER | SID_OK | DATA_OBJECT | URL_STRING
        );
        assert_eq!(f.msg_type, 50203.0);
        assert_eq!(
            f.payload,
            Some(json!({"url": "u", "sid": "S", "msgType": 50203}))
        );
        let f = read(r#"{"msgType":"1","sid":"","data":{"streams":{},"from":"a","newer":"b"}}"#);
        assert_eq!(
            f.bits,
            JSON | OBJECT
                | TYPE_PRESENT
                | DATA_OBJECT
                | STREAMS_OBJECT
                | FROM_STRING
                | NEWER_STRING
        );
        assert_eq!(f.msg_type, 0.0);
    }

    #[test]
    fn null_reads_as_absent_and_wrong_kinds_are_not_facts() {
        let f = read(r#"{"msgType":null,"sid":null,"data":null}"#);
        assert_eq!(f.bits, JSON | OBJECT | DATA_ABSENT);
        assert_eq!(f.payload, Some(json!({"sid": null, "msgType": null})));
        let f = read(r#"{"data":{"streams":[],"url":1,"from":null,"newer":{}}}"#);
        assert_eq!(f.bits, JSON | OBJECT | DATA_OBJECT);
        assert!(f.has(JSON | DATA_OBJECT));
        assert!(!f.has(JSON | SID_OK));
        for data in ["[]", "1", "\"x\"", "true"] {
            let f = read(&format!(r#"{{"data":{data}}}"#));
            assert_eq!(f.bits, JSON | OBJECT, "{data}");
            assert_eq!(f.payload, None, "{data}");
        }
    }
}
