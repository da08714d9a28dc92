//! Routing of customer calls to agents: waiting calls are offered to ready
//! agents in turn (round robin); an offer that rings out or is refused moves
//! on to the next ready agent, and what rings at an agent that goes offline
//! moves on too.

use crate::agents::{Agents, Presence};
use crate::codes::msg;
use crate::effects::Effects;
use crate::say;
use crate::sessions::{owner_streams, Phase, Sessions};
use crate::timers::Timer;
use serde_json::json;
use std::collections::VecDeque;

impl Sessions {
    /// Offers waiting calls, oldest first, to ready agents in turn; an offer
    /// rings for `ring_ms`.
    pub fn route(&mut self, agents: &mut Agents, ring_ms: u64) -> Effects {
        let mut fx = Effects::none();
        let mut still_waiting = VecDeque::new();
        while let Some(sid) = self.queue.pop_front() {
            let Some(s) = self.get(&sid) else {
                continue;
            };
            if s.phase != Phase::Queued {
                continue;
            }
            let agent = match &s.target {
                Some(t) => Some(t.clone()),
                None => {
                    let declined = &s.declined;
                    agents.next_in_turn(|acc, a| {
                        a.presence == Presence::Ready
                            && !declined.contains(acc)
                            && self.involvement(acc).is_none()
                    })
                }
            };
            match agent {
                Some(agent) => fx.extend(self.offer(&sid, &agent, ring_ms)),
                None => still_waiting.push_back(sid),
            }
        }
        self.queue = still_waiting;
        fx
    }

    /// Rings `sid` at `agent`: 50200 with customer and streams.
    fn offer(&mut self, sid: &str, agent: &str, ring_ms: u64) -> Effects {
        let mut fx = Effects::none();
        let token = self.token();
        let Some(s) = self.get_mut(sid) else {
            return fx;
        };
        s.phase = Phase::Offered {
            agent: agent.to_string(),
        };
        s.token = token;
        let data = json!({"customer": s.customer, "streams": owner_streams(sid)});
        say!("call {sid}: offered to {agent}");
        fx.push(agent, msg::INCOMING_CALL, sid, data);
        let sid = sid.to_string();
        fx.after(ring_ms, Timer::RingOut { sid, token });
        fx
    }

    /// The offer rang out: 30000 to the agent, and the call moves on.
    pub fn ring_out(&mut self, sid: &str, token: u64) -> Effects {
        let mut fx = Effects::none();
        let Some(s) = self.get_mut(sid) else {
            return fx;
        };
        let Phase::Offered { agent } = s.phase.clone() else {
            return fx;
        };
        if s.token != token {
            return fx;
        }
        s.declined.insert(agent.clone());
        s.target = None;
        s.phase = Phase::Queued;
        say!("call {sid}: not answered by {agent}, withdrawn");
        fx.push(&agent, msg::AUTO_END_SESSION, sid, json!({}));
        self.queue.push_front(sid.to_string());
        fx
    }

    /// The agent went offline: what rings at it moves on (a call goes back to
    /// the queue, an ask ends as unanswered). Calls it is in go on.
    pub fn withdraw_from(&mut self, agent: &str) -> Effects {
        let mut fx = Effects::none();
        let ringing: Vec<(String, u64)> = self
            .iter()
            .filter(|s| s.phase.offered_to(agent))
            .map(|s| (s.sid.clone(), s.token))
            .collect();
        for (sid, token) in ringing {
            fx.extend(self.ring_out(&sid, token));
        }
        let asked: Vec<(String, u64)> = self
            .iter()
            .filter_map(|s| s.ask.as_ref().map(|a| (s, a)))
            .filter(|(_, a)| a.newer == agent)
            .map(|(s, a)| (s.sid.clone(), a.token))
            .collect();
        for (sid, token) in asked {
            if let Some(s) = self.get_mut(&sid) {
                fx.extend(s.ask_timeout(token));
            }
        }
        fx
    }
}
