//! The video-service commands on a call itself: a new call, answer, refuse,
//! hang up, and the end of a call from either side. They change the
//! sessions and return the pushes and timers that follow ([`Effects`]).

use crate::codes::{msg, Code, FAILED};
use crate::effects::Effects;
use crate::say;
use crate::sessions::{Phase, Sessions};
use crate::timers::{Timer, Timings};
use serde_json::{json, Value};

impl Sessions {
    /// A new customer call, queued for routing (to `target` first if given).
    /// A caller nobody answers gives up after the longest call time.
    pub fn new_call(
        &mut self,
        sid: Option<String>,
        customer: Value,
        target: Option<String>,
        scripted: bool,
        timings: &Timings,
    ) -> Result<(String, Effects), String> {
        let name = customer["name"].clone();
        let sid = self.create(sid, customer, target.clone(), scripted)?;
        say!("call {sid}: customer {name} (target {target:?})");
        let mut fx = Effects::none();
        fx.after(timings.max_call_ms, Timer::Abandon { sid: sid.clone() });
        Ok((sid, fx))
    }

    /// `call/answer`: the agent the call rings at takes it. `length` says how
    /// long a scripted call lasts and how it ends (asked only for scripted calls).
    pub fn answer(
        &mut self,
        agent: &str,
        sid: &str,
        timings: &Timings,
        length: impl FnOnce() -> (u64, i64),
    ) -> Result<Effects, Code> {
        let token = self.token();
        let s = self.live(sid)?;
        if !s.phase.offered_to(agent) {
            return Err(FAILED);
        }
        s.phase = Phase::Active;
        s.owner = Some(agent.to_string());
        s.token = token;
        let scripted = s.scripted;
        say!("call {sid}: answered by {agent}");
        let mut fx = Effects::none();
        let sid = sid.to_string();
        fx.after(
            timings.max_call_ms,
            Timer::MaxCall {
                sid: sid.clone(),
                token,
            },
        );
        if scripted {
            let (after_ms, code) = length();
            fx.after(after_ms, Timer::CustomerEnds { sid, token, code });
        }
        Ok(fx)
    }

    /// `call/refuse`: the call goes on to the next ready agent.
    pub fn refuse(&mut self, agent: &str, sid: &str) -> Result<Effects, Code> {
        let s = self.live(sid)?;
        if !s.phase.offered_to(agent) {
            return Err(FAILED);
        }
        s.declined.insert(agent.to_string());
        s.target = None;
        s.phase = Phase::Queued;
        say!("call {sid}: refused by {agent}");
        self.queue.push_front(sid.to_string());
        Ok(Effects::none())
    }

    /// `call/hangup`: only the owner may end the call.
    pub fn hangup(&mut self, agent: &str, sid: &str, timings: &Timings) -> Result<Effects, Code> {
        let s = self.live(sid)?;
        if s.phase != Phase::Active || s.owner.as_deref() != Some(agent) {
            return Err(FAILED);
        }
        say!("call {sid}: hung up by {agent}");
        Ok(self.end_call(sid, msg::END_SESSION, true, timings))
    }

    /// Ends a call. `code` goes to everyone still in it; the owner gets
    /// nothing when it hung up itself (`by_owner`), the participant then gets 30025.
    /// The owner's recording follows after the recording delay.
    pub fn end_call(&mut self, sid: &str, code: i64, by_owner: bool, timings: &Timings) -> Effects {
        let mut fx = Effects::none();
        let Some(s) = self.get_mut(sid) else {
            return fx;
        };
        let phase = std::mem::replace(&mut s.phase, Phase::Ended);
        let (owner, participant, ask) = (s.owner.clone(), s.participant.take(), s.ask.take());
        self.note_ended(sid);
        match phase {
            Phase::Offered { agent } => fx.push(&agent, code, sid, json!({})),
            Phase::Active => {
                if let (Some(o), false) = (&owner, by_owner) {
                    fx.push(o, code, sid, json!({}));
                }
                if let Some(p) = participant {
                    let pc = if by_owner { msg::END_SESSION } else { code };
                    fx.push(&p, pc, sid, json!({}));
                }
                if let Some(a) = ask {
                    fx.push(&a.newer, code, sid, json!({}));
                }
                if let Some(owner) = owner {
                    let sid = sid.to_string();
                    fx.after(timings.recording_delay_ms, Timer::Recording { sid, owner });
                }
            }
            Phase::Queued | Phase::Ended => {}
        }
        say!("call {sid}: ended with {code}");
        fx
    }

    /// The token of a session that is still in its answered phase.
    pub fn live_token(&self, sid: &str) -> Option<u64> {
        self.get(sid)
            .filter(|s| s.phase == Phase::Active)
            .map(|s| s.token)
    }
}
