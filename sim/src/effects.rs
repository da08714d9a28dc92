//! What a model operation wants done: push messages (in order) and timers to
//! arm. Sub-models return [`Effects`]; only `World` applies them to the push
//! hub and the timer table, so the sub-models know neither.

use crate::timers::Timer;
use serde_json::{json, Value};

/// One push message for an agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    /// Account it goes to.
    pub to: String,
    /// `msgType`.
    pub msg_type: i64,
    /// Session id.
    pub sid: String,
    /// `data`.
    pub data: Value,
}

impl Push {
    /// The message body as it goes on the wire.
    pub fn body(&self) -> Value {
        json!({"msgType": self.msg_type, "sid": self.sid, "data": self.data})
    }
}

/// Pushes and timers produced by one operation.
#[derive(Debug, Default)]
pub struct Effects {
    /// Messages, in the order they are sent.
    pub pushes: Vec<Push>,
    /// Timers: delay in milliseconds from now, and what fires.
    pub timers: Vec<(u64, Timer)>,
}

impl Effects {
    /// Nothing to do.
    pub fn none() -> Effects {
        Effects::default()
    }

    /// Adds a push message.
    pub fn push(&mut self, to: &str, msg_type: i64, sid: &str, data: Value) {
        self.pushes.push(Push {
            to: to.to_string(),
            msg_type,
            sid: sid.to_string(),
            data,
        });
    }

    /// Arms `timer` `after_ms` from now.
    pub fn after(&mut self, after_ms: u64, timer: Timer) {
        self.timers.push((after_ms, timer));
    }

    /// Appends `other` after these.
    pub fn extend(&mut self, other: Effects) {
        self.pushes.extend(other.pushes);
        self.timers.extend(other.timers);
    }
}
