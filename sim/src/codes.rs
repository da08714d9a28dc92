//! Wire numbers of the platform: push message types and the business codes
//! of the HTTP envelope (SPEC §2), with the Chinese texts the platform sends.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A business failure code carried in the envelope (`code != 0`).
pub type Code = i64;

/// The session has already ended (or the sid is unknown).
pub const SESSION_FINISHED: Code = 100025;
/// The asked agent is busy or not ready.
pub const AGENT_BUSY: Code = 300003;
/// An ask (transfer or third party) is already pending on this session.
pub const ASK_PENDING: Code = 400001;
/// An agent asked itself.
pub const ASK_SELF: Code = 400002;
/// The cancel came after the asked agent accepted.
pub const ALREADY_ACCEPTED: Code = 400005;
/// The ask timed out or was refused before the cancel arrived.
pub const ASK_GONE: Code = 400006;
/// Any other failure (wrong state, malformed request).
pub const FAILED: Code = 500001;

/// The text the platform sends for a business code (SPEC §2, HTTP_BACK).
pub fn code_text(code: Code) -> &'static str {
    match code {
        100025 => "操作失败,该会话已经结束",
        200001 => "操作失败,服务受理失败",
        200002 => "操作失败,服务受理超时",
        300001 => "操作失败,从调度系统获取坐席失败",
        300002 => "操作失败,向调度系统拒接任务失败",
        300003 => "操作失败,坐席忙线",
        400001 => "操作失败,正在切换坐席中",
        400002 => "操作失败,不能切换给自己",
        400003 => "操作失败,正在等待被切换方应答",
        400004 => "操作失败(未启用)",
        400005 => "操作失败,对方已受理切换请求取消失败",
        400006 => "操作失败,受理超时或被请求方取消",
        _ => "操作失败",
    }
}

/// Push message types (SPEC §2, VideoControlCode).
pub mod msg {
    /// A customer's call is offered to the agent.
    pub const INCOMING_CALL: i64 = 50200;
    /// The customer hung up.
    pub const USER_INTERRUPT: i64 = 30017;
    /// The customer's connection dropped.
    pub const USER_OFF_LINE: i64 = 30019;
    /// The platform ended the call (ring or talk time-out).
    pub const AUTO_END_SESSION: i64 = 30000;
    /// Another agent asks this one to take its call over.
    pub const CHANGE_ASK: i64 = 20100;
    /// The asked agent accepted the transfer (to the old owner).
    pub const CHANGE_ACCEPT: i64 = 20101;
    /// The asked agent refused or did not answer (to the owner).
    pub const CHANGE_REJECT: i64 = 20102;
    /// The owner cancelled the transfer (to the asked agent).
    pub const CHANGE_CANCEL: i64 = 20103;
    /// Streams for the agent that took a call over.
    pub const CHANGE_LIVE_SRC: i64 = 50201;
    /// Streams for a third party that joined.
    pub const PARTICIPATOR_LIVE_SRC: i64 = 50202;
    /// A recording of a finished call.
    pub const VIDEO_REC_SRC: i64 = 50203;
    /// The session ended for this agent (removed participant, owner hung up).
    pub const END_SESSION: i64 = 30025;
    /// The owner invites this agent as third party.
    pub const ADD_ASK: i64 = 20200;
    /// The invited agent joined (to the owner).
    pub const ADD_ACCEPT: i64 = 20201;
    /// The invited agent refused or did not answer (to the owner).
    pub const ADD_REJECT: i64 = 20202;
    /// The third party left or was removed (to the owner).
    pub const ADD_DEL: i64 = 20203;
    /// The owner cancelled the invitation (to the invited agent).
    pub const ADD_CANCEL: i64 = 20204;
}

/// Whether `code` is one of the push codes that end a call for an agent.
pub fn is_hangup(code: i64) -> bool {
    matches!(
        code,
        msg::AUTO_END_SESSION | msg::USER_INTERRUPT | msg::USER_OFF_LINE | msg::END_SESSION
    )
}

/// The success envelope.
pub fn ok(data: Value) -> Response {
    Json(json!({"code": 0, "msg": "ok", "data": data})).into_response()
}

/// A business failure envelope (HTTP 200, `code != 0`).
pub fn fail(code: Code) -> Response {
    Json(json!({"code": code, "msg": code_text(code), "data": null})).into_response()
}

/// Turns a command's outcome into the envelope.
pub fn envelope(outcome: Result<Value, Code>) -> Response {
    match outcome {
        Ok(data) => ok(data),
        Err(code) => fail(code),
    }
}
