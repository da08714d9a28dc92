//! Hand-over between instances of one agent: what a leading instance knows
//! (state, the call, the last push id, the chosen rest), as JSON, and how a
//! new instance adopts it (pkg-template/tabs.js moves it between tabs).
//!
//! `{"state", "wantLeave", "lastId", "recover", "call": null | {"sid",
//! "ring": "incoming"|"exchange"|"add"|null, "role": "owner"|"participant",
//! "streams", "acceptSent", "changePending", "addPending", "participant"}}`
//!
//! Adopting without `recover` is a take-over: the state and the call are kept
//! as they were (no STATE_CHANGE), the push channel resumes after `lastId`,
//! and when both links are up the usual sync runs quietly: `session/current`
//! confirms the call (the EXE is told to `start` it again) or reports what
//! changed meanwhile. With `recover` (a page back from the back/forward
//! cache) the instance goes `disconnected` first and re-syncs as after an
//! outage.

use super::{Agent, Call, Ring, Role, Sync};
use crate::consts::State;
use crate::value::{obj, opt_string as opt_str, Value};

fn state_of(s: &str) -> Option<State> {
    State::ALL.into_iter().find(|st| st.as_str() == s)
}

impl Ring {
    fn as_str(&self) -> &'static str {
        match self {
            Ring::Incoming => "incoming",
            Ring::Exchange => "exchange",
            Ring::Add => "add",
        }
    }

    fn parse(s: &str) -> Option<Ring> {
        match s {
            "incoming" => Some(Ring::Incoming),
            "exchange" => Some(Ring::Exchange),
            "add" => Some(Ring::Add),
            _ => None,
        }
    }
}

impl<V: Value> Call<V> {
    fn to_value(&self) -> V {
        obj([
            ("sid", V::string(&self.sid)),
            (
                "ring",
                self.ring
                    .as_ref()
                    .map_or_else(V::null, |r| V::string(r.as_str())),
            ),
            ("role", V::string(self.role.as_str())),
            ("streams", self.streams.clone()),
            ("acceptSent", V::boolean(self.accept_sent)),
            ("changePending", opt_str(self.change_pending.as_deref())),
            ("addPending", opt_str(self.add_pending.as_deref())),
            ("participant", opt_str(self.participant.as_deref())),
        ])
    }

    fn from_value(j: &V) -> Option<Call<V>> {
        let text = |k: &'static str| j.str_of(k);
        let sid = text("sid").filter(|s| !s.is_empty())?;
        let ring = match j.get("ring") {
            None => None,
            Some(r) if r.is_null() => None,
            Some(r) => Some(Ring::parse(&r.as_string()?)?),
        };
        let role = match j.str_of("role")?.as_str() {
            "owner" => Role::Owner,
            "participant" => Role::Participant,
            _ => return None,
        };
        Some(Call {
            sid,
            ring,
            role,
            streams: j.get("streams").unwrap_or_else(V::null),
            accept_sent: j.get("acceptSent").and_then(|b| b.as_bool()) == Some(true),
            change_pending: text("changePending"),
            add_pending: text("addPending"),
            participant: text("participant"),
        })
    }
}

impl<V: Value> Agent<V> {
    /// What another instance needs to take over from this one.
    pub fn snapshot(&self) -> V {
        obj([
            ("state", V::string(self.state.as_str())),
            ("wantLeave", V::boolean(self.want_leave)),
            ("lastId", opt_str(self.dedup.resume_id())),
            ("recover", V::boolean(false)),
            (
                "call",
                self.call.as_ref().map_or_else(V::null, Call::to_value),
            ),
        ])
    }

    /// The last push id delivered (what a take-over resumes after).
    pub fn last_push_id(&self) -> Option<&str> {
        self.dedup.resume_id()
    }

    /// Seeds a new instance from a snapshot, before its links open. A
    /// snapshot that does not hold together (a call without a state that has
    /// one, an unknown state) starts the instance afresh.
    pub(crate) fn adopt(&mut self, snap: &V) {
        if let Some(id) = snap.str_of("lastId") {
            self.dedup.first_time(Some(&id));
        }
        let flag = |k: &'static str| snap.get(k).and_then(|b| b.as_bool()) == Some(true);
        self.want_leave = flag("wantLeave");
        let state = snap
            .str_of("state")
            .and_then(|s| state_of(&s))
            .unwrap_or(State::Disconnected);
        let call = snap.get("call").and_then(|c| Call::from_value(&c));
        let fits = match state {
            State::Wait => call.as_ref().is_some_and(|c| c.ring.is_some()),
            State::Busy => call.as_ref().is_some_and(|c| c.ring.is_none()),
            State::Ready | State::Leave => call.is_none(),
            State::Disconnected => false,
        };
        if !fits {
            return;
        }
        self.state = state;
        if flag("recover") {
            // As after an outage: `disconnected` now, the sync decides the rest.
            self.set_state(State::Disconnected);
            return;
        }
        self.call = call;
        self.adopting = true;
        self.sync = Sync::Idle { retry_at: None };
        // The links are down until they open: the usual grace period applies.
        self.grace_deadline = Some(self.now + self.cfg.grace_ms);
    }
}
