//! The agent state machine of SPEC §3, sans-IO.
//!
//! Split by concern: `links` (push channel, EXE socket, grace period, start-up
//! sync, heartbeat), `commands` (page methods and their HTTP replies), `push`
//! (msgType → state change + event), `exe` (EXE requests and frames).

mod commands;
mod exe;
mod links;
mod local_network;
mod push;
mod report;
mod snapshot;

use std::collections::VecDeque;

use crate::backoff::{Backoff, Rng};
use crate::codec::Dedup;
use crate::config::{Config, LogLevel};
use crate::consts::{EventType, State};
use crate::error::{ErrorCode, Rejection, SdkError};
use crate::value::{obj, Value};
use crate::{CallId, Input, LocalNetwork, Millis, Output, ReqId};

pub(crate) use commands::PendingHttp;
pub(crate) use exe::PendingExe;
pub(crate) use links::{LinkState, Sync};

/// What kind of ringing the agent has in `wait`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ring {
    /// A customer call (50200).
    Incoming,
    /// A colleague asks us to take over (20100).
    Exchange,
    /// A colleague invites us as third party (20200).
    Add,
}

/// Our role in an active call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Owner,
    Participant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Participant => "participant",
        }
    }
}

/// The call the agent is ringing with (`wait`) or in (`busy`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Call<V> {
    pub sid: String,
    /// `Some` while ringing, `None` once in the call.
    pub ring: Option<Ring>,
    pub role: Role,
    /// Streams for EXE `start`.
    pub streams: V,
    /// The asked agent's accept was sent (transfer/add): the 50201/50202 push
    /// may then arrive before or after its reply.
    pub accept_sent: bool,
    /// Owner: transfer ask pending to this agent.
    pub change_pending: Option<String>,
    /// Owner: third-party ask pending to this agent.
    pub add_pending: Option<String>,
    /// Owner: the third party who joined.
    pub participant: Option<String>,
}

impl<V: Value> Call<V> {
    pub(crate) fn ringing(sid: &str, ring: Ring, streams: V) -> Call<V> {
        Call {
            sid: sid.to_string(),
            ring: Some(ring),
            role: Role::Owner,
            streams,
            accept_sent: false,
            change_pending: None,
            add_pending: None,
            participant: None,
        }
    }
}

/// The sans-IO agent: feed inputs, drain outputs, honour the timeout.
#[derive(Debug)]
pub struct Agent<V> {
    pub(crate) cfg: Config,
    pub(crate) rng: Rng,
    pub(crate) out: VecDeque<Output<V>>,
    pub(crate) now: Millis,
    pub(crate) state: State,
    pub(crate) finished: bool,
    /// `rest()` chosen: report `leave` instead of `ready` after recovery.
    pub(crate) want_leave: bool,
    pub(crate) call: Option<Call<V>>,
    /// The call that just ended: its late hang-up pushes are not "unexpected".
    pub(crate) ended_sid: Option<String>,
    pub(crate) dedup: Dedup,
    pub(crate) push: LinkState,
    pub(crate) exe: LinkState,
    pub(crate) push_backoff: Backoff,
    pub(crate) exe_backoff: Backoff,
    pub(crate) sync_backoff: Backoff,
    pub(crate) last_push_activity: Millis,
    pub(crate) sync: Sync,
    pub(crate) grace_deadline: Option<Millis>,
    pub(crate) heartbeat_at: Option<Millis>,
    pub(crate) exe_lost_reported: bool,
    pub(crate) push_lost_reported: bool,
    pub(crate) offline_sent: bool,
    pub(crate) next_req: ReqId,
    pub(crate) http: Vec<PendingHttp>,
    pub(crate) next_exe_id: u64,
    pub(crate) exe_pending: Vec<PendingExe>,
    /// Pushes that arrived while the sync ran (see `hold_or_dispatch`).
    pub(crate) held: Vec<crate::codec::PushMsg<V>>,
    /// Took over from another instance (`snapshot.rs`): connected in the
    /// page's eyes, the quiet sync not done yet.
    pub(crate) adopting: bool,
    /// `pagehide`: links closed, nothing retried until `Resume`.
    pub(crate) suspended: bool,
    /// When `Resume` came while the push channel was not known to be down
    /// (its status probe may still run): a failure reported soon after is
    /// retried at once.
    pub(crate) push_resumed_at: Option<Millis>,
    /// The local network permission as last read (`Unsupported` until the
    /// web layer says otherwise: then the EXE link behaves as without it).
    pub(crate) local_network: LocalNetwork,
    /// An EXE attempt failed before its socket opened and the permission is
    /// being read again: why it failed, and until when to wait for the answer.
    pub(crate) exe_check: Option<(String, Millis)>,
    /// The permission is denied: no EXE attempt until it changes or `reconnect()`.
    pub(crate) exe_blocked: bool,
    /// EXE_BLOCKED was reported in this outage (once, not per attempt).
    pub(crate) exe_blocked_reported: bool,
    /// `exeVersion` of the last `hello` answered (for the self-check).
    pub(crate) exe_version: Option<String>,
}

impl<V: Value> Agent<V> {
    /// A new agent; its first outputs open both links in parallel.
    pub fn new(config: Config, now: Millis, seed: u64) -> Agent<V> {
        Agent::with_snapshot(config, now, seed, None)
    }

    /// A new agent that takes over from `snapshot` (see [`Agent::snapshot`]);
    /// `None` is [`Agent::new`].
    pub fn with_snapshot(config: Config, now: Millis, seed: u64, snapshot: Option<&V>) -> Agent<V> {
        let mut a = Agent {
            cfg: config,
            rng: Rng::new(seed),
            out: VecDeque::new(),
            now,
            state: State::Disconnected,
            finished: false,
            want_leave: false,
            call: None,
            ended_sid: None,
            dedup: Dedup::default(),
            push: LinkState::Down { retry_at: None },
            exe: LinkState::Down { retry_at: None },
            push_backoff: Backoff::new(links::PUSH_BASE_MS, links::PUSH_CAP_MS),
            exe_backoff: Backoff::new(links::EXE_BASE_MS, links::EXE_CAP_MS),
            sync_backoff: Backoff::new(links::PUSH_BASE_MS, links::PUSH_CAP_MS),
            last_push_activity: now,
            sync: Sync::Idle { retry_at: None },
            grace_deadline: None,
            heartbeat_at: None,
            exe_lost_reported: false,
            push_lost_reported: false,
            offline_sent: false,
            next_req: 1,
            http: Vec::new(),
            next_exe_id: 1,
            exe_pending: Vec::new(),
            held: Vec::new(),
            adopting: false,
            suspended: false,
            push_resumed_at: None,
            local_network: LocalNetwork::Unsupported,
            exe_check: None,
            exe_blocked: false,
            exe_blocked_reported: false,
            exe_version: None,
        };
        a.log(LogLevel::Info, format!("starting agent {}", a.cfg.account));
        if let Some(snap) = snapshot {
            a.adopt(snap);
        }
        a.open_push();
        a.open_exe();
        a
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// True once `Complete` was emitted: nothing else will be.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The validated options.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Why the internal state breaks an invariant of SPEC §3, if it does
    /// (for property tests; always `None` in a correct build). Its texts
    /// use `format!` and `Debug`: only tests and tools call it, so none of
    /// that reaches the wasm.
    #[doc(hidden)]
    pub fn invariant_violation(&self) -> Option<String> {
        let c = self.call.as_ref();
        let bad = match self.state {
            State::Wait => c.is_none_or(|c| c.ring.is_none()),
            State::Busy => c.is_none_or(|c| c.ring.is_some()),
            _ => c.is_some(),
        };
        if bad {
            return Some(format!("state {} with call {:?}", self.state, c));
        }
        if self.finished && self.state != State::Disconnected {
            return Some("finished but not disconnected".into());
        }
        if self.state != State::Disconnected && self.sync != Sync::Done && !self.adopting {
            return Some(format!("connected with sync {:?}", self.sync));
        }
        // `offline` is sent on pagehide (suspended), on rejected credentials
        // and destroy (finished, so disconnected: checked above); a connect
        // after it clears the flag.
        if self.offline_sent && !self.suspended && self.state != State::Disconnected {
            return Some("offline reported, yet connected and shown".into());
        }
        None
    }

    /// Next queued output.
    pub fn poll_output(&mut self) -> Option<Output<V>> {
        self.out.pop_front()
    }

    /// Absolute time of the next deadline, if any.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.finished {
            return None;
        }
        let mut t: Option<Millis> = None;
        let mut consider = |x: Option<Millis>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t| t.min(x)));
            }
        };
        consider(self.push.retry_at());
        consider(self.exe.retry_at());
        consider(self.sync.retry_at());
        consider(self.grace_deadline);
        consider(self.heartbeat_at);
        consider(self.exe_check.as_ref().map(|c| c.1));
        if self.push.is_up() {
            consider(Some(self.last_push_activity + links::PING_SILENCE_MS));
        }
        for p in &self.exe_pending {
            consider(Some(p.deadline));
        }
        t
    }

    /// Handles one input at time `now`, then anything that fell due.
    pub fn handle_input(&mut self, now: Millis, input: Input<V>) {
        self.now = self.now.max(now);
        if self.finished {
            if let Input::Call { call, .. } = input {
                self.settle(call, Err(Rejection::Local(destroyed())));
            }
            return;
        }
        match input {
            Input::Call { call, method, arg } => self.on_call(call, method, &arg),
            Input::PushOpened => self.on_push_opened(),
            Input::PushMessage { id, data } => self.on_push_message(id.as_deref(), data, None),
            Input::PushRead { id, data, facts } => {
                self.on_push_message(id.as_deref(), data, Some(*facts))
            }
            Input::PushOversized { id, len } => self.on_push_oversized(id.as_deref(), len),
            Input::PushPing => self.last_push_activity = self.now,
            Input::PushDown { status, wrong_type } => self.on_push_down(status, wrong_type),
            Input::ExeOpened => self.on_exe_opened(),
            Input::ExeText(frame) => self.on_exe_text(frame),
            Input::ExeOversized { len } => self.exe_too_large(len),
            Input::ExeClosed { code } => self.on_exe_closed(code),
            Input::Http { id, outcome } => self.on_http(id, outcome),
            Input::Resume => self.on_resume(),
            Input::PageHide => self.suspend(),
            Input::Destroy => self.destroy(),
            Input::LocalNetwork(state) => self.on_local_network(state),
            Input::Handover => {
                self.log(LogLevel::Info, "handing over to another tab".into());
                self.finish();
            }
        }
        self.run_due();
    }

    /// Handles whatever fell due by `now` (call when the timer fires).
    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = self.now.max(now);
        if !self.finished {
            self.run_due();
        }
    }

    // ---- shared helpers used by the submodules ----

    pub(crate) fn emit(&mut self, kind: EventType, data: V) {
        self.out.push_back(Output::Event { kind, data });
    }

    /// Reports one of the agent's or the links' errors (every tab's).
    pub(crate) fn report(&mut self, e: SdkError) {
        self.report_for(e, Vec::new());
    }

    /// Reports the failure of `calls` (rejected with it next), once for all of them.
    pub(crate) fn report_for(&mut self, error: SdkError, calls: Vec<CallId>) {
        self.log(
            LogLevel::Warn,
            format!("{}: {}", error.code.as_str(), error.msg),
        );
        self.out.push_back(Output::Error { error, calls });
    }

    pub(crate) fn log(&mut self, level: LogLevel, msg: String) {
        if self.logs(level) {
            self.out.push_back(Output::Log { level, msg });
        }
    }

    /// Whether `level` passes the configured filter: hot paths check it
    /// before formatting a message that `log` would only drop.
    pub(crate) fn logs(&self, level: LogLevel) -> bool {
        // Info and above always: they feed the log ring (pkg-template/logs.js);
        // `logLevel` filters only what reaches the console (the driver).
        level <= self.cfg.log_level.max(LogLevel::Info)
    }

    pub(crate) fn settle(&mut self, call: CallId, result: Result<V, Rejection>) {
        self.out.push_back(Output::Settle { call, result });
    }

    /// Rejects with a local error, also reported through `error`.
    pub(crate) fn fail(&mut self, call: CallId, e: SdkError) {
        self.report_for(e.clone(), vec![call]);
        self.settle(call, Err(Rejection::Local(e)));
    }

    pub(crate) fn set_state(&mut self, to: State) {
        if self.state == to {
            return;
        }
        let from = self.state;
        self.state = to;
        self.log(
            LogLevel::Info,
            format!("state {} -> {}", from.as_str(), to.as_str()),
        );
        self.emit(
            EventType::StateChange,
            obj([
                ("state", V::string(to.as_str())),
                ("from", V::string(from.as_str())),
            ]),
        );
    }

    /// Leaves the current call (hang-up, refuse, transfer done…) → `ready`.
    /// SPEC §3: a call in progress (`busy`: its ring is over) gets an EXE
    /// `stop`; a call that ends while ringing never had streams and gets
    /// none. The call itself says which (core/tests/call_end.rs).
    pub(crate) fn end_call(&mut self) {
        if let Some(c) = self.call.take() {
            if c.ring.is_none() {
                self.exe_stop(&c.sid);
            }
            self.ended_sid = Some(c.sid);
        }
        // SPEC §3: a call always ends in `ready`. An agent who had chosen
        // `rest()` before a recovered call is reported ready to dispatch too.
        if self.state != State::Disconnected {
            if std::mem::take(&mut self.want_leave) {
                let fields = vec![("state", V::string("ready"))];
                self.send_http(
                    commands::HttpKind::Presence {
                        state: "ready",
                        sync: false,
                    },
                    fields,
                    Vec::new(),
                    false,
                );
            }
            self.set_state(State::Ready);
        }
    }

    /// Ends the instance: best-effort `offline`, close links, settle everything, `complete()`.
    pub(crate) fn finish(&mut self) {
        self.out.push_back(Output::ClosePush);
        self.out.push_back(Output::CloseExe);
        for p in std::mem::take(&mut self.http) {
            for c in p.calls {
                self.settle(c, Err(Rejection::Local(destroyed())));
            }
        }
        for p in std::mem::take(&mut self.exe_pending) {
            for c in p.calls {
                self.settle(c, Err(Rejection::Local(destroyed())));
            }
        }
        self.call = None;
        self.held.clear();
        self.push = LinkState::Down { retry_at: None };
        self.exe = LinkState::Down { retry_at: None };
        self.grace_deadline = None;
        self.heartbeat_at = None;
        self.adopting = false;
        self.set_state(State::Disconnected);
        self.out.push_back(Output::Complete);
        self.finished = true;
    }

    fn destroy(&mut self) {
        self.log(LogLevel::Info, "destroy()".into());
        self.send_offline();
        self.finish();
    }
}

pub(crate) fn destroyed() -> SdkError {
    SdkError::new(ErrorCode::Destroyed, "RtVideo 实例已销毁 (destroyed)")
}

#[cfg(test)]
mod oracle_tests {
    //! `invariant_violation` is the oracle of the property tests
    //! (tests/props.rs) and of the trace replay (examples/replay.rs): it must
    //! name every broken invariant, or those checks pass vacuously. A correct
    //! build never reaches a broken state, so these tests make one by hand.
    //! Written for the survivors of a mutation run (docs/mutants.md).

    use super::*;
    type V = serde_json::Value;
    fn parse(t: &str) -> V {
        serde_json::from_str(t).unwrap()
    }

    fn agent() -> Agent<V> {
        let cfg = parse(r#"{"systemCode":"SYS","account":"a1","profile":"dev"}"#);
        Agent::new(Config::from_value(&cfg).unwrap(), 0.0, 1)
    }

    fn connected(state: State, call: Option<Call<V>>) -> Agent<V> {
        let mut a = agent();
        a.state = state;
        a.sync = Sync::Done;
        a.call = call;
        a
    }

    fn ringing() -> Call<V> {
        Call::ringing("S-1", Ring::Incoming, V::Null)
    }

    fn in_call() -> Call<V> {
        Call {
            ring: None,
            ..ringing()
        }
    }

    #[test]
    fn consistent_states_pass() {
        assert_eq!(agent().invariant_violation(), None);
        assert_eq!(connected(State::Ready, None).invariant_violation(), None);
        assert_eq!(connected(State::Leave, None).invariant_violation(), None);
        assert_eq!(
            connected(State::Wait, Some(ringing())).invariant_violation(),
            None
        );
        assert_eq!(
            connected(State::Busy, Some(in_call())).invariant_violation(),
            None
        );
    }

    #[test]
    fn a_call_that_does_not_fit_the_state_is_named() {
        for (state, call) in [
            (State::Ready, Some(in_call())),
            (State::Leave, Some(ringing())),
            (State::Disconnected, Some(in_call())),
            (State::Wait, None),
            (State::Wait, Some(in_call())),
            (State::Busy, None),
            (State::Busy, Some(ringing())),
        ] {
            let v = connected(state, call.clone()).invariant_violation();
            assert!(
                v.as_deref().is_some_and(|v| v.starts_with("state ")),
                "{state} with {call:?}: {v:?}"
            );
        }
    }

    #[test]
    fn finished_but_connected_is_named() {
        let mut a = connected(State::Ready, None);
        a.finished = true;
        assert_eq!(
            a.invariant_violation().as_deref(),
            Some("finished but not disconnected")
        );
        a.state = State::Disconnected;
        assert_eq!(a.invariant_violation(), None);
    }

    #[test]
    fn connected_before_the_sync_ended_is_named_unless_adopting() {
        for sync in [
            Sync::Idle { retry_at: None },
            Sync::Session(1),
            Sync::Presence(2),
        ] {
            let mut a = connected(State::Ready, None);
            a.sync = sync;
            let v = a.invariant_violation();
            assert!(
                v.as_deref()
                    .is_some_and(|v| v.starts_with("connected with sync")),
                "{sync:?}: {v:?}"
            );
            // A take-over keeps the adopted state while its quiet sync runs.
            a.adopting = true;
            assert_eq!(a.invariant_violation(), None, "{sync:?}");
        }
        // Disconnected: the sync may be anywhere.
        let mut a = agent();
        a.sync = Sync::Session(1);
        assert_eq!(a.invariant_violation(), None);
    }

    #[test]
    fn an_adopted_state_is_consistent_before_its_sync() {
        let cfg = parse(r#"{"systemCode":"SYS","account":"a1","profile":"dev"}"#);
        let snap = parse(r#"{"state":"ready","wantLeave":false,"lastId":"4","call":null}"#);
        let a = Agent::with_snapshot(Config::from_value(&cfg).unwrap(), 0.0, 1, Some(&snap));
        assert_eq!(a.state(), State::Ready);
        assert!(a.adopting);
        assert_ne!(a.sync, Sync::Done);
        assert_eq!(a.invariant_violation(), None);
    }
}
