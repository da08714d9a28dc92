//! The simulator's shared state: one `World` behind one mutex. Every handler,
//! timer and background loop locks it briefly, never across an await, so the
//! model stays consistent without any finer locking.

use crate::agents::Agent;
use crate::calls::Session;
use crate::customers::Rng;
use crate::exe::ExeHub;
use crate::faults::Faults;
use crate::flags::{ms, Flags};
use crate::push::PushHub;
use crate::reqlog::RequestLog;
use crate::routing::Timer;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

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

/// Everything the simulator knows.
pub struct World {
    me: Weak<Sim>,
    /// Current timings.
    pub timings: Timings,
    /// Known agents by account.
    pub agents: BTreeMap<String, Agent>,
    /// Accounts in the order they became known: the round-robin ring.
    pub order: Vec<String>,
    /// Index into `order` where the next round-robin search starts.
    pub rr_next: usize,
    /// Sessions by sid, live and recently ended.
    pub sessions: HashMap<String, Session>,
    /// Ended sids, oldest first, so old sessions can be forgotten.
    pub ended: VecDeque<String>,
    /// Calls waiting for a ready agent, first come first served.
    pub queue: VecDeque<String>,
    /// Push channel: ids, replay buffers, open streams.
    pub push: PushHub,
    /// Fake EXE connections and faults.
    pub exe: ExeHub,
    /// Injected HTTP failures and rejected tokens.
    pub faults: Faults,
    /// Everything each agent's SDK sent.
    pub log: RequestLog,
    /// Source of the scripted customers' randomness.
    pub rng: Rng,
    /// Share of scripted calls that end with a drop (30019).
    pub drop_rate: f64,
    /// Number of the next generated sid (`S-<n>`).
    pub next_sid: u64,
    next_token: u64,
    /// `http://host:port` of this server, for media URLs.
    pub base_url: String,
    flag_reject_tokens: Vec<String>,
}

impl World {
    /// A new token; timers carry one so that a stale timer does nothing.
    pub fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    /// Fires `timer` after `delay_ms` (on the tokio runtime).
    pub fn schedule(&self, delay_ms: u64, timer: Timer) {
        let me = self.me.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            if let Some(sim) = me.upgrade() {
                sim.mutate(|w| w.fire(timer));
            }
        });
    }

    /// Forgets agents, sessions, buffers, faults and logs. Push ids keep
    /// increasing and open push streams stay open.
    pub fn reset(&mut self) {
        self.agents.clear();
        self.order.clear();
        self.rr_next = 0;
        self.sessions.clear();
        self.ended.clear();
        self.queue.clear();
        self.push.reset();
        self.exe.reset();
        self.faults = Faults::new(self.flag_reject_tokens.clone());
        self.log.clear(None);
    }
}

/// Shared handle: the world plus what never changes after start.
pub struct Sim {
    world: Mutex<World>,
    /// Directory served at `/`.
    pub www: PathBuf,
    /// Directory served at `/pkg/`.
    pub pkg: PathBuf,
}

impl Sim {
    /// Builds the simulator for `flags`; `base_url` is the bound HTTP address.
    pub fn new(flags: &Flags, base_url: String) -> Arc<Sim> {
        Arc::new_cyclic(|me| Sim {
            world: Mutex::new(World {
                me: me.clone(),
                timings: Timings {
                    ring_timeout_ms: ms(flags.ring_timeout),
                    recording_delay_ms: ms(flags.recording_delay),
                    ping_interval_ms: ms(flags.ping_interval),
                    heartbeat_timeout_ms: ms(flags.heartbeat_timeout),
                    max_call_ms: ms(flags.max_call),
                },
                agents: BTreeMap::new(),
                order: Vec::new(),
                rr_next: 0,
                sessions: HashMap::new(),
                ended: VecDeque::new(),
                queue: VecDeque::new(),
                push: PushHub::new(flags.replay_buffer),
                exe: ExeHub::new(&flags.exe_allow_origin),
                faults: Faults::new(flags.reject_token.clone()),
                log: RequestLog::default(),
                rng: Rng::new(flags.seed),
                drop_rate: flags.drop_rate,
                next_sid: 1,
                next_token: 0,
                base_url,
                flag_reject_tokens: flags.reject_token.clone(),
            }),
            www: flags.www.clone(),
            pkg: flags.pkg.clone(),
        })
    }

    /// Locks the world (a panic elsewhere must not wedge the simulator).
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the world, then offers waiting calls to agents that became ready.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut w = self.lock();
        let out = f(&mut w);
        w.route();
        out
    }
}
