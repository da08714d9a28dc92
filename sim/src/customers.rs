//! Scripted customers: with `--call-every`, a customer calls every so often
//! (at most `--customers` at once), talks for a random time and hangs up
//! (30017) or drops (30019). Everything random comes from one seeded
//! generator, so a seed replays the same script.

use crate::calls::Phase;
use crate::say;
use crate::state::{Sim, World};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// SplitMix64: tiny, seedable, good enough for a script.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator that always yields the same sequence for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// A number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` random decimal digits.
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }
}

/// The customers' names.
const NAMES: [&str; 20] = [
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞", "徐鹏", "孙丽",
    "马超", "朱琳", "胡军", "郭敏", "何勇", "林芳", "高峰", "罗丹",
];

/// Shortest and longest talk time of a scripted customer, in milliseconds.
const TALK_MS: (u64, u64) = (15_000, 120_000);

impl World {
    /// A customer object: name, phone, policy and claim numbers.
    pub fn random_customer(&mut self) -> Value {
        let name = NAMES[(self.rng.next_u64() % NAMES.len() as u64) as usize];
        json!({
            "name": name,
            "phone": format!("13{}", self.rng.digits(9)),
            "policyNo": format!("P2026{}", self.rng.digits(8)),
            "claimNo": format!("C2026{}", self.rng.digits(8)),
        })
    }

    /// Fills the fields a test left out of a customer with random ones.
    pub fn complete_customer(&mut self, given: Option<Value>) -> Value {
        let mut out = self.random_customer();
        if let (Some(Value::Object(given)), Value::Object(out)) = (given, &mut out) {
            out.extend(given);
        }
        out
    }

    /// How long an answered scripted call lasts, and how it ends.
    pub fn scripted_call_length(&mut self) -> (u64, i64) {
        let after = self.rng.range(TALK_MS.0, TALK_MS.1);
        let code = if self.rng.unit() < self.drop_rate {
            crate::codes::msg::USER_OFF_LINE
        } else {
            crate::codes::msg::USER_INTERRUPT
        };
        (after, code)
    }

    /// Scripted calls not yet over.
    fn scripted_live(&self) -> usize {
        self.sessions
            .values()
            .filter(|s| s.scripted && s.phase != Phase::Ended)
            .count()
    }
}

/// Places a scripted call every `every_ms` while fewer than `max` are live.
pub async fn run(sim: Arc<Sim>, every_ms: u64, max: usize) {
    if every_ms == 0 || max == 0 {
        return;
    }
    say!("scripted customers: one every {every_ms} ms, at most {max} at once");
    let mut tick = tokio::time::interval(Duration::from_millis(every_ms));
    tick.tick().await; // the first tick is immediate; the first call comes after one period
    loop {
        tick.tick().await;
        sim.mutate(|w| {
            if w.scripted_live() < max {
                let customer = w.random_customer();
                // Generated sids are never in use, so this cannot fail.
                let _ = w.new_call(None, customer, None, true);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], Rng::new(8).next_u64());
    }

    #[test]
    fn range_and_unit_stay_in_bounds() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
