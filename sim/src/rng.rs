//! The scripted customers' randomness: one seeded generator (SplitMix64)
//! for names, phone numbers, call lengths and drops, so a seed replays the
//! same script.

use crate::codes::msg;
use serde_json::{json, Value};

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

impl Rng {
    /// A customer object: name, phone, policy and claim numbers.
    pub fn customer(&mut self) -> Value {
        let name = NAMES[(self.next_u64() % NAMES.len() as u64) as usize];
        json!({
            "name": name,
            "phone": format!("13{}", self.digits(9)),
            "policyNo": format!("P2026{}", self.digits(8)),
            "claimNo": format!("C2026{}", self.digits(8)),
        })
    }

    /// Fills the fields a test left out of a customer with random ones.
    pub fn complete_customer(&mut self, given: Option<Value>) -> Value {
        let mut out = self.customer();
        if let (Some(Value::Object(given)), Value::Object(out)) = (given, &mut out) {
            out.extend(given);
        }
        out
    }

    /// How long an answered scripted call lasts, and how it ends: a share
    /// `drop_rate` of them drops (30019), the rest hang up (30017).
    pub fn call_length(&mut self, drop_rate: f64) -> (u64, i64) {
        let after = self.range(TALK_MS.0, TALK_MS.1);
        let code = if self.unit() < drop_rate {
            msg::USER_OFF_LINE
        } else {
            msg::USER_INTERRUPT
        };
        (after, code)
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
