//! `World`: everything the simulator knows, as owned parts — agents,
//! sessions, push channel, fake EXE, faults, request log, timers — plus the
//! operations that need more than one part. It never reads the clock: every
//! entry point takes `now`, and [`World::poll_timeout`] says when it wants
//! [`World::handle_timeout`] to be called. `state::Sim` is the IO side.

use crate::agents::{AgentState, Agents, Presence};
use crate::asks::Asked;
use crate::codes::{msg, Code};
use crate::effects::Effects;
use crate::exe::ExeHub;
use crate::faults::Faults;
use crate::flags::{ms, Flags};
use crate::push::PushHub;
use crate::replay::{Action, Refusal, Replay};
use crate::reqlog::RequestLog;
use crate::rng::Rng;
use crate::say;
use crate::sessions::{AskKind, Phase, Sessions};
use crate::timers::{Timer, Timers, Timings};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Everything the simulator knows.
pub struct World {
    /// Current timings.
    pub timings: Timings,
    /// Known agents and the round-robin order.
    pub agents: Agents,
    /// Calls: live, queued and recently ended.
    pub sessions: Sessions,
    /// Push channel: ids, replay buffers, open streams.
    pub push: PushHub,
    /// Fake EXE connections and faults.
    pub exe: ExeHub,
    /// Injected HTTP failures and rejected tokens.
    pub faults: Faults,
    /// Everything each agent's SDK sent.
    pub log: RequestLog,
    /// Source of the scripted customers' randomness.
    pub rng: Rng,
    /// Share of scripted calls that end with a drop (30019).
    pub drop_rate: f64,
    /// What happens later.
    pub timers: Timers,
    /// `http://host:port` of this server, for media URLs.
    pub base_url: String,
    /// The trace played to one account (`--replay`), if any.
    pub replay: Option<Replay>,
    flag_reject_tokens: Vec<String>,
}

impl World {
    /// The world for `flags`; `base_url` is the bound HTTP address.
    pub fn new(flags: &Flags, base_url: String) -> World {
        World {
            timings: Timings {
                ring_timeout_ms: ms(flags.ring_timeout),
                recording_delay_ms: ms(flags.recording_delay),
                ping_interval_ms: ms(flags.ping_interval),
                heartbeat_timeout_ms: ms(flags.heartbeat_timeout),
                max_call_ms: ms(flags.max_call),
            },
            agents: Agents::default(),
            sessions: Sessions::default(),
            push: PushHub::new(flags.replay_buffer),
            exe: ExeHub::new(&flags.exe_allow_origin),
            faults: Faults::new(flags.reject_token.clone()),
            log: RequestLog::default(),
            rng: Rng::new(flags.seed),
            drop_rate: flags.drop_rate,
            timers: Timers::default(),
            base_url,
            replay: None,
            flag_reject_tokens: flags.reject_token.clone(),
        }
    }

    /// Forgets agents, sessions, buffers, faults, logs and link totals. Push
    /// ids keep increasing, open push streams and EXE sockets stay open, and
    /// pending timers stay armed (their tokens no longer match anything,
    /// except a recording, which is still pushed).
    pub fn reset(&mut self) {
        self.agents.clear();
        self.sessions.clear();
        self.push.reset();
        self.exe.reset();
        self.faults = Faults::new(self.flag_reject_tokens.clone());
        self.log.clear(None);
    }

    /// Sends the pushes and arms the timers of `fx`.
    pub fn apply(&mut self, now: Instant, fx: Effects) {
        for p in fx.pushes {
            self.push.send_json(&p.to, &p.body());
        }
        for (after_ms, timer) in fx.timers {
            self.timers
                .add(now + Duration::from_millis(after_ms), timer);
        }
    }

    /// Applies a command's effects; the envelope's `data` is null.
    fn done(&mut self, now: Instant, outcome: Result<Effects, Code>) -> Result<Value, Code> {
        self.apply(now, outcome?);
        Ok(Value::Null)
    }

    /// Offers waiting calls to agents that are ready.
    pub fn route(&mut self, now: Instant) {
        let fx = self
            .sessions
            .route(&mut self.agents, self.timings.ring_timeout_ms);
        self.apply(now, fx);
    }

    /// When [`World::handle_timeout`] has something to do: the next timer or
    /// the moment the next agent counts as silent.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let silence = self.agents.next_silence(self.timings.heartbeat_timeout_ms);
        let replay = self.replay.as_ref().and_then(Replay::next_due);
        [self.timers.next(), silence, replay]
            .into_iter()
            .flatten()
            .min()
    }

    /// Fires every timer due at `now` (routing after each), then marks
    /// silent agents offline.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.play_replay(now);
        while let Some(timer) = self.timers.pop_due(now) {
            self.fire(now, timer);
            self.route(now);
        }
        self.sweep_silent(now);
        self.route(now);
    }

    /// Runs a timer that came due.
    fn fire(&mut self, now: Instant, timer: Timer) {
        let t = self.timings;
        let fx = match timer {
            Timer::RingOut { sid, token } => self.sessions.ring_out(&sid, token),
            Timer::AskTimeout { sid, token } => match self.sessions.get_mut(&sid) {
                Some(s) => s.ask_timeout(token),
                None => Effects::none(),
            },
            Timer::CustomerEnds { sid, token, code } => {
                if self.sessions.live_token(&sid) != Some(token) {
                    return;
                }
                self.sessions.end_call(&sid, code, false, &t)
            }
            Timer::MaxCall { sid, token } => {
                if self.sessions.live_token(&sid) != Some(token) {
                    return;
                }
                self.sessions
                    .end_call(&sid, msg::AUTO_END_SESSION, false, &t)
            }
            Timer::Abandon { sid } => {
                let waiting = self
                    .sessions
                    .get(&sid)
                    .is_some_and(|s| matches!(s.phase, Phase::Queued | Phase::Offered { .. }));
                if !waiting {
                    return;
                }
                self.sessions.end_call(&sid, msg::USER_INTERRUPT, false, &t)
            }
            Timer::Recording { sid, owner } => {
                let url = format!("{}/media/rec/{sid}.mp4", self.base_url);
                let mut fx = Effects::none();
                fx.push(&owner, msg::VIDEO_REC_SRC, &sid, json!({ "url": url }));
                fx
            }
        };
        self.apply(now, fx);
    }

    /// Marks agents silent for longer than the heartbeat time-out as offline.
    pub fn sweep_silent(&mut self, now: Instant) {
        for account in self.agents.silent(now, self.timings.heartbeat_timeout_ms) {
            say!("agent {account}: silent, now offline");
            self.set_presence(now, &account, Presence::Offline);
            self.agents.mark_timed_out(&account);
        }
    }

    /// A subscribe of `account` (`system_code`, Last-Event-ID `last`): when
    /// it is the traced one, starts or checks the replay (`Ok(true)`), or
    /// refuses it during a recorded outage.
    pub fn replay_subscribe(
        &mut self,
        now: Instant,
        account: &str,
        system_code: Option<&str>,
        last: Option<&str>,
    ) -> Result<bool, Refusal> {
        match self.replay.as_mut() {
            Some(r) if r.is_traced(account, system_code) => r.subscribe(now, last).map(|()| true),
            _ => Ok(false),
        }
    }

    /// Plays what the replay has due at `now`: push frames (kept for
    /// Last-Event-ID like any other), EXE frames, dropped streams.
    pub fn play_replay(&mut self, now: Instant) {
        let Some(r) = self.replay.as_mut() else {
            return;
        };
        let account = r.account().to_string();
        for action in r.take_due(now) {
            match action {
                Action::Push { id, data } => {
                    let id = self.push.send_raw(&account, &data, id);
                    say!("replay {account}: push {id} played");
                }
                Action::Exe(text) => {
                    self.exe.send_raw(Some(&account), &text);
                }
                Action::DropPush => {
                    let n = self.push.drop_streams(Some(&account));
                    say!("replay {account}: push channel down ({n} streams dropped)");
                }
            }
        }
    }

    /// Records activity (subscribe) of `account`.
    pub fn touch(&mut self, now: Instant, account: &str) {
        self.agents.touch(account, now);
    }

    /// Sets the presence the agent reported; offline withdraws what rings at it.
    pub fn set_presence(&mut self, now: Instant, account: &str, presence: Presence) {
        self.agents.set_presence(account, presence, now);
        if presence == Presence::Offline {
            let fx = self.sessions.withdraw_from(account);
            self.apply(now, fx);
        }
    }

    /// A heartbeat with the state the SDK reports.
    pub fn heartbeat(&mut self, now: Instant, account: &str, state: &str) {
        self.agents.heartbeat(account, state, now);
    }

    /// The agent's derived state and the sid it concerns.
    pub fn agent_state(&self, account: &str) -> (AgentState, Option<String>) {
        self.sessions.agent_state(&self.agents, account)
    }

    /// A new customer call, queued for routing (to `target` first if given).
    pub fn new_call(
        &mut self,
        now: Instant,
        sid: Option<String>,
        customer: Value,
        target: Option<String>,
        scripted: bool,
    ) -> Result<String, String> {
        let t = self.timings;
        let (sid, fx) = self
            .sessions
            .new_call(sid, customer, target, scripted, &t)?;
        self.apply(now, fx);
        Ok(sid)
    }

    /// Ends a call from the platform's or the customer's side (see `Sessions::end_call`).
    pub fn end_call(&mut self, now: Instant, sid: &str, code: i64, by_owner: bool) {
        let t = self.timings;
        let fx = self.sessions.end_call(sid, code, by_owner, &t);
        self.apply(now, fx);
    }

    /// `call/answer`.
    pub fn answer(&mut self, now: Instant, agent: &str, sid: &str) -> Result<Value, Code> {
        let (t, drop_rate, rng) = (self.timings, self.drop_rate, &mut self.rng);
        let fx = self
            .sessions
            .answer(agent, sid, &t, || rng.call_length(drop_rate));
        self.done(now, fx)
    }

    /// `call/refuse`.
    pub fn refuse(&mut self, now: Instant, agent: &str, sid: &str) -> Result<Value, Code> {
        let fx = self.sessions.refuse(agent, sid);
        self.done(now, fx)
    }

    /// `call/hangup`.
    pub fn hangup(&mut self, now: Instant, agent: &str, sid: &str) -> Result<Value, Code> {
        let t = self.timings;
        let fx = self.sessions.hangup(agent, sid, &t);
        self.done(now, fx)
    }

    /// `change/ask`, `add/ask`.
    pub fn ask(
        &mut self,
        now: Instant,
        kind: AskKind,
        from: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let ready =
            self.agents.get(newer).is_some() && self.agent_state(newer).0 == AgentState::Ready;
        let token = self.sessions.token();
        let asked = Asked {
            ready,
            token,
            ring_ms: self.timings.ring_timeout_ms,
        };
        let fx = self.sessions.live(sid)?.ask(kind, from, newer, asked);
        self.done(now, fx)
    }

    /// `change/cancel`, `add/cancel`.
    pub fn cancel_ask(
        &mut self,
        now: Instant,
        kind: AskKind,
        from: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let fx = self.sessions.live(sid)?.cancel_ask(kind, from, newer);
        self.done(now, fx)
    }

    /// `change/accept`, `add/accept`.
    pub fn accept_ask(
        &mut self,
        now: Instant,
        kind: AskKind,
        agent: &str,
        sid: &str,
    ) -> Result<Value, Code> {
        let fx = self.sessions.live(sid)?.accept_ask(kind, agent);
        self.done(now, fx)
    }

    /// `change/refuse`, `add/refuse`.
    pub fn refuse_ask(
        &mut self,
        now: Instant,
        kind: AskKind,
        agent: &str,
        sid: &str,
    ) -> Result<Value, Code> {
        let fx = self.sessions.live(sid)?.refuse_ask(kind, agent);
        self.done(now, fx)
    }

    /// `add/remove`.
    pub fn remove_participant(
        &mut self,
        now: Instant,
        owner: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let fx = self.sessions.live(sid)?.remove_participant(owner, newer);
        self.done(now, fx)
    }

    /// `add/quit`.
    pub fn quit_participant(
        &mut self,
        now: Instant,
        agent: &str,
        sid: &str,
    ) -> Result<Value, Code> {
        let fx = self.sessions.live(sid)?.quit_participant(agent);
        self.done(now, fx)
    }
}
