//! The public constants of SPEC §2: agent states, event types, push message
//! codes and the platform's business error texts. One table each; the JS
//! `RtVideo.Consts` object and the TypeScript literal types are generated from
//! these tables (see `consts_js()`), so the names cannot drift apart.

use std::fmt;

/// The agent states (`ServiceFsmState`), wire values in lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Links down or start-up not finished.
    Disconnected,
    /// Available for calls.
    Ready,
    /// Resting (`rest()`).
    Leave,
    /// A call or an ask is ringing.
    Wait,
    /// In a call.
    Busy,
}

impl State {
    /// Every state, in table order.
    pub const ALL: [State; 5] = [
        State::Disconnected,
        State::Ready,
        State::Leave,
        State::Wait,
        State::Busy,
    ];

    /// The wire/JS string.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Disconnected => "disconnected",
            State::Ready => "ready",
            State::Leave => "leave",
            State::Wait => "wait",
            State::Busy => "busy",
        }
    }

    /// The `ServiceFsmState` constant name.
    pub fn const_name(self) -> &'static str {
        match self {
            State::Disconnected => "DISCONNECTED",
            State::Ready => "READY",
            State::Leave => "LEAVE",
            State::Wait => "WAIT",
            State::Busy => "BUSY",
        }
    }
}

/// [`State::as_str`] (for tests; the SDK's texts use `as_str`).
impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `type` of an event passed to `next` (`VideoEventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// 50200 pushed.
    IncomingCall,
    /// Active session found at start or after a reconnect.
    RecoveryCall,
    /// The current call ended by the platform or the customer.
    IncomingCallHangup,
    /// A recording URL (50203).
    Videotape,
    /// A snapshot from the EXE.
    Snapshot,
    /// A state change.
    StateChange,
    /// A business failure of a command.
    HttpBack,
    /// Something from or about the EXE link.
    ExeEvent,
    /// Transfer flow (20100–20103, 50201).
    ExchangeCall,
    /// Third-party flow (20200–20204, 50202).
    AddCall,
    /// An image URL (50204).
    Image,
}

impl EventType {
    /// Every event type, in table order.
    pub const ALL: [EventType; 11] = [
        EventType::IncomingCall,
        EventType::RecoveryCall,
        EventType::IncomingCallHangup,
        EventType::Videotape,
        EventType::Snapshot,
        EventType::StateChange,
        EventType::HttpBack,
        EventType::ExeEvent,
        EventType::ExchangeCall,
        EventType::AddCall,
        EventType::Image,
    ];

    /// The value (equal to the constant name).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::IncomingCall => "INCOMING_CALL",
            EventType::RecoveryCall => "RECOVERY_CALL",
            EventType::IncomingCallHangup => "INCOMING_CALL_HANGUP",
            EventType::Videotape => "VIDEOTAPE",
            EventType::Snapshot => "SNAPSHOT",
            EventType::StateChange => "STATE_CHANGE",
            EventType::HttpBack => "HTTP_BACK",
            EventType::ExeEvent => "EXE_EVENT",
            EventType::ExchangeCall => "EXCHANGE_CALL",
            EventType::AddCall => "ADD_CALL",
            EventType::Image => "IMAGE",
        }
    }
}

/// A push message code (`msgType`). Unknown codes are data, not crashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MsgType(pub i64);

macro_rules! msg_types {
    ($($name:ident = $val:expr,)*) => {
        impl MsgType {
            $(
                #[doc = concat!("`VideoControlCode.", stringify!($name), "`")]
                pub const $name: MsgType = MsgType($val);
            )*
            /// Every known code with its `VideoControlCode` name.
            pub const ALL: &'static [(&'static str, MsgType)] = &[$((stringify!($name), MsgType($val)),)*];
        }
    };
}

msg_types! {
    INCOMING_CALL = 50200,
    USER_INTERRUPT = 30017,
    USER_OFF_LINE = 30019,
    AUTO_END_SESSION = 30000,
    STAFF_CHANGE_ASK = 20100,
    STAFF_CHANGE_CALL_BACK_ACCEPT = 20101,
    STAFF_CHANGE_CALL_BACK_REJECT = 20102,
    STAFF_CHANGE_CALL_BACK_CANCEL = 20103,
    STAFF_CHANGE_LIVE_SRC = 50201,
    PARTICIPATOR_LIVE_SRC = 50202,
    VIDEO_REC_SRC = 50203,
    IMG_SRC = 50204,
    END_SESSION = 30025,
    ADDPARTICIPATOR_ASK = 20200,
    ADDPARTICIPATOR_CALL_BACK_ACCEPT = 20201,
    ADDPARTICIPATOR_CALL_BACK_REJECT = 20202,
    ADDPARTICIPATOR_DEL = 20203,
    ADDPARTICIPATOR_CANCEL = 20204,
}

impl MsgType {
    /// Known code?
    pub fn is_known(self) -> bool {
        Self::ALL.iter().any(|(_, m)| *m == self)
    }

    /// One of the four "call is over" codes.
    pub fn is_hangup(self) -> bool {
        matches!(
            self,
            MsgType::AUTO_END_SESSION
                | MsgType::USER_INTERRUPT
                | MsgType::USER_OFF_LINE
                | MsgType::END_SESSION
        )
    }

    /// `NAME(code)`, or `<unknown code>`: how log and error texts name it.
    pub fn label(self) -> String {
        match Self::ALL.iter().find(|(_, m)| *m == self) {
            Some((name, _)) => format!("{name}({})", self.0),
            None => format!("<unknown {}>", self.0),
        }
    }
}

/// [`MsgType::label`] (for tests; the SDK's texts call `label` itself, which
/// keeps `core::fmt` out of the wasm).
impl fmt::Display for MsgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The platform's business error codes with their texts (HTTP_BACK).
pub const HTTP_BACK: &[(i64, &str)] = &[
    (100025, "操作失败,该会话已经结束"),
    (200001, "操作失败,服务受理失败"),
    (200002, "操作失败,服务受理超时"),
    (300001, "操作失败,从调度系统获取坐席失败"),
    (300002, "操作失败,向调度系统拒接任务失败"),
    (300003, "操作失败,坐席忙线"),
    (400001, "操作失败,正在切换坐席中"),
    (400002, "操作失败,不能切换给自己"),
    (400003, "操作失败,正在等待被切换方应答"),
    (400004, "操作失败(未启用)"),
    (400005, "操作失败,对方已受理切换请求取消失败"),
    (400006, "操作失败,受理超时或被请求方取消"),
    (500001, "操作失败"),
];

/// The text for a business code; a generic text for codes not in the table.
pub fn http_back_text(code: i64) -> &'static str {
    HTTP_BACK
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
        .unwrap_or("操作失败")
}

/// `RtVideo.Consts` as a JavaScript object literal (the JS glue and the
/// TypeScript declarations are generated from this, so they match the tables).
pub fn consts_js() -> String {
    let mut s = String::from("{\n  VideoEventType: {\n");
    for e in EventType::ALL {
        s += &format!("    {}: '{}',\n", e.as_str(), e.as_str());
    }
    s += "    EXE_ERROR: 'EXE_EVENT',\n  },\n  ServiceFsmState: {\n";
    for st in State::ALL {
        s += &format!("    {}: '{}',\n", st.const_name(), st.as_str());
    }
    s += "  },\n  VideoControlCode: {\n";
    for (name, m) in MsgType::ALL {
        s += &format!("    {name}: {},\n", m.0);
    }
    s += "  },\n}";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_spec() {
        assert_eq!(MsgType::ALL.len(), 18);
        assert_eq!(MsgType::IMG_SRC.0, 50204);
        assert_eq!(http_back_text(300003), "操作失败,坐席忙线");
        assert_eq!(http_back_text(42), "操作失败");
        assert_eq!(MsgType(1).to_string(), "<unknown 1>");
        let js = consts_js();
        assert!(js.contains("EXE_ERROR: 'EXE_EVENT'"));
        assert!(js.contains("IMAGE: 'IMAGE'"));
        assert!(js.contains("ADDPARTICIPATOR_CANCEL: 20204"));
        assert!(js.contains("DISCONNECTED: 'disconnected'"));
    }

    #[test]
    fn labels_read_as_before() {
        assert_eq!(MsgType::INCOMING_CALL.label(), "INCOMING_CALL(50200)");
        assert_eq!(MsgType(-3).label(), "<unknown -3>");
        assert_eq!(MsgType::END_SESSION.to_string(), "END_SESSION(30025)");
    }

    /// The literal as `format!` built it before `txt!` replaced it.
    #[test]
    fn consts_js_reads_as_before() {
        let mut s = String::from("{\n  VideoEventType: {\n");
        for e in EventType::ALL {
            s += &format!("    {0}: '{0}',\n", e.as_str());
        }
        s += "    EXE_ERROR: 'EXE_EVENT',\n  },\n  ServiceFsmState: {\n";
        for st in State::ALL {
            s += &format!("    {}: '{}',\n", st.const_name(), st.as_str());
        }
        s += "  },\n  VideoControlCode: {\n";
        for (name, m) in MsgType::ALL {
            s += &format!("    {name}: {},\n", m.0);
        }
        s += "  },\n}";
        assert_eq!(consts_js(), s);
    }
}
