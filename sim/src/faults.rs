//! Failures a test injects: the next N requests on a path get a business
//! code, an HTTP status, a raw body and/or a delay (`POST /sim/fail`), and
//! tokens that are answered 401 (`POST /sim/auth`, `--reject-token`).

use crate::codes::code_text;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

/// One injected failure (`POST /sim/fail` body).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpFault {
    /// Path without the leading slash, e.g. `rtv/call/answer` or `push-client/subscribe`.
    pub path: String,
    /// Only requests of this account (any account when absent).
    pub account: Option<String>,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Business code of the envelope.
    pub code: Option<i64>,
    /// HTTP status.
    pub status: Option<u16>,
    /// Delay before the answer (or before normal processing).
    #[serde(default)]
    pub delay_ms: u64,
    /// Raw response body.
    pub body: Option<String>,
}

fn one() -> u32 {
    1
}

/// The push channel's subscribe path.
pub const SUBSCRIBE_PATH: &str = "push-client/subscribe";

/// Every request path the SDK sends (the subscribe and the commands of the
/// video and dispatch services): where a failure can be injected, and what
/// the services answer (`sdk.rs` `known`).
pub const FAULT_PATHS: &[&str] = &[
    SUBSCRIBE_PATH,
    "rtv/call/answer",
    "rtv/call/refuse",
    "rtv/call/hangup",
    "rtv/change/ask",
    "rtv/change/cancel",
    "rtv/change/accept",
    "rtv/change/refuse",
    "rtv/add/ask",
    "rtv/add/cancel",
    "rtv/add/remove",
    "rtv/add/accept",
    "rtv/add/refuse",
    "rtv/add/quit",
    "rtv/session/current",
    "dispatch/agent/state",
    "dispatch/agent/heartbeat",
];

/// Most requests one failure applies to.
pub const FAULT_TIMES_MAX: u32 = 1_000_000;
/// Longest injected delay (ten minutes).
pub const FAULT_DELAY_MAX_MS: u64 = 600_000;

impl HttpFault {
    /// Checks what serde cannot: a known path, a real status, something to do.
    /// The error is the reason a `400` gives.
    pub fn validate(&self) -> Result<(), String> {
        let path = self.path.trim_start_matches('/');
        if !FAULT_PATHS.contains(&path) {
            return Err(format!(
                "unknown path {:?}; one of: {}",
                self.path,
                FAULT_PATHS.join(", ")
            ));
        }
        if self.account.as_deref() == Some("") {
            return Err("account must not be empty (leave it out for every account)".into());
        }
        if !(1..=FAULT_TIMES_MAX).contains(&self.times) {
            return Err(format!("times must be 1..={FAULT_TIMES_MAX}"));
        }
        if let Some(s) = self.status {
            if !(200..=599).contains(&s) {
                return Err(format!("status must be an HTTP status 200..=599, not {s}"));
            }
        }
        if self.delay_ms > FAULT_DELAY_MAX_MS {
            return Err(format!("delayMs must be at most {FAULT_DELAY_MAX_MS}"));
        }
        if self.code.is_none() && self.status.is_none() && self.body.is_none() && self.delay_ms == 0
        {
            return Err("give code, status, body or delayMs (nothing to inject)".into());
        }
        Ok(())
    }
}

/// Injected failures and rejected tokens.
pub struct Faults {
    http: Vec<HttpFault>,
    reject_tokens: HashSet<String>,
}

impl Faults {
    /// No failures; `reject` tokens are answered 401.
    pub fn new(reject: Vec<String>) -> Faults {
        Faults {
            http: Vec::new(),
            reject_tokens: reject.into_iter().collect(),
        }
    }

    /// Queues a failure (after those already queued for the same path).
    pub fn add(&mut self, mut fault: HttpFault) {
        fault.path = fault.path.trim_start_matches('/').to_string();
        if fault.times > 0 {
            self.http.push(fault);
        }
    }

    /// Replaces the rejected tokens.
    pub fn set_rejected(&mut self, tokens: Vec<String>) {
        self.reject_tokens = tokens.into_iter().collect();
    }

    /// Whether `token` is rejected.
    pub fn rejects(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| self.reject_tokens.contains(t))
    }

    /// Takes one use of the first failure matching the request.
    pub fn take(&mut self, path: &str, account: Option<&str>) -> Option<HttpFault> {
        let i = self.http.iter().position(|f| {
            f.path == path && f.account.as_deref().is_none_or(|a| Some(a) == account)
        })?;
        let f = &mut self.http[i];
        f.times -= 1;
        let out = f.clone();
        if f.times == 0 {
            self.http.remove(i);
        }
        Some(out)
    }
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let t = v.strip_prefix("Bearer ").unwrap_or(v).trim();
    Some(t.to_string())
}

/// The 401 answer for rejected credentials.
pub fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "unauthorized: token rejected").into_response()
}

/// Applies an injected failure taken for a request (`Faults::take`): waits
/// the delay, then returns the answer to send instead, or `None` to process
/// normally.
pub async fn respond(fault: Option<HttpFault>) -> Option<Response> {
    let fault = fault?;
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    let status = fault.status.and_then(|s| StatusCode::from_u16(s).ok());
    if let Some(body) = fault.body {
        let status = status.unwrap_or(StatusCode::OK);
        return Some((status, [(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    if let Some(code) = fault.code {
        let env = json!({"code": code, "msg": code_text(code), "data": null});
        return Some((status.unwrap_or(StatusCode::OK), axum::Json(env)).into_response());
    }
    status.map(|s| (s, format!("injected failure {}", s.as_u16())).into_response())
}
