//! Agents as the dispatch service sees them: a presence the agent reports
//! (ready / leave / offline), and wait / busy derived from the sessions.

use crate::calls::Phase;
use crate::say;
use crate::state::World;
use serde::Serialize;
use serde_json::{json, Value};
use std::time::Instant;

/// What the agent reported through `agent/state` (or the heartbeat time-out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Takes calls.
    Ready,
    /// Resting: takes no calls.
    Leave,
    /// Not connected, or silent for longer than the heartbeat time-out.
    Offline,
}

impl Presence {
    /// Parses the `state` field of `agent/state`.
    pub fn parse(s: &str) -> Option<Presence> {
        match s {
            "ready" => Some(Presence::Ready),
            "leave" => Some(Presence::Leave),
            "offline" => Some(Presence::Offline),
            _ => None,
        }
    }
}

/// The agent's state as the simulator sees it (the SDK's state names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentState {
    /// Offline, with no call.
    Disconnected,
    /// Can be offered a call.
    Ready,
    /// Resting.
    Leave,
    /// A call or an ask is ringing at this agent.
    Wait,
    /// In a call (owner or participant).
    Busy,
}

/// One agent.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Reported presence.
    pub presence: Presence,
    /// Set when the presence became offline by silence (a heartbeat revives it).
    pub timed_out: bool,
    /// Last heartbeat, state report or subscribe.
    pub last_seen: Instant,
}

impl World {
    /// Makes `account` known (offline until it reports a state) and returns it.
    pub fn agent(&mut self, account: &str) -> &mut Agent {
        if !self.agents.contains_key(account) {
            self.order.push(account.to_string());
        }
        self.agents
            .entry(account.to_string())
            .or_insert_with(|| Agent {
                presence: Presence::Offline,
                timed_out: false,
                last_seen: Instant::now(),
            })
    }

    /// Records activity (heartbeat, state report, subscribe) of `account`.
    pub fn touch(&mut self, account: &str) {
        self.agent(account).last_seen = Instant::now();
    }

    /// Sets the presence the agent reported.
    pub fn set_presence(&mut self, account: &str, presence: Presence) {
        let a = self.agent(account);
        a.last_seen = Instant::now();
        a.timed_out = false;
        if a.presence != presence {
            say!("agent {account}: presence {presence:?}");
        }
        a.presence = presence;
        if presence == Presence::Offline {
            self.withdraw_from(account);
        }
    }

    /// A heartbeat: activity, and it revives an agent that was marked offline by silence.
    pub fn heartbeat(&mut self, account: &str, state: &str) {
        let a = self.agent(account);
        a.last_seen = Instant::now();
        if a.presence == Presence::Offline && a.timed_out {
            a.timed_out = false;
            a.presence = if state == "leave" {
                Presence::Leave
            } else {
                Presence::Ready
            };
            say!("agent {account}: back after heartbeat ({state})");
        }
    }

    /// Marks agents silent for longer than the heartbeat time-out as offline.
    pub fn sweep_silent(&mut self) {
        let limit = self.timings.heartbeat_timeout_ms as u128;
        let silent: Vec<String> = self
            .agents
            .iter()
            .filter(|(_, a)| a.presence != Presence::Offline)
            .filter(|(_, a)| a.last_seen.elapsed().as_millis() > limit)
            .map(|(k, _)| k.clone())
            .collect();
        for account in silent {
            say!("agent {account}: silent, now offline");
            self.set_presence(&account, Presence::Offline);
            self.agent(&account).timed_out = true;
        }
    }

    /// The agent's derived state and the sid it concerns.
    pub fn agent_state(&self, account: &str) -> (AgentState, Option<String>) {
        let mut wait = None;
        for s in self.sessions.values() {
            match &s.phase {
                Phase::Active if s.owner.as_deref() == Some(account) => {
                    return (AgentState::Busy, Some(s.sid.clone()))
                }
                Phase::Active if s.participant.as_deref() == Some(account) => {
                    return (AgentState::Busy, Some(s.sid.clone()))
                }
                Phase::Offered { agent } if agent == account => wait = Some(s.sid.clone()),
                Phase::Active if s.ask.as_ref().is_some_and(|a| a.newer == account) => {
                    wait = Some(s.sid.clone())
                }
                _ => {}
            }
        }
        if wait.is_some() {
            return (AgentState::Wait, wait);
        }
        let state = match self.agents.get(account).map(|a| a.presence) {
            Some(Presence::Ready) => AgentState::Ready,
            Some(Presence::Leave) => AgentState::Leave,
            _ => AgentState::Disconnected,
        };
        (state, None)
    }

    /// `GET /sim/agents`.
    pub fn agents_json(&self) -> Value {
        let list: Vec<Value> = self
            .order
            .iter()
            .filter_map(|acc| self.agents.get(acc).map(|a| (acc, a)))
            .map(|(acc, a)| {
                let (state, sid) = self.agent_state(acc);
                let streams = self.push.open_streams(acc);
                json!({"account": acc, "presence": a.presence, "state": state, "sid": sid,
                       "streams": streams})
            })
            .collect();
        Value::Array(list)
    }
}
