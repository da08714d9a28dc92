//! Asks between agents on an answered call: transfer (`change/*`) and third
//! party (`add/*`). Both share one shape: the owner asks, the asked agent
//! accepts or refuses, the owner may cancel, an unanswered ask rings out.

use crate::agents::AgentState;
use crate::calls::{owner_streams, participant_streams, Ask, AskKind, AskOutcome, Phase};
use crate::codes::{
    msg, Code, AGENT_BUSY, ALREADY_ACCEPTED, ASK_GONE, ASK_PENDING, ASK_SELF, FAILED,
};
use crate::routing::Timer;
use crate::say;
use crate::state::World;
use serde_json::{json, Value};

/// The push codes of one kind of ask.
struct Codes {
    ask: i64,
    accept: i64,
    reject: i64,
    cancel: i64,
    streams: i64,
}

fn codes(kind: AskKind) -> Codes {
    match kind {
        AskKind::Change => Codes {
            ask: msg::CHANGE_ASK,
            accept: msg::CHANGE_ACCEPT,
            reject: msg::CHANGE_REJECT,
            cancel: msg::CHANGE_CANCEL,
            streams: msg::CHANGE_LIVE_SRC,
        },
        AskKind::Add => Codes {
            ask: msg::ADD_ASK,
            accept: msg::ADD_ACCEPT,
            reject: msg::ADD_REJECT,
            cancel: msg::ADD_CANCEL,
            streams: msg::PARTICIPATOR_LIVE_SRC,
        },
    }
}

impl World {
    /// `change/ask`, `add/ask`: the owner asks `newer`.
    pub fn ask(
        &mut self,
        kind: AskKind,
        from: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let newer_state = self.agent_state(newer).0;
        let known = self.agents.contains_key(newer);
        let token = self.token();
        let s = self.live(sid)?;
        if s.phase != Phase::Active || s.owner.as_deref() != Some(from) {
            return Err(FAILED);
        }
        if newer == from {
            return Err(ASK_SELF);
        }
        if s.ask.is_some() {
            return Err(ASK_PENDING);
        }
        if kind == AskKind::Add && s.participant.is_some() {
            return Err(FAILED);
        }
        if !known || newer_state != AgentState::Ready {
            return Err(AGENT_BUSY);
        }
        s.ask = Some(Ask {
            kind,
            from: from.to_string(),
            newer: newer.to_string(),
            token,
        });
        say!("call {sid}: {from} asks {newer} ({kind:?})");
        self.push_to(newer, codes(kind).ask, sid, json!({ "from": from }));
        let ring = self.timings.ring_timeout_ms;
        self.schedule(
            ring,
            Timer::AskTimeout {
                sid: sid.into(),
                token,
            },
        );
        Ok(Value::Null)
    }

    /// `change/cancel`, `add/cancel`: the asker withdraws its ask.
    pub fn cancel_ask(
        &mut self,
        kind: AskKind,
        from: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let s = self.live(sid)?;
        let pending = s
            .ask
            .as_ref()
            .is_some_and(|a| a.kind == kind && a.from == from && a.newer == newer);
        if !pending {
            return Err(match &s.last_ask {
                Some((k, f, n, AskOutcome::Accepted)) if *k == kind && f == from && n == newer => {
                    ALREADY_ACCEPTED
                }
                Some((k, f, n, AskOutcome::Gone)) if *k == kind && f == from && n == newer => {
                    ASK_GONE
                }
                _ => FAILED,
            });
        }
        s.ask = None;
        s.last_ask = Some((kind, from.into(), newer.into(), AskOutcome::Gone));
        say!("call {sid}: {from} cancels its ask to {newer}");
        self.push_to(newer, codes(kind).cancel, sid, json!({ "from": from }));
        Ok(Value::Null)
    }

    /// The pending ask of `kind` on `sid` addressed to `agent`, taken out of the session.
    fn take_ask(&mut self, kind: AskKind, agent: &str, sid: &str) -> Result<Ask, Code> {
        let s = self.live(sid)?;
        match &s.ask {
            Some(a) if a.kind == kind && a.newer == agent => {}
            _ => return Err(FAILED),
        }
        s.ask.take().ok_or(FAILED)
    }

    /// `change/accept`, `add/accept`: the asked agent takes over or joins.
    pub fn accept_ask(&mut self, kind: AskKind, agent: &str, sid: &str) -> Result<Value, Code> {
        let ask = self.take_ask(kind, agent, sid)?;
        let s = self.live(sid)?;
        s.last_ask = Some((kind, ask.from.clone(), agent.into(), AskOutcome::Accepted));
        let c = codes(kind);
        let streams = match kind {
            AskKind::Change => {
                s.owner = Some(agent.to_string());
                owner_streams(sid)
            }
            AskKind::Add => {
                s.participant = Some(agent.to_string());
                participant_streams(sid)
            }
        };
        say!(
            "call {sid}: {agent} accepted the ask of {} ({kind:?})",
            ask.from
        );
        self.push_to(&ask.from, c.accept, sid, json!({ "newer": agent }));
        self.push_to(agent, c.streams, sid, json!({ "streams": streams }));
        Ok(Value::Null)
    }

    /// `change/refuse`, `add/refuse`: the asked agent declines.
    pub fn refuse_ask(&mut self, kind: AskKind, agent: &str, sid: &str) -> Result<Value, Code> {
        let ask = self.take_ask(kind, agent, sid)?;
        let s = self.live(sid)?;
        s.last_ask = Some((kind, ask.from.clone(), agent.into(), AskOutcome::Gone));
        say!(
            "call {sid}: {agent} refused the ask of {} ({kind:?})",
            ask.from
        );
        self.push_to(
            &ask.from,
            codes(kind).reject,
            sid,
            json!({ "newer": agent }),
        );
        Ok(Value::Null)
    }

    /// An ask rang out: the asked agent gets the cancel, the asker the reject.
    pub fn ask_timeout(&mut self, sid: &str, token: u64) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        if s.ask.as_ref().map(|a| a.token) != Some(token) {
            return;
        }
        let Some(ask) = s.ask.take() else {
            return;
        };
        s.last_ask = Some((
            ask.kind,
            ask.from.clone(),
            ask.newer.clone(),
            AskOutcome::Gone,
        ));
        let c = codes(ask.kind);
        say!("call {sid}: ask of {} to {} rang out", ask.from, ask.newer);
        self.push_to(&ask.newer, c.cancel, sid, json!({ "from": ask.from }));
        self.push_to(&ask.from, c.reject, sid, json!({ "newer": ask.newer }));
    }

    /// `add/remove`: the owner removes the third party.
    pub fn remove_participant(
        &mut self,
        owner: &str,
        sid: &str,
        newer: &str,
    ) -> Result<Value, Code> {
        let s = self.live(sid)?;
        if s.phase != Phase::Active
            || s.owner.as_deref() != Some(owner)
            || s.participant.as_deref() != Some(newer)
        {
            return Err(FAILED);
        }
        s.participant = None;
        say!("call {sid}: {owner} removed {newer}");
        self.push_to(newer, msg::END_SESSION, sid, json!({}));
        self.push_to(owner, msg::ADD_DEL, sid, json!({ "newer": newer }));
        Ok(Value::Null)
    }

    /// `add/quit`: the third party leaves.
    pub fn quit_participant(&mut self, agent: &str, sid: &str) -> Result<Value, Code> {
        let s = self.live(sid)?;
        if s.phase != Phase::Active || s.participant.as_deref() != Some(agent) {
            return Err(FAILED);
        }
        s.participant = None;
        let owner = s.owner.clone();
        say!("call {sid}: {agent} quit");
        if let Some(o) = owner {
            self.push_to(&o, msg::ADD_DEL, sid, json!({ "newer": agent }));
        }
        Ok(Value::Null)
    }
}
