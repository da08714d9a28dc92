//! Asks between agents on an answered call: transfer (`change/*`) and third
//! party (`add/*`). Both share one shape: the owner asks, the asked agent
//! accepts or refuses, the owner may cancel, an unanswered ask rings out.
//! Each is an operation on one [`Session`] that returns the pushes and
//! timers that follow.

use crate::codes::{
    msg, Code, AGENT_BUSY, ALREADY_ACCEPTED, ASK_GONE, ASK_PENDING, ASK_SELF, FAILED,
};
use crate::effects::Effects;
use crate::say;
use crate::sessions::{
    owner_streams, participant_streams, Ask, AskKind, AskOutcome, Phase, Session,
};
use crate::timers::Timer;
use serde_json::json;

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

/// What an ask needs to know about the agent asked.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// The agent is known and ready (no call, nothing ringing).
    pub ready: bool,
    /// Token for the ask's ring time-out.
    pub token: u64,
    /// How long the ask rings.
    pub ring_ms: u64,
}

impl Session {
    /// `change/ask`, `add/ask`: the owner `from` asks `newer`.
    pub fn ask(
        &mut self,
        kind: AskKind,
        from: &str,
        newer: &str,
        asked: Asked,
    ) -> Result<Effects, Code> {
        if self.phase != Phase::Active || self.owner.as_deref() != Some(from) {
            return Err(FAILED);
        }
        if newer == from {
            return Err(ASK_SELF);
        }
        if self.ask.is_some() {
            return Err(ASK_PENDING);
        }
        if kind == AskKind::Add && self.participant.is_some() {
            return Err(FAILED);
        }
        if !asked.ready {
            return Err(AGENT_BUSY);
        }
        let token = asked.token;
        self.ask = Some(Ask {
            kind,
            from: from.to_string(),
            newer: newer.to_string(),
            token,
        });
        let sid = self.sid.clone();
        say!("call {sid}: {from} asks {newer} ({kind:?})");
        let mut fx = Effects::none();
        fx.push(newer, codes(kind).ask, &sid, json!({ "from": from }));
        fx.after(asked.ring_ms, Timer::AskTimeout { sid, token });
        Ok(fx)
    }

    /// `change/cancel`, `add/cancel`: the asker withdraws its ask.
    pub fn cancel_ask(&mut self, kind: AskKind, from: &str, newer: &str) -> Result<Effects, Code> {
        let pending = self
            .ask
            .as_ref()
            .is_some_and(|a| a.kind == kind && a.from == from && a.newer == newer);
        if !pending {
            return Err(match &self.last_ask {
                Some((k, f, n, AskOutcome::Accepted)) if *k == kind && f == from && n == newer => {
                    ALREADY_ACCEPTED
                }
                Some((k, f, n, AskOutcome::Gone)) if *k == kind && f == from && n == newer => {
                    ASK_GONE
                }
                _ => FAILED,
            });
        }
        self.ask = None;
        self.last_ask = Some((kind, from.into(), newer.into(), AskOutcome::Gone));
        say!("call {}: {from} cancels its ask to {newer}", self.sid);
        let mut fx = Effects::none();
        fx.push(
            newer,
            codes(kind).cancel,
            &self.sid,
            json!({ "from": from }),
        );
        Ok(fx)
    }

    /// The pending ask of `kind` addressed to `agent`, taken out of the session.
    fn take_ask(&mut self, kind: AskKind, agent: &str) -> Result<Ask, Code> {
        match &self.ask {
            Some(a) if a.kind == kind && a.newer == agent => {}
            _ => return Err(FAILED),
        }
        self.ask.take().ok_or(FAILED)
    }

    /// `change/accept`, `add/accept`: the asked agent takes over or joins.
    pub fn accept_ask(&mut self, kind: AskKind, agent: &str) -> Result<Effects, Code> {
        let ask = self.take_ask(kind, agent)?;
        self.last_ask = Some((kind, ask.from.clone(), agent.into(), AskOutcome::Accepted));
        let sid = self.sid.clone();
        let streams = match kind {
            AskKind::Change => {
                self.owner = Some(agent.to_string());
                owner_streams(&sid)
            }
            AskKind::Add => {
                self.participant = Some(agent.to_string());
                participant_streams(&sid)
            }
        };
        say!(
            "call {sid}: {agent} accepted the ask of {} ({kind:?})",
            ask.from
        );
        let c = codes(kind);
        let mut fx = Effects::none();
        fx.push(&ask.from, c.accept, &sid, json!({ "newer": agent }));
        fx.push(agent, c.streams, &sid, json!({ "streams": streams }));
        Ok(fx)
    }

    /// `change/refuse`, `add/refuse`: the asked agent declines.
    pub fn refuse_ask(&mut self, kind: AskKind, agent: &str) -> Result<Effects, Code> {
        let ask = self.take_ask(kind, agent)?;
        self.last_ask = Some((kind, ask.from.clone(), agent.into(), AskOutcome::Gone));
        say!(
            "call {}: {agent} refused the ask of {} ({kind:?})",
            self.sid,
            ask.from
        );
        let mut fx = Effects::none();
        fx.push(
            &ask.from,
            codes(kind).reject,
            &self.sid,
            json!({ "newer": agent }),
        );
        Ok(fx)
    }

    /// The ask with `token` rang out: the asked agent gets the cancel, the asker the reject.
    pub fn ask_timeout(&mut self, token: u64) -> Effects {
        let mut fx = Effects::none();
        if self.ask.as_ref().map(|a| a.token) != Some(token) {
            return fx;
        }
        let Some(ask) = self.ask.take() else {
            return fx;
        };
        let outcome = (
            ask.kind,
            ask.from.clone(),
            ask.newer.clone(),
            AskOutcome::Gone,
        );
        self.last_ask = Some(outcome);
        let c = codes(ask.kind);
        say!(
            "call {}: ask of {} to {} rang out",
            self.sid,
            ask.from,
            ask.newer
        );
        fx.push(&ask.newer, c.cancel, &self.sid, json!({ "from": ask.from }));
        fx.push(
            &ask.from,
            c.reject,
            &self.sid,
            json!({ "newer": ask.newer }),
        );
        fx
    }

    /// `add/remove`: the owner removes the third party.
    pub fn remove_participant(&mut self, owner: &str, newer: &str) -> Result<Effects, Code> {
        if self.phase != Phase::Active
            || self.owner.as_deref() != Some(owner)
            || self.participant.as_deref() != Some(newer)
        {
            return Err(FAILED);
        }
        self.participant = None;
        say!("call {}: {owner} removed {newer}", self.sid);
        let mut fx = Effects::none();
        fx.push(newer, msg::END_SESSION, &self.sid, json!({}));
        fx.push(owner, msg::ADD_DEL, &self.sid, json!({ "newer": newer }));
        Ok(fx)
    }

    /// `add/quit`: the third party leaves.
    pub fn quit_participant(&mut self, agent: &str) -> Result<Effects, Code> {
        if self.phase != Phase::Active || self.participant.as_deref() != Some(agent) {
            return Err(FAILED);
        }
        self.participant = None;
        say!("call {}: {agent} quit", self.sid);
        let mut fx = Effects::none();
        if let Some(o) = &self.owner {
            fx.push(o, msg::ADD_DEL, &self.sid, json!({ "newer": agent }));
        }
        Ok(fx)
    }
}
