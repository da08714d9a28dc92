//! The model's deadlines in virtual time: what happens later (a ring time-out,
//! a recording, a customer hanging up) is a [`Timer`] in a [`Timers`] table
//! keyed by an `Instant` the caller gives. Nothing here reads the clock; the
//! IO edge (`state::drive`) sleeps until [`Timers::next`] and hands the time in.

use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// Timings that tests may change at run time (`POST /sim/config`), in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// How long an offer or an ask rings.
    pub ring_timeout_ms: u64,
    /// Delay between the end of a call and its recording push.
    pub recording_delay_ms: u64,
    /// Interval of `event: ping` on push streams.
    pub ping_interval_ms: u64,
    /// Silence after which an agent counts as offline.
    pub heartbeat_timeout_ms: u64,
    /// Longest call (from the answer) before the platform ends it with 30000.
    pub max_call_ms: u64,
}

/// Something that happens later; tokens make stale timers harmless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timer {
    /// The offer of `sid` with `token` rang out.
    RingOut {
        /// Session id.
        sid: String,
        /// Token of the offer.
        token: u64,
    },
    /// A transfer / third-party ask rang out.
    AskTimeout {
        /// Session id.
        sid: String,
        /// Token of the ask.
        token: u64,
    },
    /// A scripted customer ends its answered call with `code`.
    CustomerEnds {
        /// Session id.
        sid: String,
        /// Token of the answered phase.
        token: u64,
        /// 30017 or 30019.
        code: i64,
    },
    /// The answered call reached the longest call time.
    MaxCall {
        /// Session id.
        sid: String,
        /// Token of the answered phase.
        token: u64,
    },
    /// A caller nobody answered gives up.
    Abandon {
        /// Session id.
        sid: String,
    },
    /// The recording of a finished call is ready.
    Recording {
        /// Session id.
        sid: String,
        /// Who owned the call when it ended.
        owner: String,
    },
}

/// Pending timers, earliest first (ties in the order they were added).
#[derive(Debug, Default)]
pub struct Timers {
    table: BTreeMap<(Instant, u64), Timer>,
    seq: u64,
}

impl Timers {
    /// Fires `timer` at `at`.
    pub fn add(&mut self, at: Instant, timer: Timer) {
        self.seq += 1;
        self.table.insert((at, self.seq), timer);
    }

    /// The earliest deadline, if any.
    pub fn next(&self) -> Option<Instant> {
        self.table.keys().next().map(|(at, _)| *at)
    }

    /// Takes the earliest timer due at `now` (deadline `<= now`).
    pub fn pop_due(&mut self, now: Instant) -> Option<Timer> {
        let key = *self.table.keys().next().filter(|(at, _)| *at <= now)?;
        self.table.remove(&key)
    }

    /// Number of pending timers.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn pops_in_deadline_order_and_only_when_due() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        let late = Timer::Abandon { sid: "late".into() };
        let early = Timer::Abandon {
            sid: "early".into(),
        };
        t.add(t0 + Duration::from_millis(20), late.clone());
        t.add(t0 + Duration::from_millis(10), early.clone());
        assert_eq!(t.next(), Some(t0 + Duration::from_millis(10)));
        assert_eq!(t.pop_due(t0 + Duration::from_millis(9)), None);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(10)), Some(early));
        assert_eq!(t.pop_due(t0 + Duration::from_millis(10)), None);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(30)), Some(late));
        assert_eq!(t.len(), 0);
    }
}
