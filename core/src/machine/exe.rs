//! The EXE link protocol (SPEC §4.4): requests with ids and a reply timeout,
//! replies, unsolicited frames → EXE_EVENT.

use super::Agent;
use crate::codec::{snapshot_data_url, ExeFrame};
use crate::consts::{EventType, State};
use crate::error::{ErrorCode, Rejection, SdkError};
use crate::value::{obj, Frame, Value};
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

impl<V: Value> Agent<V> {
    fn exe_request(
        &mut self,
        cmd: &'static str,
        params: Vec<(&'static str, V)>,
        kind: ExeKind,
        calls: Vec<CallId>,
    ) {
        let id = self.next_exe_id;
        self.next_exe_id += 1;
        let mut frame = obj([("id", V::number(id as f64)), ("cmd", V::string(cmd))]);
        for (k, v) in params {
            frame.set(k, v);
        }
        if self.logs(LogLevel::Debug) {
            self.log(LogLevel::Debug, format!("EXE <- {cmd} #{id}"));
        }
        self.out.push_back(Output::ExeSend(frame));
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
        let params = vec![
            ("account", V::string(&self.cfg.account)),
            ("sdkVersion", V::string(env!("CARGO_PKG_VERSION"))),
        ];
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
        let params = vec![("sid", V::string(&c.sid)), ("streams", c.streams.clone())];
        let sid = c.sid.clone();
        self.exe_request("start", params, ExeKind::Start { sid }, Vec::new());
    }

    pub(crate) fn exe_stop(&mut self, sid: &str) {
        if self.exe.is_up() {
            self.exe_request(
                "stop",
                vec![("sid", V::string(sid))],
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
            vec![("type", V::string(kind))],
            ExeKind::Snapshot { kind },
            vec![call],
        );
    }

    pub(crate) fn on_exe_text(&mut self, text: Frame<V>) {
        if !matches!(self.exe, LinkState::Handshake | LinkState::Up { .. }) {
            return;
        }
        // The web layer measures before parsing; a caller that did not is
        // held to the same limit (as for pushes).
        if text.len > crate::MAX_FRAME_CHARS {
            return self.exe_too_large(text.len);
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
            .with_opt("exeCode", code.clone())
        };
        match p.kind {
            ExeKind::Hello if ok => {
                self.exe_version = data.str_of("exeVersion");
                self.exe_up()
            }
            ExeKind::Hello => {
                self.report(failure());
                self.out.push_back(Output::CloseExe);
                self.exe_down("本地视频客户端拒绝了 hello".into());
            }
            ExeKind::Start { .. } if ok => {}
            ExeKind::Start { sid } => {
                // The call stays busy so that the agent can hang up.
                let ev = obj([
                    ("code", code.as_ref().map_or_else(V::null, |c| c.to_value())),
                    ("msg", V::string(&msg)),
                    ("cmd", V::string("start")),
                    ("sid", V::string(&sid)),
                ]);
                self.emit(EventType::ExeEvent, ev);
                self.report(failure());
            }
            ExeKind::Stop if !ok => self.report(failure()),
            ExeKind::Stop => {}
            ExeKind::Snapshot { kind } => {
                let url = data.str_of("base64").and_then(|b| snapshot_data_url(&b));
                let result = match (ok, url) {
                    (true, Some(url)) => {
                        let shot = obj([("type", V::string(kind)), ("base64", V::string(&url))]);
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
                    self.report_for(e.clone(), p.calls.clone());
                }
                for c in p.calls {
                    self.settle(c, result.clone().map_err(Rejection::Local));
                }
            }
        }
    }

    /// An EXE frame over the size limit: reported, dropped.
    pub(crate) fn exe_too_large(&mut self, len: usize) {
        self.report(SdkError::new(
            ErrorCode::TooLarge,
            format!(
                "EXE frame of {len} characters dropped (limit {})",
                crate::MAX_FRAME_CHARS
            ),
        ));
    }

    /// Unsolicited frame → EXE_EVENT with the whole frame, `code`/`msg` always present.
    fn on_exe_event(&mut self, mut f: V) {
        let event = f.str_of("event").unwrap_or_default();
        if f.get("code").is_none() {
            f.set(
                "code",
                V::string(&format!("EXE_{}", event.to_ascii_uppercase())),
            );
        }
        if f.get("msg").is_none() {
            let detail = f.str_of("status").unwrap_or_default();
            f.set("msg", V::string(format!("{event} {detail}").trim()));
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
            self.cfg.exe_timeout_ms as u64
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
            self.report_for(e.clone(), p.calls.clone());
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
