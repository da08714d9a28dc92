//! Page methods: argument and state checks (SPEC §1 order), at most one
//! request on the wire per command, HTTP replies → state change, HTTP_BACK,
//! or a local error.

use super::{Agent, Ring, Role};
use crate::codec::Envelope;
use crate::consts::{http_back_text, EventType, State};
use crate::error::{ErrorCode, Rejection, SdkError};
use crate::methods::{Args, Method};
use crate::value::{obj, Value};
use crate::{CallId, HttpOutcome, HttpRequest, Output, ReqId};

/// Why an HTTP request was sent.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HttpKind {
    /// A video-service command of the page.
    Command { method: Method, args: Args },
    /// `agent/state`: `rest()`/`back()` (with calls), the sync's, or `offline`.
    Presence { state: &'static str, sync: bool },
    /// The sync's `session/current`.
    SessionCurrent,
    /// `agent/heartbeat`.
    Heartbeat,
}

impl HttpKind {
    fn path(&self) -> &'static str {
        match self {
            HttpKind::Command { method, .. } => method.video_path().unwrap_or("?"),
            HttpKind::Presence { .. } => "agent/state",
            HttpKind::SessionCurrent => "session/current",
            HttpKind::Heartbeat => "agent/heartbeat",
        }
    }
}

/// A request on the wire and the promises waiting for it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PendingHttp {
    pub id: ReqId,
    pub kind: HttpKind,
    pub calls: Vec<CallId>,
}

impl<V: Value> Agent<V> {
    pub(crate) fn on_call(&mut self, call: CallId, method: Method, arg: &V) {
        let args = match method.parse_args(arg) {
            Ok(a) => a,
            Err(e) => return self.fail(call, e),
        };
        if method == Method::Reconnect {
            self.push_backoff.reset();
            self.exe_backoff.reset();
            self.unblock_exe();
            self.on_resume();
            return self.settle(call, Ok(V::null()));
        }
        // A double click: settle with the first request's result.
        let presence = presence_of(method);
        if let Some(p) = self.http.iter_mut().find(|p| match &p.kind {
            HttpKind::Command { method: m, args: a } => *m == method && *a == args,
            HttpKind::Presence { state, sync: false } => {
                Some(*state) == presence && !p.calls.is_empty()
            }
            _ => false,
        }) {
            p.calls.push(call);
            return;
        }
        if method == Method::Snapshot
            && self.join_snapshot(call, args.snapshot_type.unwrap_or("player"))
        {
            return;
        }
        if let Err(e) = self.check_allowed(method, &args) {
            return self.fail(call, e);
        }
        if let Some(state) = presence {
            self.send_http(
                HttpKind::Presence { state, sync: false },
                vec![("state", V::string(state))],
                vec![call],
                false,
            );
            return;
        }
        if method == Method::Snapshot {
            return self.exe_snapshot(call, args.snapshot_type.unwrap_or("player"));
        }
        if matches!(method, Method::AcceptChangePerson | Method::AcceptAddPerson) {
            if let Some(c) = self.call.as_mut() {
                c.accept_sent = true;
            }
        }
        let mut body = vec![("sid", V::string(args.sid.as_deref().unwrap_or_default()))];
        if let Some(n) = &args.newer {
            body.push(("newer", V::string(n)));
        }
        self.send_http(HttpKind::Command { method, args }, body, vec![call], false);
    }

    /// SPEC §1: wrong state → INVALID_STATE, then another call's sid → INVALID_ARGUMENT.
    fn check_allowed(&self, method: Method, args: &Args) -> Result<(), SdkError> {
        let c = self.call.as_ref();
        let ringing = |r: Ring| self.state == State::Wait && c.is_some_and(|c| c.ring == Some(r));
        let in_call = |role: Role| {
            self.state == State::Busy && c.is_some_and(|c| c.ring.is_none() && c.role == role)
        };
        let owner = in_call(Role::Owner);
        let allowed = match method {
            Method::Rest => self.state == State::Ready,
            Method::Back => self.state == State::Leave,
            Method::Answer | Method::Refuse => ringing(Ring::Incoming),
            Method::AcceptChangePerson | Method::RefuseChangePerson => ringing(Ring::Exchange),
            Method::AcceptAddPerson | Method::RefuseAddPerson => ringing(Ring::Add),
            Method::HangUp | Method::AskChangePerson | Method::AskAddPerson => owner,
            Method::CancelChangePerson => owner && c.is_some_and(|c| c.change_pending.is_some()),
            Method::CancelAddPerson => owner && c.is_some_and(|c| c.add_pending.is_some()),
            Method::RemoveAddPerson => owner && c.is_some_and(|c| c.participant.is_some()),
            Method::QuitAddPerson => in_call(Role::Participant),
            Method::Snapshot => self.state == State::Busy,
            Method::Reconnect => true,
        };
        let name = method.js_name();
        if !allowed {
            return Err(SdkError::new(
                ErrorCode::InvalidState,
                format!("{name}() 不能在当前状态 {} 调用", self.state.as_str()),
            )
            .with("state", self.state.as_str()));
        }
        let (Some(c), Some(sid)) = (c, args.sid.as_deref()) else {
            return Ok(());
        };
        if c.sid != sid {
            return Err(SdkError::new(
                ErrorCode::InvalidArgument,
                format!("{name}(): sid {sid} 不是当前会话 {}", c.sid),
            ));
        }
        let expected = match method {
            Method::CancelChangePerson => c.change_pending.as_deref(),
            Method::CancelAddPerson => c.add_pending.as_deref(),
            Method::RemoveAddPerson => c.participant.as_deref(),
            _ => return Ok(()),
        };
        if expected != args.newer.as_deref() {
            return Err(SdkError::new(
                ErrorCode::InvalidArgument,
                format!("{name}(): newer 不是 {}", expected.unwrap_or("-")),
            ));
        }
        Ok(())
    }

    /// Queues a POST with `systemCode` and `account` added to the body.
    pub(crate) fn send_http(
        &mut self,
        kind: HttpKind,
        fields: Vec<(&'static str, V)>,
        calls: Vec<CallId>,
        keepalive: bool,
    ) -> ReqId {
        let id = self.next_req;
        self.next_req = self.next_req.wrapping_add(1).max(1);
        let mut body = obj([
            ("systemCode", V::string(&self.cfg.system_code)),
            ("account", V::string(&self.cfg.account)),
        ]);
        let debug = self.logs(crate::LogLevel::Debug);
        let mut line = if debug {
            format!("POST {}", kind.path())
        } else {
            String::new()
        };
        for (k, v) in fields {
            if debug {
                line.push(' ');
                line.push_str(k);
                line.push('=');
                line.push_str(&v.as_string().unwrap_or_default());
            }
            body.set(k, v);
        }
        let base = if matches!(kind, HttpKind::Presence { .. } | HttpKind::Heartbeat) {
            &self.cfg.state_url
        } else {
            &self.cfg.video_url
        };
        let url = format!("{base}{}", kind.path());
        if debug {
            self.log(crate::LogLevel::Debug, line);
        }
        self.out.push_back(Output::Http(HttpRequest {
            id,
            url,
            body,
            token: self.cfg.token.clone(),
            timeout_ms: self.cfg.http_timeout_ms,
            keepalive,
        }));
        if !keepalive {
            self.http.push(PendingHttp { id, kind, calls });
        }
        id
    }

    pub(crate) fn on_http(&mut self, id: ReqId, outcome: HttpOutcome<V>) {
        let Some(i) = self.http.iter().position(|p| p.id == id) else {
            return;
        };
        let PendingHttp { kind, calls, .. } = self.http.remove(i);
        let op = kind.path();
        let env = match outcome {
            HttpOutcome::Response { status, body } if (200..300).contains(&status) => {
                Envelope::decode(body)
            }
            HttpOutcome::Response { status, .. } => Err(SdkError::new(
                ErrorCode::HttpError,
                format!("{op}: HTTP {status}"),
            )
            .with("status", status as f64)),
            HttpOutcome::NetworkError(m) => Err(SdkError::new(
                ErrorCode::HttpError,
                format!("{op}: 网络错误 {m}"),
            )),
            HttpOutcome::Timeout => Err(SdkError::new(
                ErrorCode::Timeout,
                format!("{op}: 请求超时 ({} ms)", self.cfg.http_timeout_ms as u64),
            )),
        }
        .map_err(|e| e.with("op", op));
        let sid = match &kind {
            HttpKind::Command { args, .. } => args.sid.clone(),
            _ => self.call.as_ref().map(|c| c.sid.clone()),
        };
        // Business failure: HTTP_BACK event + numeric rejection, no `error`.
        let result = match env {
            Ok(env) if env.code != 0 => {
                let msg = env
                    .msg
                    .unwrap_or_else(|| http_back_text(env.code).to_string());
                self.emit(
                    EventType::HttpBack,
                    obj([
                        ("op", V::string(op)),
                        ("sid", crate::value::opt_string(sid.as_deref())),
                        ("code", V::number(env.code as f64)),
                        ("msg", V::string(&msg)),
                    ]),
                );
                Err(Rejection::Business {
                    code: env.code,
                    msg,
                })
            }
            Ok(env) => Ok(env.data),
            Err(e) => Err(Rejection::Local(e)),
        };
        match kind {
            HttpKind::Heartbeat => {
                if let Err(r) = result {
                    self.log(
                        crate::LogLevel::Warn,
                        format!("heartbeat failed: {}", r.describe()),
                    );
                }
            }
            HttpKind::SessionCurrent => self.on_session_current(id, result),
            HttpKind::Presence { sync: true, .. } => self.on_sync_presence(id, result),
            HttpKind::Presence { state, sync: false } => {
                if result.is_ok() && !calls.is_empty() {
                    self.want_leave = state == "leave";
                    match (state, self.state) {
                        ("leave", State::Ready) => self.set_state(State::Leave),
                        ("ready", State::Leave) => self.set_state(State::Ready),
                        _ => {}
                    }
                }
                self.settle_all(calls, result);
            }
            HttpKind::Command { method, args } => {
                match &result {
                    Ok(_) => self.apply_success(method, &args),
                    Err(_)
                        if matches!(
                            method,
                            Method::AcceptChangePerson | Method::AcceptAddPerson
                        ) =>
                    {
                        if let Some(c) = self
                            .call
                            .as_mut()
                            .filter(|c| Some(&c.sid) == args.sid.as_ref())
                        {
                            c.accept_sent = false;
                        }
                    }
                    Err(_) => {}
                }
                self.settle_all(calls, result);
            }
        }
    }

    /// Settles every waiting promise; a local failure is reported once, naming them all.
    fn settle_all(&mut self, calls: Vec<CallId>, result: Result<V, Rejection>) {
        if let Err(Rejection::Local(e)) = &result {
            self.report_for(e.clone(), calls.clone());
        }
        for c in calls {
            self.settle(c, result.clone());
        }
    }

    /// The platform accepted a command: apply its effect if the call is still the same.
    fn apply_success(&mut self, method: Method, args: &Args) {
        let Some(c) = self
            .call
            .as_mut()
            .filter(|c| Some(&c.sid) == args.sid.as_ref())
        else {
            return;
        };
        match method {
            Method::Answer if c.ring == Some(Ring::Incoming) => {
                c.ring = None;
                c.role = Role::Owner;
                self.set_state(State::Busy);
                self.exe_start();
            }
            Method::Refuse | Method::RefuseChangePerson | Method::RefuseAddPerson
                if c.ring.is_some() =>
            {
                self.end_call()
            }
            Method::HangUp | Method::QuitAddPerson if c.ring.is_none() => self.end_call(),
            Method::AskChangePerson => c.change_pending = args.newer.clone(),
            Method::CancelChangePerson => c.change_pending = None,
            Method::AskAddPerson => c.add_pending = args.newer.clone(),
            Method::CancelAddPerson => c.add_pending = None,
            Method::RemoveAddPerson => c.participant = None,
            _ => {}
        }
    }
}

fn presence_of(m: Method) -> Option<&'static str> {
    match m {
        Method::Rest => Some("leave"),
        Method::Back => Some("ready"),
        _ => None,
    }
}
