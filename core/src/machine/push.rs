//! Push messages: exactly-once filter, decoding, and msgType → state change +
//! event (SPEC §2 and the transition table of §3).

use super::{Agent, Call, Ring, Role};
use crate::codec::PushMsg;
use crate::consts::{EventType, MsgType, State};
use crate::error::{ErrorCode, SdkError};
use crate::facts::PushFacts;
use crate::value::{obj, Frame, Value};
use crate::{LogLevel, MAX_FRAME_CHARS};

/// Most pushes held during one sync; more are handled at once.
const MAX_HELD: usize = 64;

impl<V: Value> Agent<V> {
    /// A `message` push; `facts` when the browser's reader read them.
    pub(crate) fn on_push_message(
        &mut self,
        id: Option<&str>,
        data: Frame<V>,
        facts: Option<PushFacts<V>>,
    ) {
        self.last_push_activity = self.now;
        if !self.dedup.first_time(id) {
            if self.logs(LogLevel::Debug) {
                self.log(
                    LogLevel::Debug,
                    format!("push id {} already delivered, dropped", id.unwrap_or("")),
                );
            }
            return;
        }
        // The web layer checks the length before parsing; a caller that
        // did not is held to the same limit here.
        let len = data.len;
        if len > MAX_FRAME_CHARS {
            return self.too_large(id, len);
        }
        let facts = facts.unwrap_or_else(|| PushFacts::read(data.value));
        match PushMsg::from_facts(facts) {
            Ok(m) => self.hold_or_dispatch(m),
            Err(e) => self.report(with_id(e, id)),
        }
    }

    pub(crate) fn on_push_oversized(&mut self, id: Option<&str>, len: usize) {
        self.last_push_activity = self.now;
        if self.dedup.first_time(id) {
            self.too_large(id, len);
        }
    }

    fn too_large(&mut self, id: Option<&str>, len: usize) {
        let e = SdkError::new(
            ErrorCode::TooLarge,
            format!("push message of {len} characters dropped (limit {MAX_FRAME_CHARS})"),
        );
        self.report(with_id(e, id));
    }

    fn unexpected(&mut self, m: &PushMsg<V>, sid: &str) {
        self.report(
            SdkError::new(
                ErrorCode::UnexpectedMessage,
                format!(
                    "push {} for {sid} does not fit state {}",
                    m.msg_type.label(),
                    self.state.as_str()
                ),
            )
            .with("msgType", m.msg_type.0 as f64)
            .with("sid", sid)
            .with("state", self.state.as_str()),
        );
    }

    /// While the start-up/recovery sync runs, a push is held until it ends:
    /// the platform offers a waiting call as soon as it accepted `ready`, so
    /// the 50200 may arrive before the `agent/state` reply.
    fn hold_or_dispatch(&mut self, m: PushMsg<V>) {
        if self.state == State::Disconnected && self.sync.in_flight() && self.held.len() < MAX_HELD
        {
            self.log(
                LogLevel::Debug,
                format!(
                    "push {} for {} held until connected",
                    m.msg_type.label(),
                    m.sid()
                ),
            );
            return self.held.push(m);
        }
        self.dispatch(m)
    }

    /// Handles the held pushes, in order (called by `run_due` once no sync
    /// is in flight).
    pub(crate) fn release_held(&mut self) {
        for m in std::mem::take(&mut self.held) {
            self.dispatch(m);
        }
    }

    fn dispatch(&mut self, m: PushMsg<V>) {
        let t = m.msg_type;
        let kind = event_type(t);
        if matches!(t, MsgType::VIDEO_REC_SRC | MsgType::IMG_SRC) {
            // In any state, for any session: no need for the sid's text.
            return self.emit(kind, m.into_payload());
        }
        let sid = m.sid();
        let same = |c: &Call<V>| c.sid == sid;
        let ring = self
            .call
            .as_ref()
            .filter(|c| same(c))
            .and_then(|c| c.ring.clone());
        let in_call = self
            .call
            .as_ref()
            .filter(|c| same(c) && c.ring.is_none())
            .map(|c| c.role);
        let waiting = self.state == State::Wait;
        let busy = self.state == State::Busy;
        let owner = busy && in_call == Some(Role::Owner);
        match t {
            MsgType::INCOMING_CALL | MsgType::STAFF_CHANGE_ASK | MsgType::ADDPARTICIPATOR_ASK
                if self.state == State::Ready =>
            {
                let r = match t {
                    MsgType::INCOMING_CALL => Ring::Incoming,
                    MsgType::STAFF_CHANGE_ASK => Ring::Exchange,
                    _ => Ring::Add,
                };
                let streams = m.data.get("streams").unwrap_or_else(V::null);
                self.call = Some(Call::ringing(&sid, r, streams));
                self.set_state(State::Wait);
            }
            MsgType::STAFF_CHANGE_CALL_BACK_CANCEL if waiting && ring == Some(Ring::Exchange) => {
                self.end_call()
            }
            MsgType::ADDPARTICIPATOR_CANCEL if waiting && ring == Some(Ring::Add) => {
                self.end_call()
            }
            MsgType::STAFF_CHANGE_LIVE_SRC | MsgType::PARTICIPATOR_LIVE_SRC
                if waiting && self.accepted(t, ring.as_ref()) =>
            {
                if let Some(c) = self.call.as_mut() {
                    c.ring = None;
                    c.role = if t == MsgType::STAFF_CHANGE_LIVE_SRC {
                        Role::Owner
                    } else {
                        Role::Participant
                    };
                    c.streams = m.data.get("streams").unwrap_or_else(V::null);
                }
                self.set_state(State::Busy);
                self.exe_start();
            }
            MsgType::STAFF_CHANGE_CALL_BACK_ACCEPT if owner => {
                // The call now belongs to `newer`.
                self.emit(kind, m.into_payload());
                return self.end_call();
            }
            MsgType::STAFF_CHANGE_CALL_BACK_REJECT
            | MsgType::ADDPARTICIPATOR_CALL_BACK_ACCEPT
            | MsgType::ADDPARTICIPATOR_CALL_BACK_REJECT
            | MsgType::ADDPARTICIPATOR_DEL
                if owner =>
            {
                let newer = m.data.str_of("newer");
                if let Some(c) = self.call.as_mut() {
                    match t {
                        MsgType::STAFF_CHANGE_CALL_BACK_REJECT => c.change_pending = None,
                        MsgType::ADDPARTICIPATOR_CALL_BACK_ACCEPT => {
                            c.add_pending = None;
                            c.participant = newer;
                        }
                        MsgType::ADDPARTICIPATOR_CALL_BACK_REJECT => c.add_pending = None,
                        _ => {
                            if c.participant == newer || newer.is_none() {
                                c.participant = None;
                            }
                        }
                    }
                }
            }
            _ if t.is_hangup() && ((waiting && ring.is_some()) || (busy && in_call.is_some())) => {
                self.emit(
                    EventType::IncomingCallHangup,
                    obj([("sid", V::string(&sid)), ("msgType", V::number(t.0 as f64))]),
                );
                return self.end_call();
            }
            _ if t.is_hangup()
                && self.call.is_none()
                && self.ended_sid.as_deref() == Some(sid.as_str()) =>
            {
                // The platform confirms the end of the call we just left.
                return self.log(
                    LogLevel::Debug,
                    format!("late {} for ended call {sid}", t.label()),
                );
            }
            _ => return self.unexpected(&m, &sid),
        }
        self.emit(kind, m.into_payload());
    }

    /// 50201/50202 move to `busy` only once our accept was sent (its reply
    /// may come before or after this push).
    fn accepted(&self, t: MsgType, ring: Option<&Ring>) -> bool {
        let want = if t == MsgType::STAFF_CHANGE_LIVE_SRC {
            Ring::Exchange
        } else {
            Ring::Add
        };
        ring == Some(&want) && self.call.as_ref().is_some_and(|c| c.accept_sent)
    }
}

fn event_type(t: MsgType) -> EventType {
    match t.0 {
        50200 => EventType::IncomingCall,
        50203 => EventType::Videotape,
        50204 => EventType::Image,
        20100..=20103 | 50201 => EventType::ExchangeCall,
        20200..=20204 | 50202 => EventType::AddCall,
        _ => EventType::IncomingCallHangup,
    }
}

fn with_id(e: SdkError, id: Option<&str>) -> SdkError {
    match id {
        Some(id) => e.with("id", id),
        None => e,
    }
}
