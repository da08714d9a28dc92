//! Retry delays of the Agent in virtual time (SPEC §3: "retried at once and
//! then with capped exponential backoff and full jitter (push channel cap
//! 30 s, EXE cap 10 s)"). Each gap is measured exactly, by jumping from
//! deadline to deadline until the link is reopened, over many seeds.

mod common;
use common::{opts, Output, H};
use rtv_core::Input;

const SEEDS: u64 = 40;
const ATTEMPTS: u32 = 12;

fn is_open_push(o: &Output) -> bool {
    matches!(o, Output::OpenPush { .. })
}

fn is_open_exe(o: &Output) -> bool {
    matches!(o, Output::OpenExe { .. })
}

fn connected(seed: u64) -> H {
    // Seeds far apart (the generator ignores the lowest bit of its seed).
    let mut h = H::seeded(opts(""), 0x1234_5678 + seed * 1_000_003);
    h.connect();
    h.take();
    h
}

/// `(attempt, gap)` for attempts 1..=ATTEMPTS of one link's backoff; the
/// first failure (attempt 0) must reopen at once.
fn gaps(seed: u64, fail: &dyn Fn(&mut H), is_open: fn(&Output) -> bool) -> Vec<(u32, f64)> {
    let mut h = connected(seed);
    fail(&mut h);
    assert!(h.take().iter().any(is_open), "first retry at once");
    (1..=ATTEMPTS)
        .map(|n| {
            fail(&mut h);
            (n, h.until(is_open))
        })
        .collect()
}

/// Full jitter over all seeds: every gap within `[0, min(cap, base·2^n)]`,
/// and the gaps spread over the whole range (about a quarter below 25 % of
/// the bound, a quarter above 75 %, mean about half the bound).
fn assert_full_jitter(all: &[(u32, f64)], base: f64, cap: f64, link: &str) {
    let ratios: Vec<f64> = all
        .iter()
        .map(|&(n, gap)| {
            let bound = (base * 2f64.powi(n as i32)).min(cap);
            assert!(
                gap >= 0.0 && gap <= bound + 1e-6,
                "{link} attempt {n}: gap {gap} ms outside [0, {bound}]"
            );
            gap / bound
        })
        .collect();
    let share = |f: &dyn Fn(f64) -> bool| {
        ratios.iter().filter(|r| f(**r)).count() as f64 / ratios.len() as f64
    };
    let low = share(&|r| r < 0.25);
    let high = share(&|r| r > 0.75);
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    assert!(
        (0.15..0.35).contains(&low) && (0.15..0.35).contains(&high),
        "{link}: {low} of the gaps below 25 % of their bound, {high} above 75 % (want ≈ 0.25 each)"
    );
    assert!(
        (0.42..0.58).contains(&mean),
        "{link}: mean gap/bound {mean}"
    );
    let distinct = {
        let mut v: Vec<u64> = all.iter().map(|(_, g)| g.to_bits()).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    assert!(
        distinct > all.len() * 9 / 10,
        "{link}: gaps repeat: {all:?}"
    );
}

#[test]
fn push_channel_retry_gaps_have_full_jitter_under_the_30s_cap() {
    let down = |h: &mut H| {
        h.input(Input::PushDown {
            status: Some(503),
            wrong_type: false,
        })
    };
    let all: Vec<(u32, f64)> = (0..SEEDS)
        .flat_map(|s| gaps(s, &down, is_open_push))
        .collect();
    assert_full_jitter(&all, 1_000.0, 30_000.0, "push");
    // Capped attempts (n ≥ 5: 2^5 s > 30 s) draw uniformly from [0, 30 s]:
    // about one gap in ten is ≥ 27 s and half are below 15 s. "Wait about the
    // cap" policies (no jitter, equal jitter, ±10 % jitter) fail here.
    let capped: Vec<f64> = all
        .iter()
        .filter(|(n, _)| *n >= 5)
        .map(|(_, g)| *g)
        .collect();
    assert_eq!(capped.len(), (SEEDS * 8) as usize);
    let near_cap = capped.iter().filter(|g| **g >= 27_000.0).count() as f64 / capped.len() as f64;
    let below_half = capped.iter().filter(|g| **g < 15_000.0).count() as f64 / capped.len() as f64;
    assert!(
        near_cap < 0.16,
        "{near_cap} of the capped push gaps are ≥ 27 s (full jitter: ≈ 0.10)"
    );
    assert!(
        below_half > 0.4,
        "only {below_half} of the capped push gaps are < 15 s (full jitter: ≈ 0.5)"
    );
    assert!(capped.iter().any(|g| *g < 3_000.0), "{capped:?}");
}

#[test]
fn exe_retry_gaps_have_full_jitter_under_the_10s_cap() {
    let close = |h: &mut H| h.input(Input::ExeClosed { code: 1006 });
    let all: Vec<(u32, f64)> = (0..SEEDS)
        .flat_map(|s| gaps(s, &close, is_open_exe))
        .collect();
    assert_full_jitter(&all, 500.0, 10_000.0, "EXE");
    let capped: Vec<f64> = all
        .iter()
        .filter(|(n, _)| *n >= 5)
        .map(|(_, g)| *g)
        .collect();
    let near_cap = capped.iter().filter(|g| **g >= 9_000.0).count() as f64 / capped.len() as f64;
    assert!(
        near_cap < 0.16,
        "{near_cap} of the capped EXE gaps are ≥ 9 s (full jitter: ≈ 0.10)"
    );
    assert!(capped.iter().any(|g| *g < 1_000.0), "{capped:?}");
}

#[test]
fn jitter_differs_between_instances() {
    // Two agents (two tabs) that lose the push channel together must not
    // retry in lock step: the same attempt waits differently for another seed.
    let down = |h: &mut H| {
        h.input(Input::PushDown {
            status: None,
            wrong_type: false,
        })
    };
    let a = gaps(1, &down, is_open_push);
    let b = gaps(2, &down, is_open_push);
    let same = a.iter().zip(&b).filter(|(x, y)| x.1 == y.1).count();
    assert!(same <= 1, "{a:?}\n{b:?}");
}
