//! Routing of customer calls to agents: waiting calls are offered to ready
//! agents in turn (round robin); an offer that rings out or is refused moves
//! on to the next ready agent. Also the timers that drive calls.

use crate::agents::AgentState;
use crate::calls::{owner_streams, Phase};
use crate::codes::msg;
use crate::say;
use crate::state::World;
use serde_json::json;

/// Something that happens later; tokens make stale timers harmless.
#[derive(Debug, Clone)]
pub enum Timer {
    /// The offer of `sid` with `token` rang out.
    RingOut {
        /// Session id.
        sid: String,
        /// Token of the offer.
        token: u64,
    },
    /// A transfer / third-party ask rang out.
    AskTimeout {
        /// Session id.
        sid: String,
        /// Token of the ask.
        token: u64,
    },
    /// A scripted customer ends its answered call with `code`.
    CustomerEnds {
        /// Session id.
        sid: String,
        /// Token of the answered phase.
        token: u64,
        /// 30017 or 30019.
        code: i64,
    },
    /// The answered call reached the longest call time.
    MaxCall {
        /// Session id.
        sid: String,
        /// Token of the answered phase.
        token: u64,
    },
    /// A caller nobody answered gives up.
    Abandon {
        /// Session id.
        sid: String,
    },
    /// The recording of a finished call is ready.
    Recording {
        /// Session id.
        sid: String,
        /// Who owned the call when it ended.
        owner: String,
    },
}

impl World {
    /// Runs a timer that came due.
    pub fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::RingOut { sid, token } => self.ring_out(&sid, token),
            Timer::AskTimeout { sid, token } => self.ask_timeout(&sid, token),
            Timer::CustomerEnds { sid, token, code } => {
                if self.live_token(&sid) == Some(token) {
                    self.end_call(&sid, code, false);
                }
            }
            Timer::MaxCall { sid, token } => {
                if self.live_token(&sid) == Some(token) {
                    self.end_call(&sid, msg::AUTO_END_SESSION, false);
                }
            }
            Timer::Abandon { sid } => {
                let waiting = self
                    .sessions
                    .get(&sid)
                    .is_some_and(|s| matches!(s.phase, Phase::Queued | Phase::Offered { .. }));
                if waiting {
                    self.end_call(&sid, msg::USER_INTERRUPT, false);
                }
            }
            Timer::Recording { sid, owner } => {
                let url = format!("{}/media/rec/{sid}.mp4", self.base_url);
                self.push_to(&owner, msg::VIDEO_REC_SRC, &sid, json!({ "url": url }));
            }
        }
    }

    /// The token of a session that is still in its answered phase.
    fn live_token(&self, sid: &str) -> Option<u64> {
        self.sessions
            .get(sid)
            .filter(|s| s.phase == Phase::Active)
            .map(|s| s.token)
    }

    /// The offer rang out: 30000 to the agent, and the call moves on.
    pub fn ring_out(&mut self, sid: &str, token: u64) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        let Phase::Offered { agent } = s.phase.clone() else {
            return;
        };
        if s.token != token {
            return;
        }
        s.declined.insert(agent.clone());
        s.target = None;
        s.phase = Phase::Queued;
        say!("call {sid}: not answered by {agent}, withdrawn");
        self.push_to(&agent, msg::AUTO_END_SESSION, sid, json!({}));
        self.queue.push_front(sid.to_string());
    }

    /// Offers waiting calls, oldest first, to ready agents in turn.
    pub fn route(&mut self) {
        let mut still_waiting = std::collections::VecDeque::new();
        while let Some(sid) = self.queue.pop_front() {
            let Some(s) = self.sessions.get(&sid) else {
                continue;
            };
            if s.phase != Phase::Queued {
                continue;
            }
            let agent = match &s.target {
                Some(t) => Some(t.clone()),
                None => self.next_ready(&sid),
            };
            match agent {
                Some(agent) => self.offer(&sid, &agent),
                None => still_waiting.push_back(sid),
            }
        }
        self.queue = still_waiting;
    }

    /// The next ready agent in round-robin order that has not declined `sid`.
    fn next_ready(&mut self, sid: &str) -> Option<String> {
        let n = self.order.len();
        let declined = &self.sessions.get(sid)?.declined;
        let found = (0..n).map(|i| (self.rr_next + i) % n).find(|&i| {
            let acc = &self.order[i];
            !declined.contains(acc) && self.agent_state(acc).0 == AgentState::Ready
        })?;
        self.rr_next = (found + 1) % n;
        Some(self.order[found].clone())
    }

    /// Rings `sid` at `agent`: 50200 with customer and streams.
    fn offer(&mut self, sid: &str, agent: &str) {
        let token = self.token();
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        s.phase = Phase::Offered {
            agent: agent.to_string(),
        };
        s.token = token;
        let data = json!({"customer": s.customer, "streams": owner_streams(sid)});
        say!("call {sid}: offered to {agent}");
        self.push_to(agent, msg::INCOMING_CALL, sid, data);
        let ring = self.timings.ring_timeout_ms;
        self.schedule(
            ring,
            Timer::RingOut {
                sid: sid.into(),
                token,
            },
        );
    }
}
