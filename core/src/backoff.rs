//! Retry policy: capped exponential backoff with full jitter, and the small
//! deterministic PRNG that draws the jitter (seeded by the caller, so tests
//! are reproducible and the core never touches a random source itself).

use crate::Millis;

/// xorshift64* — tiny, good enough for jitter, never zero-state.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from any seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Capped exponential backoff with full jitter:
/// attempt 0 retries at once, attempt n ≥ 1 waits `random(0, min(cap, base·2^n))`.
#[derive(Clone, Debug)]
pub struct Backoff {
    base: Millis,
    cap: Millis,
    attempt: u32,
}

impl Backoff {
    /// A policy with the given base and cap (milliseconds).
    pub const fn new(base: Millis, cap: Millis) -> Backoff {
        Backoff {
            base,
            cap,
            attempt: 0,
        }
    }

    /// The delay before the next attempt; advances the attempt counter.
    pub fn next_delay(&mut self, rng: &mut Rng) -> Millis {
        let n = self.attempt;
        self.attempt = self.attempt.saturating_add(1);
        if n == 0 {
            return 0.0;
        }
        rng.next_f64() * self.ceiling(n)
    }

    /// Upper bound of the delay for attempt `n`.
    pub fn ceiling(&self, n: u32) -> Millis {
        (self.base * 2f64.powi(n.min(30) as i32)).min(self.cap)
    }

    /// Start over (after the link stayed up long enough, or `reconnect()`).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Attempts made since the last reset.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_retry_is_immediate_then_jittered_and_capped() {
        let mut rng = Rng::new(1);
        let mut b = Backoff::new(1000.0, 30_000.0);
        assert_eq!(b.next_delay(&mut rng), 0.0);
        for n in 1..40 {
            let d = b.next_delay(&mut rng);
            assert!(
                d >= 0.0 && d <= b.ceiling(n) && d <= 30_000.0,
                "attempt {n}: {d}"
            );
        }
        assert_eq!(b.ceiling(10), 30_000.0);
        b.reset();
        assert_eq!(b.next_delay(&mut rng), 0.0);
    }

    #[test]
    fn rng_is_uniformish_and_deterministic() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let xs: Vec<f64> = (0..10_000).map(|_| a.next_f64()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
        assert_eq!(xs[0], b.next_f64());
        assert_eq!(Rng::new(0).next_f64(), Rng::new(0).next_f64());
    }
}
