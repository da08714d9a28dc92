//! The EXE link protocol (SPEC §4.4): requests with ids and a reply timeout,
//! replies, unsolicited frames → EXE_EVENT.

use super::Agent;
use crate::codec::{snapshot_data_url, ExeFrame};
use crate::consts::{EventType, State};
use crate::error::{ErrorCode, Rejection, SdkError};
use crate::json::Json;
use crate::{CallId, LogLevel, Millis, Output};

use super::links::LinkState;

/// What an EXE request was for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExeKind {
    Hello,
    Start { sid: String },
    Stop,
    Snapshot { kind: &'static str },
}

/// An EXE request waiting for its reply.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PendingExe {
    pub id: u64,
    pub kind: ExeKind,
    pub deadline: Millis,
    /// Snapshot promises (a double click joins the first).
    pub calls: Vec<CallId>,
}

impl Agent {
    fn exe_request(&mut self, cmd: &str, mut params: Json, kind: ExeKind, calls: Vec<CallId>) {
        let id = self.next_exe_id;
        self.next_exe_id += 1;
        let mut frame = Json::obj([("id", Json::Num(id as f64)), ("cmd", Json::str(cmd))]);
        if let Json::Obj(p) = &mut params {
            for (k, v) in p.drain(..) {
                frame.set(&k, v);
            }
        }
        if self.logs(LogLevel::Debug) {
            self.log(LogLevel::Debug, format!("EXE <- {frame}"));
        }
        self.out.push_back(Output::ExeSend(frame.to_string()));
        self.exe_pending.push(PendingExe {
            id,
            kind,
            deadline: self.now + self.cfg.exe_timeout_ms,
            calls,
        });
    }

    pub(crate) fn on_exe_opened(&mut self) {
        if self.exe != LinkState::Connecting {
            return;
        }
        self.exe = LinkState::Handshake;
        let params = Json::obj([
            ("account", Json::str(self.cfg.account.clone())),
            ("sdkVersion", Json::str(env!("CARGO_PKG_VERSION"))),
        ]);
        self.exe_request("hello", params, ExeKind::Hello, Vec::new());
    }

    /// Tells the EXE to start the current call's streams (when the link is up).
    pub(crate) fn exe_start(&mut self) {
        let Some(c) = self.call.as_ref().filter(|c| c.ring.is_none()) else {
            return;
        };
        if !self.exe.is_up() || self.state != State::Busy {
            return; // sent again by `exe_up()` when the link returns
        }
        let params = Json::obj([
            ("sid", Json::str(c.sid.clone())),
            ("streams", c.streams.clone()),
        ]);
        let sid = c.sid.clone();
        self.exe_request("start", params, ExeKind::Start { sid }, Vec::new());
    }

    pub(crate) fn exe_stop(&mut self, sid: &str) {
        if self.exe.is_up() {
            self.exe_request(
                "stop",
                Json::obj([("sid", Json::str(sid))]),
                ExeKind::Stop,
                Vec::new(),
            );
        }
    }

    /// A second snapshot of the same type while one is pending joins it.
    pub(crate) fn join_snapshot(&mut self, call: CallId, kind: &str) -> bool {
        match self.exe_pending.iter_mut().find(|p| {
            p.kind
                == ExeKind::Snapshot {
                    kind: static_kind(kind),
                }
        }) {
            Some(p) => {
                p.calls.push(call);
                true
            }
            None => false,
        }
    }

    pub(crate) fn exe_snapshot(&mut self, call: CallId, kind: &'static str) {
        if !self.exe.is_up() {
            return self.fail(
                call,
                SdkError::new(ErrorCode::ExeLinkLost, "本地视频客户端未连接, 无法截图"),
            );
        }
        self.exe_request(
            "snapshot",
            Json::obj([("type", Json::str(kind))]),
            ExeKind::Snapshot { kind },
            vec![call],
        );
    }

    pub(crate) fn on_exe_text(&mut self, text: &str) {
        if !matches!(self.exe, LinkState::Handshake | LinkState::Up { .. }) {
            return;
        }
        let frame = match ExeFrame::decode(text) {
            Ok(f) => f,
            Err(e) => return self.report(e),
        };
        let (id, ok, data, code, msg) = match frame {
            ExeFrame::Event(f) => return self.on_exe_event(f),
            ExeFrame::Reply {
                id,
                ok,
                data,
                code,
                msg,
            } => (id, ok, data, code, msg),
        };
        let Some(i) = self.exe_pending.iter().position(|p| p.id == id) else {
            return self.report(SdkError::new(
                ErrorCode::UnknownReply,
                format!("EXE reply to unknown request id {id}"),
            ));
        };
        let p = self.exe_pending.remove(i);
        let failure = || {
            SdkError::new(
                ErrorCode::ExeError,
                format!(
                    "EXE: {}",
                    if msg.is_empty() {
                        "request failed"
                    } else {
                        &msg
                    }
                ),
            )
            .with("exeCode", code.clone())
        };
        match p.kind {
            ExeKind::Hello if ok => self.exe_up(),
            ExeKind::Hello => {
                self.report(failure());
                self.out.push_back(Output::CloseExe);
                self.exe_down("本地视频客户端拒绝了 hello".into());
            }
            ExeKind::Start { sid } => {
                let current = self.call.as_mut().filter(|c| c.sid == sid);
                match (ok, current) {
                    (true, Some(c)) => c.streams_started = true,
                    (true, None) => {}
                    (false, _) => {
                        // The call stays busy so that the agent can hang up.
                        let ev = Json::obj([
                            ("code", code.clone()),
                            ("msg", Json::str(msg.clone())),
                            ("cmd", Json::str("start")),
                            ("sid", Json::str(sid)),
                        ]);
                        self.emit(EventType::ExeEvent, ev);
                        self.report(failure());
                    }
                }
            }
            ExeKind::Stop if !ok => self.report(failure()),
            ExeKind::Stop => {}
            ExeKind::Snapshot { kind } => {
                let url = data
                    .get("base64")
                    .and_then(Json::as_str)
                    .and_then(snapshot_data_url);
                let result = match (ok, url) {
                    (true, Some(url)) => {
                        let shot =
                            Json::obj([("type", Json::str(kind)), ("base64", Json::str(url))]);
                        self.emit(EventType::Snapshot, shot.clone());
                        Ok(shot)
                    }
                    (true, None) => Err(SdkError::new(
                        ErrorCode::BadMessage,
                        "EXE snapshot reply without base64 image",
                    )),
                    (false, _) => Err(failure()),
                };
                if let Err(e) = &result {
                    self.report(e.clone());
                }
                for c in p.calls {
                    self.settle(c, result.clone().map_err(Rejection::Local));
                }
            }
        }
    }

    /// Unsolicited frame → EXE_EVENT with the whole frame, `code`/`msg` always present.
    fn on_exe_event(&mut self, mut f: Json) {
        let event = f
            .get("event")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        if f.get("code").is_none() {
            f.set(
                "code",
                Json::str(format!("EXE_{}", event.to_ascii_uppercase())),
            );
        }
        if f.get("msg").is_none() {
            let detail = f.get("status").and_then(Json::as_str).unwrap_or("");
            f.set(
                "msg",
                Json::str(format!("{event} {detail}").trim().to_string()),
            );
        }
        self.emit(EventType::ExeEvent, f);
    }

    /// Requests past their deadline: the EXE is silent, treat the link as lost.
    pub(crate) fn expire_exe_requests(&mut self) {
        if !self.exe_pending.iter().any(|p| p.deadline <= self.now) {
            return;
        }
        self.out.push_back(Output::CloseExe);
        self.exe_down(format!(
            "本地视频客户端 {} ms 内未应答",
            crate::float_fmt::Num(self.cfg.exe_timeout_ms)
        ));
    }

    /// The link is gone: every waiting request fails.
    pub(crate) fn fail_exe_requests(&mut self) {
        for p in std::mem::take(&mut self.exe_pending) {
            if p.calls.is_empty() {
                continue;
            }
            let timed_out = p.deadline <= self.now;
            let e = if timed_out {
                SdkError::new(ErrorCode::Timeout, "EXE 截图超时")
            } else {
                SdkError::new(ErrorCode::ExeLinkLost, "本地视频客户端连接断开, 截图失败")
            };
            self.report(e.clone());
            for c in p.calls {
                self.settle(c, Err(Rejection::Local(e.clone())));
            }
        }
    }
}

fn static_kind(k: &str) -> &'static str {
    if k == "pusher" {
        "pusher"
    } else {
        "player"
    }
}
