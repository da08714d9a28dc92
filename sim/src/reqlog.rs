//! What each agent's SDK sent, in order: HTTP commands, subscribes and EXE
//! frames (`GET /sim/log`). Tests read it to check exactly what went out.

use crate::clock::epoch_ms;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// Entries kept per account.
const CAP: usize = 10_000;

/// What kind of traffic an entry records.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A POST to the video or dispatch service.
    Http,
    /// A push channel subscribe.
    Subscribe,
    /// A frame sent to the fake EXE.
    Exe,
}

/// One thing the SDK sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Epoch milliseconds.
    pub t: u64,
    /// Kind of traffic.
    pub kind: Kind,
    /// Path without leading slash (`rtv/call/answer`), or the EXE command.
    pub path: String,
    /// The JSON body (a string when it was not JSON; the query for subscribes).
    pub body: Value,
    /// The Authorization header, if any.
    pub authorization: Option<String>,
    /// The last event id of a subscribe (header, else query).
    pub last_event_id: Option<String>,
    /// The `Content-Type` request header of an HTTP command, if any.
    pub content_type: Option<String>,
    #[serde(skip)]
    seq: u64,
}

impl Entry {
    /// An entry stamped now.
    pub fn new(kind: Kind, path: impl Into<String>, body: Value) -> Entry {
        Entry {
            t: epoch_ms(),
            kind,
            path: path.into(),
            body,
            authorization: None,
            last_event_id: None,
            content_type: None,
            seq: 0,
        }
    }
}

/// The log, per account.
#[derive(Default)]
pub struct RequestLog {
    by_account: BTreeMap<String, VecDeque<Entry>>,
    seq: u64,
}

impl RequestLog {
    /// Appends an entry for `account` (the empty string when it is unknown).
    pub fn record(&mut self, account: &str, mut entry: Entry) {
        self.seq += 1;
        entry.seq = self.seq;
        let list = self.by_account.entry(account.to_string()).or_default();
        list.push_back(entry);
        if list.len() > CAP {
            list.pop_front();
        }
    }

    /// One account's entries, or everyone's in order with an `account` field added.
    pub fn list(&self, account: Option<&str>) -> Value {
        if let Some(a) = account {
            let entries = self.by_account.get(a).into_iter().flatten();
            return serde_json::to_value(entries.collect::<Vec<_>>()).unwrap_or_default();
        }
        let mut all: Vec<(&String, &Entry)> = self
            .by_account
            .iter()
            .flat_map(|(acc, list)| list.iter().map(move |e| (acc, e)))
            .collect();
        all.sort_by_key(|(_, e)| e.seq);
        let out = all.into_iter().map(|(acc, e)| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            v["account"] = Value::String(acc.clone());
            v
        });
        Value::Array(out.collect())
    }

    /// Clears one account's entries, or all.
    pub fn clear(&mut self, account: Option<&str>) {
        match account {
            Some(a) => {
                self.by_account.remove(a);
            }
            None => self.by_account.clear(),
        }
    }
}
