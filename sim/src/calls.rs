//! Sessions (customer calls) and the video-service commands on them:
//! answer, refuse, hang up, and the end of a call from either side.

use crate::codes::{msg, Code, FAILED, SESSION_FINISHED};
use crate::routing::Timer;
use crate::say;
use crate::state::World;
use serde_json::{json, Value};
use std::collections::BTreeSet;

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

impl World {
    /// Pushes a message to `account` (see `PushHub::send`).
    pub fn push_to(&mut self, account: &str, msg_type: i64, sid: &str, data: Value) {
        let body = json!({"msgType": msg_type, "sid": sid, "data": data});
        self.push.send_json(account, &body);
    }

    /// A live session (not ended) by sid, or 100025.
    pub fn live(&mut self, sid: &str) -> Result<&mut Session, Code> {
        match self.sessions.get_mut(sid) {
            Some(s) if s.phase != Phase::Ended => Ok(s),
            _ => Err(SESSION_FINISHED),
        }
    }

    /// A new customer call, queued for routing (to `target` first if given).
    pub fn new_call(
        &mut self,
        sid: Option<String>,
        customer: Value,
        target: Option<String>,
        scripted: bool,
    ) -> Result<String, String> {
        let sid = match sid {
            Some(s) if self.live(&s).is_ok() => return Err(format!("sid {s} is in use")),
            Some(s) => s,
            None => loop {
                let s = format!("S-{}", self.next_sid);
                self.next_sid += 1;
                if !self.sessions.contains_key(&s) {
                    break s;
                }
            },
        };
        say!(
            "call {sid}: customer {} (target {target:?})",
            customer["name"]
        );
        let token = self.token();
        self.sessions.insert(
            sid.clone(),
            Session {
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
            },
        );
        self.queue.push_back(sid.clone());
        // A caller nobody answers gives up after the longest call time.
        let max = self.timings.max_call_ms;
        self.schedule(max, Timer::Abandon { sid: sid.clone() });
        Ok(sid)
    }

    /// `call/answer`: the agent the call rings at takes it.
    pub fn answer(&mut self, agent: &str, sid: &str) -> Result<Value, Code> {
        let token = self.token();
        let s = self.live(sid)?;
        if s.phase
            != (Phase::Offered {
                agent: agent.to_string(),
            })
        {
            return Err(FAILED);
        }
        s.phase = Phase::Active;
        s.owner = Some(agent.to_string());
        s.token = token;
        let scripted = s.scripted;
        say!("call {sid}: answered by {agent}");
        let max = self.timings.max_call_ms;
        self.schedule(
            max,
            Timer::MaxCall {
                sid: sid.into(),
                token,
            },
        );
        if scripted {
            let (after_ms, code) = self.scripted_call_length();
            self.schedule(
                after_ms,
                Timer::CustomerEnds {
                    sid: sid.into(),
                    token,
                    code,
                },
            );
        }
        Ok(Value::Null)
    }

    /// `call/refuse`: the call goes on to the next ready agent.
    pub fn refuse(&mut self, agent: &str, sid: &str) -> Result<Value, Code> {
        let s = self.live(sid)?;
        if s.phase
            != (Phase::Offered {
                agent: agent.to_string(),
            })
        {
            return Err(FAILED);
        }
        s.declined.insert(agent.to_string());
        s.target = None;
        s.phase = Phase::Queued;
        say!("call {sid}: refused by {agent}");
        self.queue.push_front(sid.to_string());
        Ok(Value::Null)
    }

    /// `call/hangup`: only the owner may end the call.
    pub fn hangup(&mut self, agent: &str, sid: &str) -> Result<Value, Code> {
        let s = self.live(sid)?;
        if s.phase != Phase::Active || s.owner.as_deref() != Some(agent) {
            return Err(FAILED);
        }
        say!("call {sid}: hung up by {agent}");
        self.end_call(sid, msg::END_SESSION, true);
        Ok(Value::Null)
    }

    /// Ends a call. `code` goes to everyone still in it; the owner gets
    /// nothing when it hung up itself (`by_owner`), the participant then gets 30025.
    pub fn end_call(&mut self, sid: &str, code: i64, by_owner: bool) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        let phase = std::mem::replace(&mut s.phase, Phase::Ended);
        let (owner, participant, ask) = (s.owner.clone(), s.participant.take(), s.ask.take());
        self.queue.retain(|q| q != sid);
        self.ended.push_back(sid.to_string());
        while self.ended.len() > KEEP_ENDED {
            if let Some(old) = self.ended.pop_front() {
                if self
                    .sessions
                    .get(&old)
                    .is_some_and(|s| s.phase == Phase::Ended)
                {
                    self.sessions.remove(&old);
                }
            }
        }
        match phase {
            Phase::Offered { agent } => self.push_to(&agent, code, sid, json!({})),
            Phase::Active => {
                if let (Some(o), false) = (&owner, by_owner) {
                    self.push_to(o, code, sid, json!({}));
                }
                if let Some(p) = participant {
                    let pc = if by_owner { msg::END_SESSION } else { code };
                    self.push_to(&p, pc, sid, json!({}));
                }
                if let Some(a) = ask {
                    self.push_to(&a.newer, code, sid, json!({}));
                }
                if let Some(o) = owner {
                    let delay = self.timings.recording_delay_ms;
                    self.schedule(
                        delay,
                        Timer::Recording {
                            sid: sid.into(),
                            owner: o,
                        },
                    );
                }
            }
            Phase::Queued | Phase::Ended => {}
        }
        say!("call {sid}: ended with {code}");
    }

    /// `session/current`: the agent's active session, as owner or participant.
    pub fn session_current(&self, agent: &str) -> Value {
        for s in self.sessions.values().filter(|s| s.phase == Phase::Active) {
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

    /// The agent went offline: what rings at it moves on (a call goes back to
    /// the queue, an ask ends as unanswered). Calls it is in go on.
    pub fn withdraw_from(&mut self, agent: &str) {
        let ringing: Vec<(String, u64)> = self
            .sessions
            .values()
            .filter(|s| {
                s.phase
                    == (Phase::Offered {
                        agent: agent.to_string(),
                    })
            })
            .map(|s| (s.sid.clone(), s.token))
            .collect();
        for (sid, token) in ringing {
            self.ring_out(&sid, token);
        }
        let asked: Vec<(String, u64)> = self
            .sessions
            .values()
            .filter_map(|s| s.ask.as_ref().map(|a| (s, a)))
            .filter(|(_, a)| a.newer == agent)
            .map(|(s, a)| (s.sid.clone(), a.token))
            .collect();
        for (sid, token) in asked {
            self.ask_timeout(&sid, token);
        }
    }
}
