//! The page's methods: names, HTTP paths, argument validation (SPEC §1, §4.2).

use crate::error::{ErrorCode, SdkError};
use crate::value::{Shape, Value};

/// A method of `RtVideo` that goes through the core (all but `state()` and
/// `destroy()`, which have their own inputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `rest()`
    Rest,
    /// `back()`
    Back,
    /// `answer(sid)`
    Answer,
    /// `refuse(sid)`
    Refuse,
    /// `hangUp(sid)`
    HangUp,
    /// `snapshot(type)`
    Snapshot,
    /// `reconnect()`
    Reconnect,
    /// `askChangePerson({sid, newer})`
    AskChangePerson,
    /// `cancelChangePerson({sid, newer})`
    CancelChangePerson,
    /// `acceptChangePerson({sid})`
    AcceptChangePerson,
    /// `refuseChangePerson({sid})`
    RefuseChangePerson,
    /// `askAddPerson({sid, newer})`
    AskAddPerson,
    /// `cancelAddPerson({sid, newer})`
    CancelAddPerson,
    /// `removeAddPerson({sid, newer})`
    RemoveAddPerson,
    /// `acceptAddPerson({sid})`
    AcceptAddPerson,
    /// `refuseAddPerson({sid})`
    RefuseAddPerson,
    /// `quitAddPerson({sid})`
    QuitAddPerson,
}

/// How a method takes its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgShape {
    None,
    Sid,
    SnapshotType,
    SidObj,
    SidNewerObj,
}

/// A validated argument.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Args {
    pub sid: Option<String>,
    pub newer: Option<String>,
    pub snapshot_type: Option<&'static str>,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 17] = [
        Method::Rest,
        Method::Back,
        Method::Answer,
        Method::Refuse,
        Method::HangUp,
        Method::Snapshot,
        Method::Reconnect,
        Method::AskChangePerson,
        Method::CancelChangePerson,
        Method::AcceptChangePerson,
        Method::RefuseChangePerson,
        Method::AskAddPerson,
        Method::CancelAddPerson,
        Method::RemoveAddPerson,
        Method::AcceptAddPerson,
        Method::RefuseAddPerson,
        Method::QuitAddPerson,
    ];

    /// The JS method name.
    pub fn js_name(self) -> &'static str {
        match self {
            Method::Rest => "rest",
            Method::Back => "back",
            Method::Answer => "answer",
            Method::Refuse => "refuse",
            Method::HangUp => "hangUp",
            Method::Snapshot => "snapshot",
            Method::Reconnect => "reconnect",
            Method::AskChangePerson => "askChangePerson",
            Method::CancelChangePerson => "cancelChangePerson",
            Method::AcceptChangePerson => "acceptChangePerson",
            Method::RefuseChangePerson => "refuseChangePerson",
            Method::AskAddPerson => "askAddPerson",
            Method::CancelAddPerson => "cancelAddPerson",
            Method::RemoveAddPerson => "removeAddPerson",
            Method::AcceptAddPerson => "acceptAddPerson",
            Method::RefuseAddPerson => "refuseAddPerson",
            Method::QuitAddPerson => "quitAddPerson",
        }
    }

    /// The video-service path for methods that are one POST there.
    pub fn video_path(self) -> Option<&'static str> {
        Some(match self {
            Method::Answer => "call/answer",
            Method::Refuse => "call/refuse",
            Method::HangUp => "call/hangup",
            Method::AskChangePerson => "change/ask",
            Method::CancelChangePerson => "change/cancel",
            Method::AcceptChangePerson => "change/accept",
            Method::RefuseChangePerson => "change/refuse",
            Method::AskAddPerson => "add/ask",
            Method::CancelAddPerson => "add/cancel",
            Method::RemoveAddPerson => "add/remove",
            Method::AcceptAddPerson => "add/accept",
            Method::RefuseAddPerson => "add/refuse",
            Method::QuitAddPerson => "add/quit",
            _ => return None,
        })
    }

    pub(crate) fn shape(self) -> ArgShape {
        match self {
            Method::Rest | Method::Back | Method::Reconnect => ArgShape::None,
            Method::Answer | Method::Refuse | Method::HangUp => ArgShape::Sid,
            Method::Snapshot => ArgShape::SnapshotType,
            Method::AcceptChangePerson
            | Method::RefuseChangePerson
            | Method::AcceptAddPerson
            | Method::RefuseAddPerson
            | Method::QuitAddPerson => ArgShape::SidObj,
            Method::AskChangePerson
            | Method::CancelChangePerson
            | Method::AskAddPerson
            | Method::CancelAddPerson
            | Method::RemoveAddPerson => ArgShape::SidNewerObj,
        }
    }

    /// Checks the argument's presence and type (step 1 of SPEC §1's order).
    pub(crate) fn parse_args<V: Value>(self, arg: &V) -> Result<Args, SdkError> {
        let name = self.js_name();
        let bad = |what: &str| SdkError::new(ErrorCode::InvalidArgument, format!("{name}: {what}"));
        let text = |v: Option<V>, field: &str| match v.as_ref().map(|v| (v.shape(), v)) {
            Some((Shape::Str, s)) => match s.as_string() {
                Some(s) if !s.is_empty() => Ok(s),
                _ => Err(bad(&format!("`{field}` must not be empty"))),
            },
            None | Some((Shape::Null, _)) => Err(bad(&format!("`{field}` is required"))),
            Some(_) => Err(bad(&format!("`{field}` must be a string"))),
        };
        let mut a = Args::default();
        match self.shape() {
            ArgShape::None => {}
            ArgShape::Sid => a.sid = Some(text(Some(arg.clone()), "sid")?),
            ArgShape::SnapshotType => {
                a.snapshot_type = Some(match arg.as_string().as_deref() {
                    _ if arg.is_null() => "player",
                    Some("player") => "player",
                    Some("pusher") => "pusher",
                    _ => return Err(bad("`type` must be \"pusher\" or \"player\"")),
                })
            }
            ArgShape::SidObj | ArgShape::SidNewerObj => {
                if !arg.is_obj() {
                    return Err(bad("expects an object {sid, newer}"));
                }
                a.sid = Some(text(arg.get("sid"), "sid")?);
                if self.shape() == ArgShape::SidNewerObj {
                    a.newer = Some(text(arg.get("newer"), "newer")?);
                }
            }
        }
        Ok(a)
    }
}
