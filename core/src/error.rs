//! Stable error codes for the `error` callback and promise rejections.
use crate::value::{obj, Value};

/// A stable error code (the `code` string the page sees).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Invalid constructor options (script-tag build still loading).
    Config,
    /// The push channel rejected the credentials (401/403).
    Auth,
    /// A method argument is missing, mistyped, or names another call.
    InvalidArgument,
    /// The method is not allowed in the current state.
    InvalidState,
    /// Non-2xx status or network failure of an HTTP command.
    HttpError,
    /// No answer in time (HTTP command or EXE request).
    Timeout,
    /// An HTTP body that is not the `{code,msg,data}` envelope.
    BadResponse,
    /// A push message or EXE frame that is not well-formed.
    BadMessage,
    /// A push message with a `msgType` we do not know.
    UnknownMsgType,
    /// A push message or EXE frame over the size limit.
    TooLarge,
    /// A push message that does not fit the current state.
    UnexpectedMessage,
    /// An EXE reply to a request id we never sent (or already settled).
    UnknownReply,
    /// The EXE link went down (or a request to it failed).
    ExeLinkLost,
    /// The EXE answered a request with `ok: false`.
    ExeError,
    /// The browser's local network permission keeps the page from the EXE.
    ExeBlocked,
    /// The push channel went down.
    PushLinkLost,
    /// Links stayed down longer than the grace period.
    Disconnected,
    /// The instance was destroyed (promise rejections only).
    Destroyed,
    /// A bug in the SDK; reported instead of a crash.
    Internal,
    /// The browser cannot run the SDK (a required API is missing or the wasm
    /// does not compile). Raised by the JS loaders (pkg-template/support.js),
    /// listed here so that every code comes from this one table.
    UnsupportedBrowser,
}

impl ErrorCode {
    /// The stable string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Config => "CONFIG",
            ErrorCode::Auth => "AUTH",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::HttpError => "HTTP_ERROR",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::BadResponse => "BAD_RESPONSE",
            ErrorCode::BadMessage => "BAD_MESSAGE",
            ErrorCode::UnknownMsgType => "UNKNOWN_MSG_TYPE",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::UnexpectedMessage => "UNEXPECTED_MESSAGE",
            ErrorCode::UnknownReply => "UNKNOWN_REPLY",
            ErrorCode::ExeLinkLost => "EXE_LINK_LOST",
            ErrorCode::ExeError => "EXE_ERROR",
            ErrorCode::ExeBlocked => "EXE_BLOCKED",
            ErrorCode::PushLinkLost => "PUSH_LINK_LOST",
            ErrorCode::Disconnected => "DISCONNECTED",
            ErrorCode::Destroyed => "DESTROYED",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::UnsupportedBrowser => "UNSUPPORTED_BROWSER",
        }
    }

    /// Every code, in the order of the documentation (the TypeScript union is
    /// generated from this list by `examples/gen_consts.rs`).
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::Config,
        ErrorCode::Auth,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidState,
        ErrorCode::HttpError,
        ErrorCode::Timeout,
        ErrorCode::BadResponse,
        ErrorCode::BadMessage,
        ErrorCode::UnknownMsgType,
        ErrorCode::TooLarge,
        ErrorCode::UnexpectedMessage,
        ErrorCode::UnknownReply,
        ErrorCode::ExeLinkLost,
        ErrorCode::ExeError,
        ErrorCode::ExeBlocked,
        ErrorCode::PushLinkLost,
        ErrorCode::Disconnected,
        ErrorCode::Destroyed,
        ErrorCode::Internal,
        ErrorCode::UnsupportedBrowser,
    ];
}

/// A local failure: what the `error` callback and a rejected promise carry.
#[derive(Clone, Debug, PartialEq)]
pub struct SdkError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable text (Chinese or English).
    pub msg: String,
    /// Extra members merged into the payload, in order.
    pub extra: Vec<(&'static str, Extra)>,
}

/// An extra member of an error payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
}

impl Extra {
    /// As a value.
    pub fn to_value<V: Value>(&self) -> V {
        match self {
            Extra::Num(n) => V::number(*n),
            Extra::Str(s) => V::string(s),
        }
    }
}

impl From<&str> for Extra {
    fn from(s: &str) -> Extra {
        Extra::Str(s.to_string())
    }
}

impl From<String> for Extra {
    fn from(s: String) -> Extra {
        Extra::Str(s)
    }
}

impl From<f64> for Extra {
    fn from(n: f64) -> Extra {
        Extra::Num(n)
    }
}

impl SdkError {
    /// An error without extra members.
    pub fn new(code: ErrorCode, msg: impl Into<String>) -> Self {
        SdkError {
            code,
            msg: msg.into(),
            extra: Vec::new(),
        }
    }

    /// Adds a member to the payload (`code` and `msg` cannot be replaced).
    pub fn with(mut self, key: &'static str, value: impl Into<Extra>) -> Self {
        if key != "code" && key != "msg" {
            let value = value.into();
            match self.extra.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => self.extra.push((key, value)),
            }
        }
        self
    }

    /// Adds a member when there is one.
    pub fn with_opt(self, key: &'static str, value: Option<Extra>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// Member `key` of the extra members.
    pub fn extra(&self, key: &str) -> Option<&Extra> {
        self.extra.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The payload object `{code, msg, ...extra}`.
    pub fn to_value<V: Value>(&self) -> V {
        let mut o: V = obj([
            ("code", V::string(self.code.as_str())),
            ("msg", V::string(&self.msg)),
        ]);
        for (k, v) in &self.extra {
            o.set(k, v.to_value());
        }
        o
    }
}

/// Why a method's promise was rejected.
#[derive(Clone, Debug, PartialEq)]
pub enum Rejection {
    /// A local failure (also reported through `error`, except `Destroyed`).
    Local(SdkError),
    /// A business failure from the platform: `{code: <number>, msg}`.
    Business {
        /// The platform's code.
        code: i64,
        /// The platform's text, or the table text.
        msg: String,
    },
}

impl Rejection {
    /// `CODE: msg`, for logs.
    pub fn describe(&self) -> String {
        match self {
            Rejection::Local(e) => format!("{}: {}", e.code.as_str(), e.msg),
            Rejection::Business { code, msg } => format!("{code}: {msg}"),
        }
    }

    /// The value the promise rejects with.
    pub fn to_value<V: Value>(&self) -> V {
        match self {
            Rejection::Local(e) => e.to_value(),
            Rejection::Business { code, msg } => {
                obj([("code", V::number(*code as f64)), ("msg", V::string(msg))])
            }
        }
    }
}
