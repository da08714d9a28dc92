//! The IO side of the model: one `World` behind one mutex, and the task that
//! drives its timers. Every handler, timer and background loop locks the
//! world briefly, never across an await, so the model stays consistent
//! without any finer locking. This is where the real clock is read.

use crate::flags::Flags;
use crate::world::World;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::Notify;

/// Shared handle: the world plus what never changes after start.
pub struct Sim {
    world: Mutex<World>,
    /// Woken after every change, so the timer task re-reads the next deadline.
    wake: Notify,
    /// Directory served at `/`.
    pub www: PathBuf,
    /// Directory served at `/pkg/`.
    pub pkg: PathBuf,
}

impl Sim {
    /// Builds the simulator for `flags`; `base_url` is the bound HTTP address.
    pub fn new(flags: &Flags, base_url: String) -> Arc<Sim> {
        Arc::new(Sim {
            world: Mutex::new(World::new(flags, base_url)),
            wake: Notify::new(),
            www: flags.www.clone(),
            pkg: flags.pkg.clone(),
        })
    }

    /// Locks the world (a panic elsewhere must not wedge the simulator).
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the world at the current time, then offers waiting calls
    /// to agents that became ready, and wakes the timer task.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut World, Instant) -> R) -> R {
        let now = Instant::now();
        let out = {
            let mut w = self.lock();
            let out = f(&mut w, now);
            w.route(now);
            out
        };
        self.wake.notify_one();
        out
    }

    /// Tells the timer task that deadlines may have changed (e.g. new timings).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The timer task: hands the world the time whenever a deadline comes due
/// (`World::poll_timeout`), or after any change.
pub async fn drive(sim: Arc<Sim>) {
    loop {
        let next = {
            let mut w = sim.lock();
            w.handle_timeout(Instant::now());
            w.poll_timeout()
        };
        match next {
            Some(at) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(at.into()) => {}
                    _ = sim.wake.notified() => {}
                }
            }
            None => sim.wake.notified().await,
        }
    }
}
