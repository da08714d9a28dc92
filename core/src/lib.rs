//! Sans-IO core of the snk-rt-video-pc agent SDK.
//!
//! Everything that decides (the agent state machine of SPEC §3, the push and
//! EXE codecs, msgType → event dispatch, retry policies, exactly-once delivery)
//! lives here as plain Rust with no networking and no clock: the caller feeds
//! [`Input`]s with the current time, drains [`Output`]s with
//! [`Agent::poll_output`], and arms one timer for [`Agent::poll_timeout`].
//! The browser layer (`src/web`) only performs the outputs.
//!
//! ```
//! use rtv_core::{Agent, Config, Input, Output};
//! let opts: serde_json::Value =
//!     serde_json::from_str(r#"{"systemCode":"S","account":"a1","profile":"dev"}"#).unwrap();
//! let mut agent = Agent::new(Config::from_value(&opts).unwrap(), 0.0, 7);
//! agent.handle_input(0.0, Input::<serde_json::Value>::PushOpened);
//! while let Some(out) = agent.poll_output() {
//!     if let Output::OpenExe { url } = out { assert_eq!(url, "ws://127.0.0.1:18686/rtv") }
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backoff;
pub mod codec;
pub mod config;
pub mod consts;
pub mod error;
pub mod facts;
mod machine;
mod methods;
pub mod text;
pub mod trace;
pub mod value;

pub use config::{Config, ConfigError, LogLevel};
pub use consts::{EventType, MsgType, State};
pub use error::{ErrorCode, Rejection, SdkError};
pub use machine::Agent;
pub use methods::Method;
pub use value::{Frame, Shape, Value};

/// Milliseconds on the caller's monotonic clock (`performance.now()`).
pub type Millis = f64;
/// Identifies one method call (one promise) of the page.
pub type CallId = u32;
/// Identifies one HTTP request the core asked for.
pub type ReqId = u32;

/// Largest push `data` / EXE frame accepted, in UTF-16 code units (SPEC §5).
pub const MAX_FRAME_CHARS: usize = 1_048_576;

/// The state of the browser's local network permission (SPEC §4.4), which a
/// page served from a public address needs before its WebSocket may reach
/// 127.0.0.1. The browser's `PermissionState` plus what the SDK knows of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalNetwork {
    /// The browser knows no such permission (Chromium before 142, Firefox), or
    /// nobody said: the EXE link behaves as without it.
    Unsupported,
    /// The web layer is asking the browser; the answer follows.
    Asking,
    /// Not decided: the browser may ask the agent (or, on a page that does not
    /// need it, never will).
    Prompt,
    /// Allowed.
    Granted,
    /// Refused (by the agent, a policy, or a browser that cannot ask).
    Denied,
}

impl LocalNetwork {
    /// The name in traces and logs (the browser's own for the last three).
    pub fn as_str(self) -> &'static str {
        match self {
            LocalNetwork::Unsupported => "unsupported",
            LocalNetwork::Asking => "asking",
            LocalNetwork::Prompt => "prompt",
            LocalNetwork::Granted => "granted",
            LocalNetwork::Denied => "denied",
        }
    }

    /// The state named `s` (`as_str`); an unknown name is `Unsupported`.
    pub fn from_name(s: &str) -> LocalNetwork {
        match s {
            "asking" => LocalNetwork::Asking,
            "prompt" => LocalNetwork::Prompt,
            "granted" => LocalNetwork::Granted,
            "denied" => LocalNetwork::Denied,
            _ => LocalNetwork::Unsupported,
        }
    }
}

/// What happened, fed to [`Agent::handle_input`].
#[derive(Clone, Debug, PartialEq)]
pub enum Input<V> {
    /// The page called a method; `arg` is its first argument (`undefined`
    /// reads as `null`).
    Call {
        /// Promise to settle.
        call: CallId,
        /// Which method.
        method: Method,
        /// The argument.
        arg: V,
    },
    /// The EventSource opened.
    PushOpened,
    /// A default-event (`message`) push: its `lastEventId` and `data`.
    PushMessage {
        /// The SSE `id:` (`None` when the message had none).
        id: Option<String>,
        /// The SSE `data:`, parsed.
        data: Frame<V>,
    },
    /// A `message` push as the browser's reader saw it (its fast path): the
    /// facts the checks need, read in one call ([`facts`]). Handled like
    /// [`Input::PushMessage`], recorded as one (its `data` has no parsed
    /// value; the text is for the trace).
    PushRead {
        /// The SSE `id:` (`None` when the message had none).
        id: Option<String>,
        /// The SSE `data:` text and length (`value` is `None`).
        data: Frame<V>,
        /// What the reader found (boxed: every input, and each of the
        /// trace's 5,000 entries, is as large as the largest variant).
        facts: Box<facts::PushFacts<V>>,
    },
    /// A push whose data exceeded [`MAX_FRAME_CHARS`]; the text was not copied.
    PushOversized {
        /// The SSE `id:`.
        id: Option<String>,
        /// Its length in UTF-16 units.
        len: usize,
    },
    /// An `event: ping` arrived.
    PushPing,
    /// The EventSource failed and was closed. `status` is the HTTP status of
    /// the subscribe URL as probed by the web layer (`None`: network error).
    PushDown {
        /// Probed status.
        status: Option<u16>,
        /// True when the answer was 200 but not `text/event-stream`.
        wrong_type: bool,
    },
    /// The EXE WebSocket opened.
    ExeOpened,
    /// A text frame from the EXE, parsed.
    ExeText(Frame<V>),
    /// An EXE frame over [`MAX_FRAME_CHARS`] (or binary); not copied.
    ExeOversized {
        /// Its length.
        len: usize,
    },
    /// The EXE WebSocket closed (or failed to open).
    ExeClosed {
        /// The close code (1006 for an abnormal close).
        code: u16,
    },
    /// An HTTP request finished.
    Http {
        /// The request.
        id: ReqId,
        /// How it went.
        outcome: HttpOutcome<V>,
    },
    /// The network came back or the page was shown again (`online`,
    /// `pageshow`, `visibilitychange` to visible): retry links now.
    Resume,
    /// The page is being unloaded or frozen (`pagehide`, `freeze`): report
    /// `offline`, close both links, retry nothing until [`Input::Resume`],
    /// which then re-syncs as after an outage.
    PageHide,
    /// `destroy()`.
    Destroy,
    /// The browser's local network permission for the EXE link (Chromium's
    /// Local Network Access): what the web layer read, answering
    /// [`Output::CheckLocalNetwork`] or following the permission's `change`.
    LocalNetwork(LocalNetwork),
    /// Another instance of the agent takes over (a tab leaves while others
    /// remain): close everything and complete, without reporting `offline`.
    Handover,
}

/// The result of one HTTP request.
#[derive(Clone, Debug, PartialEq)]
pub enum HttpOutcome<V> {
    /// A response arrived.
    Response {
        /// Status code.
        status: u16,
        /// The body, parsed.
        body: Frame<V>,
    },
    /// `fetch` rejected (network, CORS, aborted by the page).
    NetworkError(String),
    /// No response within the request's timeout (the web layer aborted it).
    Timeout,
}

/// One POST the core wants sent (always `Content-Type: application/json`).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest<V> {
    /// Reported back in [`Input::Http`] (unused for keepalive requests).
    pub id: ReqId,
    /// Full URL.
    pub url: String,
    /// The body object (always has `systemCode` and `account`), sent as
    /// `JSON.stringify(body)`.
    pub body: V,
    /// `Authorization: Bearer <token>` when set.
    pub token: Option<String>,
    /// Abort after this many milliseconds and report [`HttpOutcome::Timeout`].
    pub timeout_ms: Millis,
    /// `fetch(..., {keepalive: true})`, fire and forget (unload, destroy).
    pub keepalive: bool,
}

/// What the caller must do, drained with [`Agent::poll_output`].
#[derive(Clone, Debug, PartialEq)]
pub enum Output<V> {
    /// Call `next({type, data})`.
    Event {
        /// Event type.
        kind: EventType,
        /// Event payload (an object).
        data: V,
    },
    /// Call `error(payload)`.
    Error {
        /// The payload.
        error: SdkError,
        /// The method calls this error is the failure of (each also rejected
        /// with it, in a [`Output::Settle`] that follows); empty for the
        /// agent's and the links' errors. A tab group reports an error of a
        /// call to the tab that called only (docs/DECISIONS.md D100).
        calls: Vec<CallId>,
    },
    /// Settle the promise of a method call.
    Settle {
        /// Which promise.
        call: CallId,
        /// Resolve value or rejection.
        result: Result<V, Rejection>,
    },
    /// Send an HTTP request.
    Http(HttpRequest<V>),
    /// Create an EventSource on this URL (closing any previous one).
    OpenPush {
        /// Subscribe URL (holds the token: never log it as is).
        url: String,
    },
    /// Close the EventSource.
    ClosePush,
    /// Open the EXE WebSocket (closing any previous one).
    OpenExe {
        /// The URL.
        url: String,
    },
    /// Close the EXE WebSocket.
    CloseExe,
    /// Read the local network permission again and answer with
    /// [`Input::LocalNetwork`] (an EXE attempt failed before its socket opened).
    CheckLocalNetwork,
    /// Send a frame to the EXE (`JSON.stringify(frame)`).
    ExeSend(V),
    /// A console line (already free of secrets).
    Log {
        /// Level.
        level: LogLevel,
        /// Text.
        msg: String,
    },
    /// Call `complete()`; the instance is over, nothing follows.
    Complete,
}
