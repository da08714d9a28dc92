//! Sessions (customer calls): what a call is, where it stands, and the
//! bookkeeping around all of them (waiting queue, recently ended sids,
//! generated sids, timer tokens). The commands live in `calls` (answer,
//! refuse, hang up, end), `asks` (transfer, third party) and `routing`.

use crate::agents::{AgentState, Agents, Presence};
use crate::codes::{Code, SESSION_FINISHED};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// Where a call stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for a ready agent.
    Queued,
    /// Ringing at `agent`.
    Offered {
        /// The agent it rings at.
        agent: String,
    },
    /// Answered: has an owner.
    Active,
    /// Over.
    Ended,
}

impl Phase {
    /// Whether the call rings at `agent`.
    pub fn offered_to(&self, agent: &str) -> bool {
        matches!(self, Phase::Offered { agent: a } if a == agent)
    }
}

/// Which kind of ask between agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskKind {
    /// Transfer of the call to another agent (change/*).
    Change,
    /// Third party joining the call (add/*).
    Add,
}

/// A pending ask from the owner to another agent.
#[derive(Debug, Clone)]
pub struct Ask {
    /// Transfer or third party.
    pub kind: AskKind,
    /// The owner who asked.
    pub from: String,
    /// The agent asked.
    pub newer: String,
    /// Token of its ring time-out.
    pub token: u64,
}

/// How the last ask of a session ended, for the codes of a late cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskOutcome {
    /// The asked agent accepted.
    Accepted,
    /// Refused, or nobody answered.
    Gone,
}

/// One customer call.
#[derive(Debug, Clone)]
pub struct Session {
    /// Session id, `S-<n>` unless a test chose one.
    pub sid: String,
    /// The customer object pushed with 50200.
    pub customer: Value,
    /// Started by the scripted customers (who hang up by themselves).
    pub scripted: bool,
    /// Where it stands.
    pub phase: Phase,
    /// The agent who owns the answered call.
    pub owner: Option<String>,
    /// The third party in the call.
    pub participant: Option<String>,
    /// A pending transfer or third-party ask.
    pub ask: Option<Ask>,
    /// The last finished ask: kind, asker, asked, outcome.
    pub last_ask: Option<(AskKind, String, String, AskOutcome)>,
    /// Agents that refused this call or let it ring out: not offered again.
    pub declined: BTreeSet<String>,
    /// The agent a test directed the call to (`POST /sim/call {account}`).
    pub target: Option<String>,
    /// Token of the current phase's timers (offer ring, talk time).
    pub token: u64,
}

/// Streams of the owner: it pushes its camera, plays the customer.
pub fn owner_streams(sid: &str) -> Value {
    json!({
        "pushUrl": format!("rtmp://127.0.0.1:1935/live/{sid}-agent"),
        "playUrls": [format!("rtmp://127.0.0.1:1935/live/{sid}-customer")],
    })
}

/// Streams of a third party: it pushes its own, plays customer and owner.
pub fn participant_streams(sid: &str) -> Value {
    json!({
        "pushUrl": format!("rtmp://127.0.0.1:1935/live/{sid}-guest"),
        "playUrls": [
            format!("rtmp://127.0.0.1:1935/live/{sid}-customer"),
            format!("rtmp://127.0.0.1:1935/live/{sid}-agent"),
        ],
    })
}

/// Ended sessions kept for late commands (100025) and snapshots.
const KEEP_ENDED: usize = 1000;

/// All sessions, live and recently ended.
#[derive(Debug)]
pub struct Sessions {
    map: HashMap<String, Session>,
    /// Ended sids, oldest first, so old sessions can be forgotten.
    ended: VecDeque<String>,
    /// Calls waiting for a ready agent, first come first served.
    pub(crate) queue: VecDeque<String>,
    /// Number of the next generated sid (`S-<n>`).
    next_sid: u64,
    next_token: u64,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions {
            map: HashMap::new(),
            ended: VecDeque::new(),
            queue: VecDeque::new(),
            next_sid: 1,
            next_token: 0,
        }
    }
}

impl Sessions {
    /// A new token; timers carry one so that a stale timer does nothing.
    pub fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    /// A session by sid, live or ended.
    pub fn get(&self, sid: &str) -> Option<&Session> {
        self.map.get(sid)
    }

    /// A session by sid, live or ended, to change.
    pub fn get_mut(&mut self, sid: &str) -> Option<&mut Session> {
        self.map.get_mut(sid)
    }

    /// Every session, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Session> {
        self.map.values()
    }

    /// A live session (not ended) by sid, or 100025.
    pub fn live(&mut self, sid: &str) -> Result<&mut Session, Code> {
        match self.map.get_mut(sid) {
            Some(s) if s.phase != Phase::Ended => Ok(s),
            _ => Err(SESSION_FINISHED),
        }
    }

    /// Whether `sid` names a call that is not over.
    pub fn is_live(&self, sid: &str) -> bool {
        self.map.get(sid).is_some_and(|s| s.phase != Phase::Ended)
    }

    /// Adds a queued call; `sid` or the next free `S-<n>`. Returns its sid.
    pub fn create(
        &mut self,
        sid: Option<String>,
        customer: Value,
        target: Option<String>,
        scripted: bool,
    ) -> Result<String, String> {
        let sid = match sid {
            Some(s) if self.is_live(&s) => return Err(format!("sid {s} is in use")),
            Some(s) => s,
            None => loop {
                let s = format!("S-{}", self.next_sid);
                self.next_sid += 1;
                if !self.map.contains_key(&s) {
                    break s;
                }
            },
        };
        let token = self.token();
        let session = Session {
            sid: sid.clone(),
            customer,
            scripted,
            phase: Phase::Queued,
            owner: None,
            participant: None,
            ask: None,
            last_ask: None,
            declined: BTreeSet::new(),
            target,
            token,
        };
        self.map.insert(sid.clone(), session);
        self.queue.push_back(sid.clone());
        Ok(sid)
    }

    /// Records that `sid` ended: out of the queue, onto the ended list (the
    /// oldest ended sessions beyond the cap are forgotten).
    pub fn note_ended(&mut self, sid: &str) {
        self.queue.retain(|q| q != sid);
        self.ended.push_back(sid.to_string());
        while self.ended.len() > KEEP_ENDED {
            if let Some(old) = self.ended.pop_front() {
                if self.map.get(&old).is_some_and(|s| s.phase == Phase::Ended) {
                    self.map.remove(&old);
                }
            }
        }
    }

    /// What `account` is involved in: busy in a call, or a call / ask ringing at it.
    pub fn involvement(&self, account: &str) -> Option<(AgentState, String)> {
        let mut wait = None;
        for s in self.map.values() {
            let mine = |x: &Option<String>| x.as_deref() == Some(account);
            match &s.phase {
                Phase::Active if mine(&s.owner) || mine(&s.participant) => {
                    return Some((AgentState::Busy, s.sid.clone()))
                }
                Phase::Offered { agent } if agent == account => wait = Some(s.sid.clone()),
                Phase::Active if s.ask.as_ref().is_some_and(|a| a.newer == account) => {
                    wait = Some(s.sid.clone())
                }
                _ => {}
            }
        }
        wait.map(|sid| (AgentState::Wait, sid))
    }

    /// The agent's derived state and the sid it concerns.
    pub fn agent_state(&self, agents: &Agents, account: &str) -> (AgentState, Option<String>) {
        if let Some((state, sid)) = self.involvement(account) {
            return (state, Some(sid));
        }
        let state = match agents.get(account).map(|a| a.presence) {
            Some(Presence::Ready) => AgentState::Ready,
            Some(Presence::Leave) => AgentState::Leave,
            _ => AgentState::Disconnected,
        };
        (state, None)
    }

    /// `session/current`: the agent's active session, as owner or participant.
    pub fn current(&self, agent: &str) -> Value {
        for s in self.map.values().filter(|s| s.phase == Phase::Active) {
            if s.owner.as_deref() == Some(agent) {
                return json!({"sid": s.sid, "role": "owner", "streams": owner_streams(&s.sid)});
            }
            if s.participant.as_deref() == Some(agent) {
                let streams = participant_streams(&s.sid);
                return json!({"sid": s.sid, "role": "participant", "streams": streams});
            }
        }
        Value::Null
    }

    /// Scripted calls not yet over.
    pub fn scripted_live(&self) -> usize {
        self.map
            .values()
            .filter(|s| s.scripted && s.phase != Phase::Ended)
            .count()
    }

    /// Forgets every session; sid numbers and tokens keep counting.
    pub fn clear(&mut self) {
        self.map.clear();
        self.ended.clear();
        self.queue.clear();
    }
}
