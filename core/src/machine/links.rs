//! Links and presence: push channel and EXE socket lifecycles with backoff,
//! the grace period, the start-up/recovery sync (`session/current` then
//! `agent/state`), heartbeats, the ping watchdog, `offline` on unload.

use super::{Agent, Call, Role};
use crate::config::LogLevel;
use crate::consts::{EventType, State};
use crate::error::{ErrorCode, Rejection, SdkError};
use crate::machine::commands::HttpKind;
use crate::value::{obj, Value};
use crate::{Millis, Output, ReqId};

/// Push channel backoff: base and cap (SPEC §3: cap 30 s).
pub(crate) const PUSH_BASE_MS: Millis = 1_000.0;
pub(crate) const PUSH_CAP_MS: Millis = 30_000.0;
/// EXE backoff: base and cap (SPEC §3: cap 10 s).
pub(crate) const EXE_BASE_MS: Millis = 500.0;
pub(crate) const EXE_CAP_MS: Millis = 10_000.0;
/// A link that stayed up this long gets its backoff reset when it drops.
pub(crate) const STABLE_MS: Millis = 10_000.0;
/// No push traffic (message or ping, sent every 15 s) for this long: the
/// connection is stalled or half-open, so close it and reconnect.
pub(crate) const PING_SILENCE_MS: Millis = 45_000.0;
/// Heartbeat period (SPEC §4.3; the platform drops agents silent for 60 s).
pub(crate) const HEARTBEAT_MS: Millis = 20_000.0;
/// A push failure reported this soon after `Resume` (the status probe takes
/// up to 5 s after a 0.1 s delay) is retried at once, not after a backoff.
pub(crate) const RESUME_WINDOW_MS: Millis = 6_000.0;
/// How early a heartbeat may go out when an input (not the timer) runs.
pub(crate) const HEARTBEAT_SLACK_MS: Millis = 5_000.0;

/// Where a link is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum LinkState {
    /// Closed; reopen at `retry_at`.
    Down { retry_at: Option<Millis> },
    /// Opening.
    Connecting,
    /// EXE only: socket open, `hello` not answered yet.
    Handshake,
    /// Usable since the given time.
    Up { since: Millis },
}

impl LinkState {
    pub(crate) fn is_up(self) -> bool {
        matches!(self, LinkState::Up { .. })
    }
    pub(crate) fn is_down(self) -> bool {
        matches!(self, LinkState::Down { .. })
    }
    pub(crate) fn retry_at(self) -> Option<Millis> {
        match self {
            LinkState::Down { retry_at } => retry_at,
            _ => None,
        }
    }
    fn up_for(self, now: Millis) -> Millis {
        match self {
            LinkState::Up { since } => now - since,
            _ => 0.0,
        }
    }
}

/// The start-up/recovery sequence after both links are up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Sync {
    /// Not running; start (again) at `retry_at` or as soon as links are up.
    Idle { retry_at: Option<Millis> },
    /// `session/current` in flight.
    Session(ReqId),
    /// `agent/state` in flight.
    Presence(ReqId),
    /// Finished: the agent is connected.
    Done,
}

impl Sync {
    pub(crate) fn retry_at(self) -> Option<Millis> {
        match self {
            Sync::Idle { retry_at } => retry_at,
            _ => None,
        }
    }

    /// `session/current` or the sync's `agent/state` is in flight.
    pub(crate) fn in_flight(self) -> bool {
        matches!(self, Sync::Session(_) | Sync::Presence(_))
    }
}

impl<V: Value> Agent<V> {
    pub(crate) fn open_push(&mut self) {
        let url = self.cfg.subscribe_url(self.dedup.resume_id());
        self.push = LinkState::Connecting;
        self.last_push_activity = self.now;
        self.log(
            LogLevel::Info,
            format!("opening push channel for {}", self.cfg.account),
        );
        self.out.push_back(Output::OpenPush { url });
    }

    pub(crate) fn open_exe(&mut self) {
        self.exe = LinkState::Connecting;
        self.log(
            LogLevel::Info,
            format!("opening EXE link {}", self.cfg.exe_url),
        );
        self.out.push_back(Output::OpenExe {
            url: self.cfg.exe_url.clone(),
        });
    }

    pub(crate) fn on_push_opened(&mut self) {
        if self.suspended {
            return; // a late event of the EventSource closed on `pagehide`
        }
        self.push_resumed_at = None;
        self.push = LinkState::Up { since: self.now };
        self.log(LogLevel::Info, "push channel open".into());
        self.last_push_activity = self.now;
        if self.push_lost_reported {
            self.log(LogLevel::Info, "push channel restored".into());
        }
        self.push_lost_reported = false;
        self.link_restored();
    }

    pub(crate) fn on_push_down(&mut self, status: Option<u16>, wrong_type: bool) {
        if let Some(s @ (401 | 403)) = status {
            self.report(
                SdkError::new(
                    ErrorCode::Auth,
                    format!("推送通道拒绝了凭证 (HTTP {s}); 请用有效 token 重新创建 RtVideo"),
                )
                .with("status", s as f64),
            );
            // Best effort (the dispatch service may reject the same
            // credentials): without it the platform would keep offering
            // calls to this agent until its heartbeat timeout.
            self.send_offline();
            self.finish();
            return;
        }
        if self.push.is_down() {
            return; // already handled (stale report)
        }
        if self.push.up_for(self.now) >= STABLE_MS {
            self.push_backoff.reset();
        }
        if !self.push_lost_reported {
            self.push_lost_reported = true;
            let why = match (status, wrong_type) {
                (_, true) => "wrong content type".to_string(),
                (Some(s), _) => format!("HTTP {s}"),
                (None, _) => "network error".to_string(),
            };
            let mut e = SdkError::new(
                ErrorCode::PushLinkLost,
                format!("推送通道断开 ({why}), 正在重连"),
            );
            if let Some(s) = status {
                e = e.with("status", s as f64);
            }
            self.report(e);
        }
        let delay = self.push_backoff.next_delay(&mut self.rng);
        // `online` / `reconnect()` during the status probe: no waiting.
        let resumed = self.push_resumed_at.take();
        let delay = if resumed.is_some_and(|t| self.now - t <= RESUME_WINDOW_MS) {
            0.0
        } else {
            delay
        };
        self.push = LinkState::Down {
            retry_at: Some(self.now + delay),
        };
        self.log(
            LogLevel::Info,
            format!("push channel retry in {} ms", delay.round() as u64),
        );
        self.link_dropped();
    }

    pub(crate) fn on_exe_closed(&mut self, code: u16) {
        if self.exe.is_down() {
            return;
        }
        self.on_exe_failed(format!("本地视频客户端连接断开 (close {code})"));
    }

    /// The EXE link is gone (closed, silent, or refused `hello`).
    pub(crate) fn exe_down(&mut self, why: String) {
        if self.exe.up_for(self.now) >= STABLE_MS {
            self.exe_backoff.reset();
        }
        self.exe_down_quietly();
        if !self.exe_lost_reported {
            self.exe_lost_reported = true;
            self.emit(
                EventType::ExeEvent,
                obj([
                    ("code", V::string("EXE_LINK_LOST")),
                    ("msg", V::string(&why)),
                ]),
            );
            self.report(SdkError::new(ErrorCode::ExeLinkLost, why));
        }
        let delay = self.exe_backoff.next_delay(&mut self.rng);
        self.exe = LinkState::Down {
            retry_at: Some(self.now + delay),
        };
        self.log(
            LogLevel::Info,
            format!("EXE link retry in {} ms", delay.round() as u64),
        );
    }

    /// The EXE link is down: its requests fail, the grace period runs (the
    /// call's streams are started again when it is back: `exe_up`). Reporting and retrying are the caller's.
    pub(crate) fn exe_down_quietly(&mut self) {
        self.fail_exe_requests();
        self.exe = LinkState::Down { retry_at: None };
        self.link_dropped();
    }

    /// `hello` answered: the EXE link is usable.
    pub(crate) fn exe_up(&mut self) {
        self.exe = LinkState::Up { since: self.now };
        self.log(LogLevel::Info, "EXE link up".into());
        let blocked = std::mem::take(&mut self.exe_blocked_reported);
        if std::mem::take(&mut self.exe_lost_reported) || blocked {
            self.emit(
                EventType::ExeEvent,
                obj([
                    ("code", V::string("EXE_LINK_RESTORED")),
                    ("msg", V::string("本地视频客户端已重新连接")),
                ]),
            );
        }
        self.link_restored();
        // Back during a call: the EXE lost its streams, start them again.
        if self.state == State::Busy {
            self.exe_start();
        }
    }

    fn link_dropped(&mut self) {
        if self.state != State::Disconnected && self.grace_deadline.is_none() {
            self.grace_deadline = Some(self.now + self.cfg.grace_ms);
        }
        if self.sync.in_flight() {
            self.sync = Sync::Idle { retry_at: None };
        }
    }

    fn link_restored(&mut self) {
        if self.push.is_up() && self.exe.is_up() {
            self.grace_deadline = None;
            self.maybe_sync();
        }
    }

    /// Starts the sync when both links are up and the agent is disconnected.
    pub(crate) fn maybe_sync(&mut self) {
        let due =
            matches!(self.sync, Sync::Idle { retry_at } if retry_at.is_none_or(|t| t <= self.now));
        let unsynced = self.state == State::Disconnected || self.adopting;
        if unsynced && self.push.is_up() && self.exe.is_up() && due {
            let id = self.send_http(HttpKind::SessionCurrent, Vec::new(), Vec::new(), false);
            self.sync = Sync::Session(id);
        }
    }

    /// `session/current` answered (or failed).
    pub(crate) fn on_session_current(&mut self, id: ReqId, result: Result<V, Rejection>) {
        if self.sync != Sync::Session(id) {
            return; // a link dropped meanwhile: this answer is stale
        }
        let data = match result {
            Ok(d) => d,
            Err(e) => return self.sync_failed(e),
        };
        if self.adopting && self.adopted_session(&data) {
            return;
        }
        if data.is_null() {
            let state = if self.want_leave { "leave" } else { "ready" };
            let id = self.send_http(
                HttpKind::Presence { state, sync: true },
                vec![("state", V::string(state))],
                Vec::new(),
                false,
            );
            self.sync = Sync::Presence(id);
            return;
        }
        let sid = data.str_of("sid").filter(|s| !s.is_empty());
        let role = match data.str_of("role").as_deref() {
            Some("owner") => Some(Role::Owner),
            Some("participant") => Some(Role::Participant),
            _ => None,
        };
        let streams = data.get("streams").filter(|s| s.is_obj());
        let (Some(sid), Some(role), Some(streams)) = (sid, role, streams) else {
            let e = SdkError::new(
                ErrorCode::BadResponse,
                "session/current: data needs sid, role and streams",
            );
            return self.sync_failed(Rejection::Local(e));
        };
        let mut call = Call::ringing(&sid, super::Ring::Incoming, streams.clone());
        call.ring = None;
        call.role = role;
        self.call = Some(call);
        self.connected(State::Busy);
        self.emit(
            EventType::RecoveryCall,
            obj([
                ("sid", V::string(&sid)),
                ("role", V::string(role.as_str())),
                ("streams", streams),
            ]),
        );
        self.exe_start();
    }

    /// The quiet sync of a take-over (`snapshot.rs`): true when `data` (the
    /// `session/current` answer) confirms what was adopted and the sync is
    /// done; false when the usual sync must go on (it then reports what
    /// changed: `ready` after a call that ended meanwhile, or a recovered call).
    fn adopted_session(&mut self, data: &V) -> bool {
        let sid = data.str_of("sid");
        match (self.state, self.call.as_ref(), sid.as_deref()) {
            // The call goes on: the EXE was told to start it when its link came up.
            (State::Busy, Some(c), Some(sid)) if c.sid == sid => {
                if let Some(streams) = data.get("streams").filter(|s| s.is_obj()) {
                    if let Some(c) = self.call.as_mut() {
                        c.streams = streams;
                    }
                }
                self.connected(State::Busy);
                true
            }
            // Still ringing (a ring is no session yet): nothing to report.
            (State::Wait, Some(_), None) => {
                self.connected(State::Wait);
                true
            }
            // Ready or resting, as the platform still knows (no tab reported
            // `offline`): reporting it again could withdraw a call being
            // offered right now, so nothing is sent.
            (State::Ready | State::Leave, None, None) => {
                let state = self.state;
                self.connected(state);
                true
            }
            // The call ended while no tab led: stop it, report `ready` below.
            (State::Busy, Some(_), None) => {
                self.end_call();
                self.adopting = false;
                false
            }
            // Anything else is a recovery from the platform's view, reported
            // as a change from the adopted state the page saw.
            _ => {
                self.adopting = false;
                false
            }
        }
    }

    /// The sync's `agent/state` answered.
    pub(crate) fn on_sync_presence(&mut self, id: ReqId, result: Result<V, Rejection>) {
        if self.sync != Sync::Presence(id) {
            return;
        }
        match result {
            Ok(_) => self.connected(if self.want_leave {
                State::Leave
            } else {
                State::Ready
            }),
            Err(e) => self.sync_failed(e),
        }
    }

    /// The sync failed: report a local error (a business one was already an
    /// HTTP_BACK event) and try again after a backoff.
    fn sync_failed(&mut self, r: Rejection) {
        if let Rejection::Local(e) = r {
            self.report(e);
        }
        let delay = self
            .sync_backoff
            .next_delay(&mut self.rng)
            .max(PUSH_BASE_MS);
        self.sync = Sync::Idle {
            retry_at: Some(self.now + delay),
        };
    }

    fn connected(&mut self, state: State) {
        self.adopting = false;
        self.sync = Sync::Done;
        self.sync_backoff.reset();
        self.offline_sent = false;
        self.heartbeat_at = Some(self.now + HEARTBEAT_MS);
        self.set_state(state);
    }

    /// Grace period over with a link still down → `disconnected`.
    fn grace_expired(&mut self) {
        self.adopting = false;
        self.grace_deadline = None;
        self.heartbeat_at = None;
        self.sync = Sync::Idle { retry_at: None };
        // The platform may keep the call; recovery asks `session/current`.
        self.call = None;
        self.set_state(State::Disconnected);
        self.report(SdkError::new(
            ErrorCode::Disconnected,
            format!("连接中断超过 {} ms, 正在自动恢复", self.cfg.grace_ms as u64),
        ));
    }

    /// `pagehide` / `freeze`: `offline`, both links closed, no timer runs and
    /// nothing is retried (no status probe, no subscription outlives the page).
    pub(crate) fn suspend(&mut self) {
        if self.suspended {
            return;
        }
        self.log(LogLevel::Info, "page hidden: links closed".into());
        self.send_offline();
        self.suspended = true;
        self.out.push_back(Output::ClosePush);
        self.out.push_back(Output::CloseExe);
        self.fail_exe_requests();
        self.push = LinkState::Down { retry_at: None };
        self.exe = LinkState::Down { retry_at: None };
        self.exe_check = None;
        self.grace_deadline = None;
        self.heartbeat_at = None;
        self.adopting = false;
        if self.sync.in_flight() || self.sync.retry_at().is_some() {
            self.sync = Sync::Idle { retry_at: None };
        }
    }

    /// `online` / `pageshow` / `reconnect()`: retry whatever is down now.
    /// After `suspend`, the page was away for who knows how long and the
    /// platform was told `offline`: re-sync as after an outage
    /// (`disconnected`, then `ready`/`leave`, or `busy` + RECOVERY_CALL).
    pub(crate) fn on_resume(&mut self) {
        if std::mem::take(&mut self.suspended) {
            self.log(LogLevel::Info, "page shown again: re-syncing".into());
            self.call = None;
            self.sync = Sync::Idle { retry_at: None };
            self.set_state(State::Disconnected);
            self.push_backoff.reset();
            self.exe_backoff.reset();
            self.push_lost_reported = false;
            self.exe_lost_reported = false;
            self.unblock_exe();
            self.push = LinkState::Down {
                retry_at: Some(self.now),
            };
            self.exe = LinkState::Down {
                retry_at: Some(self.now),
            };
            return;
        }
        if self.push.is_down() {
            self.push = LinkState::Down {
                retry_at: Some(self.now),
            };
        } else {
            self.push_resumed_at = Some(self.now);
        }
        // Blocked by the permission: only its change or `reconnect()` retries.
        if self.exe.is_down() && !self.exe_blocked && self.exe_check.is_none() {
            self.exe = LinkState::Down {
                retry_at: Some(self.now),
            };
        }
        if let Sync::Idle { retry_at: Some(_) } = self.sync {
            self.sync = Sync::Idle {
                retry_at: Some(self.now),
            };
        }
        // (Shown again after `pagehide` sent `offline`: the suspended branch
        // above re-syncs, and its connect reports presence: nothing here.)
    }

    /// `offline` with keepalive (unload, destroy); once per connected period.
    pub(crate) fn send_offline(&mut self) {
        if !self.offline_sent {
            self.offline_sent = true;
            self.send_http(
                HttpKind::Presence {
                    state: "offline",
                    sync: false,
                },
                vec![("state", V::string("offline"))],
                Vec::new(),
                true,
            );
        }
    }

    /// Runs every deadline that is due. Called after each input, so push
    /// traffic (a ping every 15 s) also drives heartbeats when the browser
    /// throttles the timer of a hidden tab.
    pub(crate) fn run_due(&mut self) {
        if self.finished {
            return;
        }
        let now = self.now;
        if self.push.is_up() && now - self.last_push_activity >= PING_SILENCE_MS {
            self.log(
                LogLevel::Warn,
                "push channel silent for 45 s, reconnecting".into(),
            );
            self.out.push_back(Output::ClosePush);
            self.on_push_down(None, false);
        }
        if self.push.retry_at().is_some_and(|t| t <= now) {
            self.open_push();
        }
        if self.exe.retry_at().is_some_and(|t| t <= now) {
            self.open_exe();
        }
        self.expire_exe_requests();
        self.exe_check_due();
        if self.finished {
            return;
        }
        if self.grace_deadline.is_some_and(|t| t <= now) {
            self.grace_expired();
        }
        if self.sync.retry_at().is_some_and(|t| t <= now) {
            self.sync = Sync::Idle { retry_at: None };
            self.maybe_sync();
        }
        // Early by up to HEARTBEAT_SLACK_MS when push traffic wakes us: a hidden
        // tab's timer may fire only once a minute, pings come every 15 s.
        if self
            .heartbeat_at
            .is_some_and(|t| t - HEARTBEAT_SLACK_MS <= now)
        {
            if self.state == State::Disconnected {
                self.heartbeat_at = None;
            } else {
                self.heartbeat_at = Some(now + HEARTBEAT_MS);
                let st = V::string(self.state.as_str());
                self.send_http(HttpKind::Heartbeat, vec![("state", st)], Vec::new(), false);
            }
        }
        // Whatever ended the sync (connected, failed, a link dropped), the
        // pushes held during it are handled now, in the state it left.
        if !self.sync.in_flight() {
            self.release_held();
        }
    }
}
