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

    /// The generator is part of the trace format: a trace records the seed,
    /// and its replay (examples/replay.rs) must draw the same jitter.
    #[test]
    fn the_jitter_generator_is_pinned() {
        let mut r = Rng::new(42);
        let got: Vec<f64> = (0..3).map(|_| r.next_f64()).collect();
        assert_eq!(
            got,
            [
                0.03202137328092969,
                0.029273180728959458,
                0.04806575535995594
            ]
        );
        // And it does not settle: 10,000 draws, nearly all distinct, spread out.
        let mut v: Vec<f64> = (0..10_000).map(|_| r.next_f64()).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.sort_by(f64::total_cmp);
        v.dedup();
        assert!(
            v.len() > 9_990 && (0.45..0.55).contains(&mean),
            "{} {mean}",
            v.len()
        );
    }

    #[test]
    fn attempts_count_up_and_reset() {
        let mut rng = Rng::new(3);
        let mut b = Backoff::new(500.0, 10_000.0);
        assert_eq!(b.attempt(), 0);
        b.next_delay(&mut rng);
        b.next_delay(&mut rng);
        assert_eq!(b.attempt(), 2);
        b.reset();
        assert_eq!(b.attempt(), 0);
    }

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

    /// Delays of attempts `1..=attempts` of `trials` independent backoffs
    /// (one shared generator), grouped by attempt: `out[n - 1]`.
    fn draws(base: Millis, cap: Millis, attempts: u32, trials: usize) -> Vec<Vec<Millis>> {
        let mut rng = Rng::new(2024);
        let mut out = vec![Vec::new(); attempts as usize];
        for _ in 0..trials {
            let mut b = Backoff::new(base, cap);
            assert_eq!(b.next_delay(&mut rng), 0.0, "attempt 0 is immediate");
            for n in 1..=attempts {
                out[n as usize - 1].push(b.next_delay(&mut rng));
            }
        }
        out
    }

    /// Full jitter: for every attempt n ≥ 1 the delays lie in
    /// `[0, min(cap, base·2^n)]` and cover that whole range (a quarter of
    /// them in each quarter, give or take). Fails for "no jitter" (always
    /// the bound, or always base·2^n), "equal jitter" (bound/2 + random·bound/2)
    /// and a jitter that ignores the bound.
    fn assert_full_jitter(base: Millis, cap: Millis, attempts: u32) {
        let trials = 2_000;
        for (i, ds) in draws(base, cap, attempts, trials).iter().enumerate() {
            let n = i as u32 + 1;
            let bound = (base * 2f64.powi(n as i32)).min(cap);
            for d in ds {
                assert!(
                    (0.0..=bound).contains(d),
                    "attempt {n}: {d} outside [0, {bound}]"
                );
            }
            let frac = |f: &dyn Fn(f64) -> bool| {
                ds.iter().filter(|d| f(**d / bound)).count() as f64 / trials as f64
            };
            let low = frac(&|r| r < 0.25);
            let high = frac(&|r| r > 0.75);
            let mid = frac(&|r| (0.25..=0.75).contains(&r));
            for (what, got, want) in [
                ("< 25%", low, 0.25),
                ("> 75%", high, 0.25),
                ("middle", mid, 0.5),
            ] {
                assert!(
                    (got - want).abs() < 0.05,
                    "attempt {n} (bound {bound}): {got} of the delays {what} of the bound, want ≈ {want}"
                );
            }
            let min = ds.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = ds.iter().cloned().fold(0.0, f64::max);
            assert!(
                min < 0.01 * bound && max > 0.99 * bound,
                "attempt {n}: {min}..{max}"
            );
            let mean = ds.iter().sum::<f64>() / trials as f64;
            assert!(
                (mean / bound - 0.5).abs() < 0.03,
                "attempt {n}: mean {mean}, bound {bound}"
            );
        }
    }

    #[test]
    fn push_backoff_has_full_jitter_below_its_bound() {
        // SPEC §3: push channel base 1 s, cap 30 s (attempt 5 on is capped).
        assert_full_jitter(1_000.0, 30_000.0, 12);
    }

    #[test]
    fn exe_backoff_has_full_jitter_below_its_bound() {
        // SPEC §3: EXE base 0.5 s, cap 10 s (attempt 5 on is capped).
        assert_full_jitter(500.0, 10_000.0, 12);
    }

    #[test]
    fn capped_push_delays_are_mostly_well_below_the_cap() {
        // Past the cap, full jitter draws uniformly from [0, 30 s]: about one
        // in ten delays is ≥ 27 s and half are below 15 s. A policy that waits
        // the cap (or nearly) every time fails here.
        let ds: Vec<Millis> = draws(1_000.0, 30_000.0, 12, 500)[5..].concat();
        let at_cap = ds.iter().filter(|d| **d >= 27_000.0).count() as f64 / ds.len() as f64;
        let below_half = ds.iter().filter(|d| **d < 15_000.0).count() as f64 / ds.len() as f64;
        assert!(at_cap < 0.13, "{at_cap} of the capped delays ≥ 27 s");
        assert!(
            below_half > 0.45,
            "only {below_half} of the capped delays < 15 s"
        );
        assert!(ds.iter().all(|d| *d <= 30_000.0));
    }

    #[test]
    fn ceilings_double_from_the_base_up_to_the_cap() {
        let push = Backoff::new(1_000.0, 30_000.0);
        let want = [2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0];
        for (n, w) in (1..).zip(want) {
            assert_eq!(push.ceiling(n), w, "push attempt {n}");
        }
        let exe = Backoff::new(500.0, 10_000.0);
        let want = [1_000.0, 2_000.0, 4_000.0, 8_000.0, 10_000.0, 10_000.0];
        for (n, w) in (1..).zip(want) {
            assert_eq!(exe.ceiling(n), w, "EXE attempt {n}");
        }
        assert_eq!(exe.ceiling(u32::MAX), 10_000.0);
    }
}
