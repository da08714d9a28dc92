//! Tests of the model in virtual time: a [`Bench`] owns a `World`, hands it
//! explicit times, and reads each agent's push messages off the wire frames
//! the push hub would send. Nothing sleeps; timers fire when the bench moves
//! its clock past them.

mod asks;
mod calls;
mod presence;

use crate::agents::AgentState;
use crate::codes::Code;
use crate::flags::Flags;
use crate::world::World;
use axum::body::Bytes;
use clap::Parser;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// One push message as an agent received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub msg_type: i64,
    pub sid: String,
    pub data: Value,
}

/// A world, a virtual clock and one open push stream per agent.
pub struct Bench {
    pub w: World,
    t0: Instant,
    pub now: Instant,
    streams: HashMap<String, UnboundedReceiver<Bytes>>,
}

impl Bench {
    /// A world with the default flags (ring 20 s, heartbeat 60 s, ...).
    pub fn new() -> Bench {
        Bench::with_flags(&[])
    }

    /// A world with these extra command-line flags.
    pub fn with_flags(extra: &[&str]) -> Bench {
        let args = std::iter::once("rtv-sim").chain(extra.iter().copied());
        let flags = Flags::parse_from(args);
        let t0 = Instant::now();
        Bench {
            w: World::new(&flags, "http://sim.test".into()),
            t0,
            now: t0,
            streams: HashMap::new(),
        }
    }

    /// Milliseconds since the bench started.
    pub fn ms(&self) -> u64 {
        self.now.duration_since(self.t0).as_millis() as u64
    }

    /// Moves the clock to `ms` after the start and lets due timers fire.
    pub fn at(&mut self, ms: u64) {
        let t = self.t0 + Duration::from_millis(ms);
        assert!(t >= self.now, "the clock does not go back");
        self.now = t;
        self.w.handle_timeout(t);
    }

    /// Moves the clock on by `ms`.
    pub fn advance(&mut self, ms: u64) {
        let to = self.ms() + ms;
        self.at(to);
    }

    /// Opens `account`'s push stream (if not yet) and reports it ready.
    pub fn ready(&mut self, account: &str) {
        self.listen(account);
        self.cmd(account, "dispatch/agent/state", json!({"state": "ready"}))
            .expect("ready accepted");
    }

    /// Opens `account`'s push stream.
    pub fn listen(&mut self, account: &str) {
        if !self.streams.contains_key(account) {
            let (_, rx) = self.w.push.subscribe(account, None);
            self.streams.insert(account.to_string(), rx);
        }
    }

    /// Runs an SDK command now, as the HTTP handler does (then routes).
    pub fn cmd(&mut self, account: &str, path: &str, body: Value) -> Result<Value, Code> {
        let out = crate::sdk::run(&mut self.w, self.now, path, account, &body);
        self.w.route(self.now);
        out
    }

    /// A control-API call placed now for `target` (or anyone); returns its sid.
    pub fn call(&mut self, target: Option<&str>) -> String {
        let customer = json!({"name": "test"});
        let target = target.map(str::to_string);
        let sid = self.w.new_call(self.now, None, customer, target, false);
        self.w.route(self.now);
        sid.expect("call placed")
    }

    /// Messages `account` received since the last look, oldest first.
    pub fn take(&mut self, account: &str) -> Vec<Msg> {
        let rx = self.streams.get_mut(account).expect("stream open");
        let mut out = Vec::new();
        while let Ok(frame) = rx.try_recv() {
            let text = String::from_utf8(frame.to_vec()).expect("utf-8");
            let data: String = text
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect::<Vec<_>>()
                .join("\n");
            let v: Value = serde_json::from_str(&data).expect("json data");
            out.push(Msg {
                msg_type: v["msgType"].as_i64().expect("msgType"),
                sid: v["sid"].as_str().expect("sid").to_string(),
                data: v["data"].clone(),
            });
        }
        out
    }

    /// The msgTypes `account` received since the last look.
    pub fn codes(&mut self, account: &str) -> Vec<i64> {
        self.take(account).iter().map(|m| m.msg_type).collect()
    }

    /// The agent's derived state.
    pub fn state(&self, account: &str) -> AgentState {
        self.w.agent_state(account).0
    }

    /// Has `account` answer the call ringing at it; returns its sid.
    pub fn answer_ringing(&mut self, account: &str) -> String {
        let offer = self.take(account);
        let m = offer.last().expect("an offer");
        assert_eq!(m.msg_type, 50200, "{account} was offered a call");
        let sid = m.sid.clone();
        self.cmd(account, "rtv/call/answer", json!({ "sid": sid }))
            .expect("answer accepted");
        sid
    }
}
