//! Scripted customers: with `--call-every`, a customer calls every so often
//! (at most `--customers` at once), talks for a random time and hangs up
//! (30017) or drops (30019). The randomness is in `rng`; this is the loop
//! that places the calls (an IO edge: it runs on the tokio clock).

use crate::say;
use crate::state::Sim;
use std::sync::Arc;
use std::time::Duration;

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
        sim.mutate(|w, now| {
            if w.sessions.scripted_live() < max {
                let customer = w.rng.customer();
                // Generated sids are never in use, so this cannot fail.
                let _ = w.new_call(now, None, customer, None, true);
            }
        });
    }
}
