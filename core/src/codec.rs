//! Wire codecs of SPEC §4: push messages, HTTP envelopes, EXE frames, and the
//! exactly-once filter for push ids. Strict on types (a `msgType` sent as a
//! string is bad, not coerced), so the state machine only sees valid input.

use crate::consts::MsgType;
use crate::error::{ErrorCode, SdkError};
use crate::facts::{self, PushFacts};
use crate::value::{Frame, Shape, Value};

/// A well-formed push message.
#[derive(Clone, Debug, PartialEq)]
pub struct PushMsg<V> {
    /// The code.
    pub msg_type: MsgType,
    /// The event payload: the message's `data` object (`{}` when absent)
    /// with its `sid` and `msgType` set on it as they came (no new string
    /// or number is made in the browser).
    pub data: V,
}

fn bad(what: String) -> SdkError {
    SdkError::new(ErrorCode::BadMessage, what)
}

/// The parsed value of a frame, or `BAD_MESSAGE` naming what it should be.
fn object_of<V: Value>(frame: Frame<V>, what: &str) -> Result<V, SdkError> {
    match frame.value {
        Some(value) if value.is_obj() => Ok(value),
        Some(_) => Err(bad(format!("{what} must be an object"))),
        None => Err(bad(format!("{what} is not JSON"))),
    }
}

impl<V: Value> PushMsg<V> {
    /// Checks a default event's parsed `data` (SPEC §4.1, §5).
    pub fn decode(frame: Frame<V>) -> Result<PushMsg<V>, SdkError> {
        Self::from_facts(PushFacts::read(frame.value))
    }

    /// Checks the facts of a message (read by [`PushFacts::read`] or by the
    /// browser's reader).
    pub fn from_facts(f: PushFacts<V>) -> Result<PushMsg<V>, SdkError> {
        let has = |b: u32| f.bits & b == b;
        if !has(facts::JSON) {
            return Err(bad("push data is not JSON".into()));
        }
        if !has(facts::OBJECT) {
            return Err(bad("push data must be an object".into()));
        }
        if !has(facts::TYPE_PRESENT) {
            return Err(bad("msgType is missing".into()));
        }
        if !has(facts::TYPE_NUMBER) {
            return Err(bad("msgType must be a number".into()));
        }
        let n = f.msg_type;
        let data_ok = has(facts::DATA_ABSENT) || has(facts::DATA_OBJECT);
        if !(n.fract() == 0.0 && n.abs() < 9.0e15) {
            return Err(bad("msgType must be an integer".into()));
        }
        let msg_type = MsgType(n as i64);
        if !msg_type.is_known() {
            return Err(SdkError::new(
                ErrorCode::UnknownMsgType,
                format!("unknown msgType {}", msg_type.0),
            )
            .with("msgType", msg_type.0 as f64));
        }
        if !has(facts::SID_OK) {
            return Err(bad(format!(
                "push {}: sid must be a non-empty string",
                msg_type.label()
            )));
        }
        if !data_ok {
            return Err(bad(format!(
                "push {}: data must be an object",
                msg_type.label()
            )));
        }
        let (field, bit, what) = match msg_type {
            MsgType::INCOMING_CALL
            | MsgType::STAFF_CHANGE_LIVE_SRC
            | MsgType::PARTICIPATOR_LIVE_SRC => ("streams", facts::STREAMS_OBJECT, "an object"),
            MsgType::VIDEO_REC_SRC | MsgType::IMG_SRC => ("url", facts::URL_STRING, "a string"),
            MsgType::STAFF_CHANGE_ASK
            | MsgType::STAFF_CHANGE_CALL_BACK_CANCEL
            | MsgType::ADDPARTICIPATOR_ASK
            | MsgType::ADDPARTICIPATOR_CANCEL => ("from", facts::FROM_STRING, "a string"),
            MsgType::STAFF_CHANGE_CALL_BACK_ACCEPT
            | MsgType::STAFF_CHANGE_CALL_BACK_REJECT
            | MsgType::ADDPARTICIPATOR_CALL_BACK_ACCEPT
            | MsgType::ADDPARTICIPATOR_CALL_BACK_REJECT
            | MsgType::ADDPARTICIPATOR_DEL => ("newer", facts::NEWER_STRING, "a string"),
            _ => ("", 0, ""),
        };
        if !has(bit) {
            return Err(bad(format!(
                "push {}: data.{field} must be {what}",
                msg_type.label()
            )));
        }
        // Present whenever `data_ok` (PushFacts::payload).
        let data = f.payload.unwrap_or_else(V::object);
        Ok(PushMsg { msg_type, data })
    }

    /// The session it is about (read from the payload: copied only when
    /// the state machine needs it).
    pub fn sid(&self) -> String {
        self.data.str_of("sid").unwrap_or_default()
    }

    /// Event payload: the parsed `data` object itself (not a copy: it is
    /// the page's from here on), with `sid` and `msgType` set on it.
    pub fn payload(&self) -> V {
        self.data.clone()
    }

    /// [`PushMsg::payload`], without a copy of the handle.
    pub fn into_payload(self) -> V {
        self.data
    }
}

/// Exactly-once filter for push ids. Ids increase per account (SPEC §4.1), so
/// "already delivered" is "not above the highest numeric id seen". Ids that are
/// not numbers fall back to a bounded set of recent ids.
#[derive(Clone, Debug, Default)]
pub struct Dedup {
    highest: Option<u64>,
    recent: std::collections::VecDeque<String>,
    last: Option<String>,
}

const RECENT: usize = 256;

impl Dedup {
    /// True the first time an id is offered; false for replays and duplicates.
    /// Messages without an id cannot be deduplicated and always pass.
    pub fn first_time(&mut self, id: Option<&str>) -> bool {
        let Some(id) = id.filter(|s| !s.is_empty()) else {
            return true;
        };
        match id.parse::<u64>() {
            Ok(n) => {
                if self.highest.is_some_and(|h| n <= h) {
                    return false;
                }
                self.highest = Some(n);
            }
            Err(_) => {
                if self.recent.iter().any(|r| r == id) {
                    return false;
                }
                if self.recent.len() == RECENT {
                    self.recent.pop_front();
                }
                self.recent.push_back(id.to_string());
            }
        }
        self.last = Some(id.to_string());
        true
    }

    /// The id to resume after (`lastEventId` on a re-created subscription).
    pub fn resume_id(&self) -> Option<&str> {
        self.last.as_deref()
    }
}

/// The `{code, msg, data}` envelope of every HTTP answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<V> {
    /// 0 = success, else a business code.
    pub code: i64,
    /// The server's text, if any.
    pub msg: Option<String>,
    /// The payload (`null` when absent).
    pub data: V,
}

impl<V: Value> Envelope<V> {
    /// Checks a parsed body; anything else is `BAD_RESPONSE`.
    pub fn decode(body: Frame<V>) -> Result<Envelope<V>, SdkError> {
        let badr = |w: &str| {
            SdkError::new(
                ErrorCode::BadResponse,
                format!("response is not the {{code,msg,data}} envelope: {w}"),
            )
        };
        let v = match body.value {
            Some(value) if value.is_obj() => value,
            Some(_) => return Err(badr("not an object")),
            None => return Err(badr("not JSON")),
        };
        let code = v
            .get("code")
            .and_then(|c| c.as_i64())
            .ok_or_else(|| badr("code must be an integer"))?;
        let msg = match v.get("msg").map(|m| (m.shape(), m)) {
            Some((Shape::Str, m)) => m.as_string().filter(|s| !s.is_empty()),
            None | Some((Shape::Null, _)) => None,
            Some(_) => return Err(badr("msg must be a string")),
        };
        Ok(Envelope {
            code,
            msg,
            data: v.get("data").unwrap_or_else(V::null),
        })
    }
}

/// A frame from the EXE.
#[derive(Clone, Debug, PartialEq)]
pub enum ExeFrame<V> {
    /// A reply to request `id`.
    Reply {
        /// Request id.
        id: u64,
        /// Success?
        ok: bool,
        /// `data` on success.
        data: V,
        /// `code` on failure (number or string as sent; absent: `None`).
        code: Option<crate::error::Extra>,
        /// `msg` on failure.
        msg: String,
    },
    /// An unsolicited frame (`event` member); the whole frame is kept.
    Event(V),
}

impl<V: Value> ExeFrame<V> {
    /// Checks a parsed frame.
    pub fn decode(frame: Frame<V>) -> Result<ExeFrame<V>, SdkError> {
        let v = object_of(frame, "EXE frame")?;
        if let Some(id) = v.get("id") {
            let id = id
                .as_i64()
                .filter(|n| *n >= 0)
                .ok_or_else(|| bad("EXE reply id must be a non-negative integer".into()))?;
            let ok = v
                .get("ok")
                .and_then(|b| b.as_bool())
                .ok_or_else(|| bad("EXE reply needs a boolean ok".into()))?;
            let code = v.get("code").and_then(|c| match c.shape() {
                Shape::Num => c.as_f64().map(crate::error::Extra::Num),
                _ => c.as_string().map(crate::error::Extra::Str),
            });
            return Ok(ExeFrame::Reply {
                id: id as u64,
                ok,
                data: v.get("data").unwrap_or_else(V::null),
                code,
                msg: v.str_of("msg").unwrap_or_default(),
            });
        }
        match v.shape_of("event") {
            Some(Shape::Str) => Ok(ExeFrame::Event(v)),
            _ => Err(bad("EXE frame has neither id nor event".into())),
        }
    }
}

/// Normalizes a snapshot to exactly one `data:image/...;base64,` prefix
/// (`image/png` when the EXE gave none). `None` when there is no image.
pub fn snapshot_data_url(raw: &str) -> Option<String> {
    let mut rest = raw.trim();
    let mut mime = None;
    while let Some(after) = rest.strip_prefix("data:") {
        let (head, body) = after.split_once(',')?;
        let m = head.strip_suffix(";base64").unwrap_or(head);
        if m.starts_with("image/") {
            mime = Some(m);
        }
        rest = body.trim_start();
    }
    if rest.is_empty() {
        return None;
    }
    Some(format!(
        "data:{};base64,{rest}",
        mime.unwrap_or("image/png")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as J;

    /// A text as the browser would hand it over.
    fn f(text: &str) -> Frame<J> {
        Frame {
            value: serde_json::from_str(text).ok(),
            text: J::from(text),
            len: text.len(),
        }
    }

    #[test]
    fn strict_push_types() {
        let m = PushMsg::decode(f(r#"{"msgType":50200,"sid":"S-1","data":{"customer":{"name":"张三"},"streams":{"pushUrl":"p","playUrls":[]}}}"#)).unwrap();
        assert_eq!(m.msg_type, MsgType::INCOMING_CALL);
        assert_eq!(m.payload().get("sid"), Some(&J::from("S-1")));
        let e = PushMsg::decode(f(r#"{"msgType":"50200","sid":"S-1","data":{}}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadMessage);
        let e = PushMsg::decode(f(r#"{"msgType":12345,"sid":"S-1","data":{}}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownMsgType);
        assert_eq!(
            PushMsg::decode(f(r#"{"msgType":50200,"sid":"S-1","data":{}}"#))
                .unwrap_err()
                .code,
            ErrorCode::BadMessage
        );
        assert_eq!(
            PushMsg::decode(f(r#"{"msgType":50203,"sid":"S-1","data":{"url":1}}"#))
                .unwrap_err()
                .code,
            ErrorCode::BadMessage
        );
        assert!(PushMsg::decode(f(r#"{"msgType":30017,"sid":"S-1"}"#)).is_ok());
        assert_eq!(
            PushMsg::decode(f(r#"{"msgType":30017}"#)).unwrap_err().code,
            ErrorCode::BadMessage
        );
        assert_eq!(
            PushMsg::decode(f(r#"{"msgType":30017.5,"sid":"x"}"#))
                .unwrap_err()
                .code,
            ErrorCode::BadMessage
        );
    }

    #[test]
    fn errors_say_what_was_wrong() {
        let msg = |t: &str| PushMsg::decode(f(t)).unwrap_err().msg;
        for root in ["[]", "5", "\"x\"", "null", "true"] {
            assert_eq!(msg(root), "push data must be an object", "{root}");
            assert_eq!(
                ExeFrame::decode(f(root)).unwrap_err().msg,
                "EXE frame must be an object",
                "{root}"
            );
        }
        assert_eq!(msg("{"), "push data is not JSON");
        assert_eq!(
            msg(r#"{"msgType":50203,"sid":"S","data":{"url":1}}"#),
            "push VIDEO_REC_SRC(50203): data.url must be a string"
        );
        assert_eq!(
            msg(r#"{"msgType":50200,"sid":"S","data":{"streams":"s"}}"#),
            "push INCOMING_CALL(50200): data.streams must be an object"
        );
        assert_eq!(
            msg(r#"{"msgType":20100,"sid":"S","data":{"from":null}}"#),
            "push STAFF_CHANGE_ASK(20100): data.from must be a string"
        );
        for root in ["[]", "5", "null"] {
            assert_eq!(
                Envelope::<J>::decode(f(root)).unwrap_err().msg,
                "response is not the {code,msg,data} envelope: not an object",
                "{root}"
            );
        }
        assert_eq!(
            Envelope::<J>::decode(f("<html>")).unwrap_err().msg,
            "response is not the {code,msg,data} envelope: not JSON"
        );
        assert_eq!(msg(r#"{"sid":"S"}"#), "msgType is missing");
        assert_eq!(
            msg(r#"{"msgType":"1","sid":"S"}"#),
            "msgType must be a number"
        );
        assert_eq!(
            msg(r#"{"msgType":1.5,"sid":"S"}"#),
            "msgType must be an integer"
        );
    }

    #[test]
    fn dedup_by_id() {
        let mut d = Dedup::default();
        assert!(d.first_time(Some("1")));
        assert!(d.first_time(Some("3")));
        assert!(!d.first_time(Some("3")));
        assert!(!d.first_time(Some("2")));
        assert!(d.first_time(None));
        assert!(d.first_time(Some("abc")));
        assert!(!d.first_time(Some("abc")));
        assert_eq!(d.resume_id(), Some("abc"));
    }

    #[test]
    fn envelope() {
        assert_eq!(
            Envelope::<J>::decode(f(r#"{"code":0,"msg":"ok","data":{"a":1}}"#))
                .unwrap()
                .code,
            0
        );
        assert_eq!(
            Envelope::<J>::decode(f(r#"{"code":300003}"#)).unwrap().msg,
            None
        );
        for b in ["", "<html>", "[]", r#"{"code":"0"}"#, r#"{"msg":"x"}"#] {
            assert_eq!(
                Envelope::<J>::decode(f(b)).unwrap_err().code,
                ErrorCode::BadResponse,
                "{b}"
            );
        }
    }

    #[test]
    fn exe_frames() {
        assert!(matches!(
            ExeFrame::decode(f(r#"{"id":3,"ok":true,"data":{"exeVersion":"1"}}"#)).unwrap(),
            ExeFrame::Reply {
                id: 3,
                ok: true,
                ..
            }
        ));
        assert!(matches!(
            ExeFrame::decode(f(r#"{"event":"stream","sid":"S","status":"playing"}"#)).unwrap(),
            ExeFrame::Event(_)
        ));
        assert!(ExeFrame::decode(f(r#"{"id":"3","ok":true}"#)).is_err());
        assert!(ExeFrame::decode(f("garbage")).is_err());
        assert!(ExeFrame::decode(f(r#"{"x":1}"#)).is_err());
    }

    #[test]
    fn snapshot_prefix() {
        assert_eq!(
            snapshot_data_url("iVBOR").unwrap(),
            "data:image/png;base64,iVBOR"
        );
        assert_eq!(
            snapshot_data_url("data:image/jpeg;base64,/9j/").unwrap(),
            "data:image/jpeg;base64,/9j/"
        );
        assert_eq!(
            snapshot_data_url("data:image/png;base64,data:image/png;base64,iV").unwrap(),
            "data:image/png;base64,iV"
        );
        assert_eq!(snapshot_data_url(""), None);
    }
}
