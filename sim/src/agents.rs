//! Agents as the dispatch service sees them: a presence the agent reports
//! (ready / leave / offline), when it was last heard of, and the round-robin
//! order in which calls are offered. Wait / busy are derived from the
//! sessions (`Sessions::agent_state`). Times are given, never read.

use crate::say;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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

/// All known agents, in the order they became known (the round-robin ring).
#[derive(Debug, Default)]
pub struct Agents {
    map: BTreeMap<String, Agent>,
    order: Vec<String>,
    /// Index into `order` where the next round-robin search starts.
    rr_next: usize,
}

impl Agents {
    /// The agent `account`, if known.
    pub fn get(&self, account: &str) -> Option<&Agent> {
        self.map.get(account)
    }

    /// Makes `account` known (offline until it reports a state) and returns it.
    pub fn entry(&mut self, account: &str, now: Instant) -> &mut Agent {
        if !self.map.contains_key(account) {
            self.order.push(account.to_string());
        }
        self.map
            .entry(account.to_string())
            .or_insert_with(|| Agent {
                presence: Presence::Offline,
                timed_out: false,
                last_seen: now,
            })
    }

    /// Records activity (heartbeat, state report, subscribe) of `account`.
    pub fn touch(&mut self, account: &str, now: Instant) {
        self.entry(account, now).last_seen = now;
    }

    /// Sets the presence the agent reported.
    pub fn set_presence(&mut self, account: &str, presence: Presence, now: Instant) {
        let a = self.entry(account, now);
        a.last_seen = now;
        a.timed_out = false;
        if a.presence != presence {
            say!("agent {account}: presence {presence:?}");
        }
        a.presence = presence;
    }

    /// A heartbeat: activity, and it revives an agent that was marked offline by silence.
    pub fn heartbeat(&mut self, account: &str, state: &str, now: Instant) {
        let a = self.entry(account, now);
        a.last_seen = now;
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

    /// Agents not offline and silent for longer than `limit_ms` at `now`.
    pub fn silent(&self, now: Instant, limit_ms: u64) -> Vec<String> {
        self.map
            .iter()
            .filter(|(_, a)| a.presence != Presence::Offline)
            .filter(|(_, a)| {
                now.saturating_duration_since(a.last_seen).as_millis() > limit_ms as u128
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// When the next agent becomes silent for longer than `limit_ms`.
    pub fn next_silence(&self, limit_ms: u64) -> Option<Instant> {
        self.map
            .values()
            .filter(|a| a.presence != Presence::Offline)
            .map(|a| a.last_seen + Duration::from_millis(limit_ms + 1))
            .min()
    }

    /// Marks an agent that went offline by silence (a heartbeat brings it back).
    pub fn mark_timed_out(&mut self, account: &str) {
        if let Some(a) = self.map.get_mut(account) {
            a.timed_out = true;
        }
    }

    /// Known agents in the order they became known.
    pub fn in_order(&self) -> impl Iterator<Item = (&String, &Agent)> {
        self.order
            .iter()
            .filter_map(|acc| self.map.get(acc).map(|a| (acc, a)))
    }

    /// The next agent in round-robin order for which `eligible` holds; the
    /// search after it starts behind it.
    pub fn next_in_turn(&mut self, eligible: impl Fn(&str, &Agent) -> bool) -> Option<String> {
        let n = self.order.len();
        let found = (0..n).map(|i| (self.rr_next + i) % n).find(|&i| {
            let acc = &self.order[i];
            self.map.get(acc).is_some_and(|a| eligible(acc, a))
        })?;
        self.rr_next = (found + 1) % n;
        Some(self.order[found].clone())
    }

    /// Forgets every agent.
    pub fn clear(&mut self) {
        *self = Agents::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_measured_from_the_last_activity() {
        let t0 = Instant::now();
        let mut agents = Agents::default();
        agents.set_presence("a", Presence::Ready, t0);
        let limit = 60_000;
        assert_eq!(
            agents.next_silence(limit),
            Some(t0 + Duration::from_millis(60_001))
        );
        assert!(agents
            .silent(t0 + Duration::from_millis(60_000), limit)
            .is_empty());
        agents.heartbeat("a", "ready", t0 + Duration::from_millis(30_000));
        assert!(agents
            .silent(t0 + Duration::from_millis(61_000), limit)
            .is_empty());
        let later = t0 + Duration::from_millis(90_001);
        assert_eq!(agents.silent(later, limit), vec!["a".to_string()]);
    }

    #[test]
    fn round_robin_starts_behind_the_last_pick() {
        let t0 = Instant::now();
        let mut agents = Agents::default();
        for a in ["a", "b", "c"] {
            agents.set_presence(a, Presence::Ready, t0);
        }
        let all = |_: &str, _: &Agent| true;
        let picks: Vec<String> = (0..4).filter_map(|_| agents.next_in_turn(all)).collect();
        assert_eq!(picks, ["a", "b", "c", "a"]);
        let not_c = |acc: &str, _: &Agent| acc != "c";
        assert_eq!(agents.next_in_turn(not_c).as_deref(), Some("b"));
        assert_eq!(agents.next_in_turn(not_c).as_deref(), Some("a"));
    }
}
