//! The push channel's bookkeeping: per-account message ids, a bounded
//! replay buffer, the open streams, and the faults a test put on them.
//! Messages for an account without an open stream are buffered too, so a
//! later subscribe with a last id gets them.

use axum::body::Bytes;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, VecDeque};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// How subscribes and open streams of an account behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelMode {
    /// Normal service.
    Normal,
    /// Streams stay open but carry nothing (no pings, no messages).
    Stall,
    /// Subscribes are answered 401.
    Reject,
    /// Subscribes are answered 500.
    Error500,
    /// Subscribes are answered 200 text/plain.
    WrongType,
}

struct Buffered {
    /// The id as a number, when it is one (only those can be replayed).
    num: Option<u64>,
    frame: Bytes,
}

#[derive(Default)]
struct Channel {
    /// Last id given out; ids start at 1.
    last_id: u64,
    buffer: VecDeque<Buffered>,
    subs: Vec<UnboundedSender<Bytes>>,
}

/// All push channels.
pub struct PushHub {
    channels: HashMap<String, Channel>,
    /// Subscribe requests per account since start or the last reset.
    subscribes: HashMap<String, u64>,
    cap: usize,
    global: ChannelMode,
    per_account: HashMap<String, ChannelMode>,
}

/// One SSE frame: `id:` then one `data:` line per line of `data`.
pub fn frame(id: &str, data: &str) -> Bytes {
    let mut s = String::with_capacity(data.len() + 32);
    s.push_str("id: ");
    s.push_str(id);
    s.push('\n');
    for line in data.split('\n') {
        s.push_str("data: ");
        s.push_str(line);
        s.push('\n');
    }
    s.push('\n');
    Bytes::from(s)
}

impl PushHub {
    /// A hub that keeps `cap` messages per account for replay.
    pub fn new(cap: usize) -> PushHub {
        PushHub {
            channels: HashMap::new(),
            subscribes: HashMap::new(),
            cap,
            global: ChannelMode::Normal,
            per_account: HashMap::new(),
        }
    }

    /// Sends a well-formed message with the account's next id; returns the id.
    pub fn send_json(&mut self, account: &str, body: &Value) -> String {
        self.send_raw(account, &body.to_string(), None)
    }

    /// Sends `data` as is, with `id` or the account's next id; returns the id.
    /// An explicit numeric id moves the counter past it, so later ids stay increasing.
    pub fn send_raw(&mut self, account: &str, data: &str, id: Option<String>) -> String {
        let stalled = self.mode(account) == ChannelMode::Stall;
        let ch = self.channels.entry(account.to_string()).or_default();
        let id = match id {
            Some(id) => {
                if let Ok(n) = id.trim().parse::<u64>() {
                    ch.last_id = ch.last_id.max(n);
                }
                id
            }
            None => {
                ch.last_id += 1;
                ch.last_id.to_string()
            }
        };
        let frame = frame(&id, data);
        ch.buffer.push_back(Buffered {
            num: id.trim().parse().ok(),
            frame: frame.clone(),
        });
        while ch.buffer.len() > self.cap {
            ch.buffer.pop_front();
        }
        if !stalled {
            ch.subs.retain(|tx| tx.send(frame.clone()).is_ok());
        }
        id
    }

    /// Sends every message of `datas` with the account's next ids, as one
    /// write to each open stream (all frames concatenated), so a client
    /// receives the whole burst at once; each message is kept for replay like
    /// one from `send_raw`. Returns the first and last id (`None` when empty).
    pub fn send_burst<I>(&mut self, account: &str, datas: I) -> Option<(u64, u64)>
    where
        I: IntoIterator<Item = String>,
    {
        let stalled = self.mode(account) == ChannelMode::Stall;
        let ch = self.channels.entry(account.to_string()).or_default();
        let first = ch.last_id + 1;
        let mut all = Vec::new();
        for data in datas {
            ch.last_id += 1;
            let frame = frame(&ch.last_id.to_string(), &data);
            all.extend_from_slice(&frame);
            ch.buffer.push_back(Buffered {
                num: Some(ch.last_id),
                frame,
            });
        }
        if ch.last_id < first {
            return None;
        }
        while ch.buffer.len() > self.cap {
            ch.buffer.pop_front();
        }
        if !stalled {
            let all = Bytes::from(all);
            ch.subs.retain(|tx| tx.send(all.clone()).is_ok());
        }
        Some((first, ch.last_id))
    }

    /// Opens a stream: the buffered messages after `last` (none without it),
    /// and a receiver of the live ones. Both under one lock, so nothing falls between.
    pub fn subscribe(
        &mut self,
        account: &str,
        last: Option<u64>,
    ) -> (Vec<Bytes>, UnboundedReceiver<Bytes>) {
        let ch = self.channels.entry(account.to_string()).or_default();
        let replay = match last {
            Some(last) => ch
                .buffer
                .iter()
                .filter(|b| b.num.is_some_and(|n| n > last))
                .map(|b| b.frame.clone())
                .collect(),
            None => Vec::new(),
        };
        let (tx, rx) = unbounded_channel();
        ch.subs.push(tx);
        (replay, rx)
    }

    /// The mode in force for `account` (its own, else the global one).
    pub fn mode(&self, account: &str) -> ChannelMode {
        self.per_account
            .get(account)
            .copied()
            .unwrap_or(self.global)
    }

    /// Sets the mode of one account, or of all (which clears per-account modes).
    pub fn set_mode(&mut self, account: Option<&str>, mode: ChannelMode) {
        match account {
            Some(a) if mode == ChannelMode::Normal => {
                self.per_account.remove(a);
            }
            Some(a) => {
                self.per_account.insert(a.to_string(), mode);
            }
            None => {
                self.per_account.clear();
                self.global = mode;
            }
        }
    }

    /// Closes the open streams of one account, or of all; returns how many.
    pub fn drop_streams(&mut self, account: Option<&str>) -> usize {
        let mut n = 0;
        for (acc, ch) in self.channels.iter_mut() {
            if account.is_none_or(|a| a == acc) {
                ch.subs.retain(|tx| !tx.is_closed());
                n += ch.subs.len();
                ch.subs.clear();
            }
        }
        n
    }

    /// Counts a subscribe request of `account`, whatever its answer.
    pub fn count_subscribe(&mut self, account: &str) {
        *self.subscribes.entry(account.to_string()).or_default() += 1;
    }

    /// Subscribe requests of `account` since start or the last reset.
    pub fn subscribes_total(&self, account: &str) -> u64 {
        self.subscribes.get(account).copied().unwrap_or(0)
    }

    /// Accounts with an open stream or a counted subscribe.
    pub fn accounts(&self) -> BTreeSet<String> {
        let open = self
            .channels
            .iter()
            .filter(|(_, ch)| ch.subs.iter().any(|tx| !tx.is_closed()))
            .map(|(a, _)| a.clone());
        open.chain(self.subscribes.keys().cloned()).collect()
    }

    /// Open streams of `account`: a stream counts until its response body is
    /// dropped (the client went away, or the server closed it).
    pub fn open_streams(&self, account: &str) -> usize {
        self.channels
            .get(account)
            .map_or(0, |ch| ch.subs.iter().filter(|tx| !tx.is_closed()).count())
    }

    /// Forgets buffers, modes and subscribe totals; ids keep increasing and
    /// open streams stay.
    pub fn reset(&mut self) {
        self.subscribes.clear();
        for ch in self.channels.values_mut() {
            ch.buffer.clear();
        }
        self.global = ChannelMode::Normal;
        self.per_account.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(b: &Bytes) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn multi_line_data_becomes_several_data_lines() {
        assert_eq!(text(&frame("7", "a\nb")), "id: 7\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn replays_after_last_id_within_the_cap() {
        let mut hub = PushHub::new(2);
        for i in 0..3 {
            hub.send_json("a", &json!({ "n": i }));
        }
        let (replay, _rx) = hub.subscribe("a", Some(0));
        let got: Vec<String> = replay.iter().map(text).collect();
        assert_eq!(got.len(), 2, "only the last two are kept");
        assert!(got[0].starts_with("id: 2\n"));
        let (none, _rx) = hub.subscribe("a", None);
        assert!(none.is_empty());
    }

    #[test]
    fn a_burst_is_one_write_of_consecutive_ids_and_is_replayable() {
        let mut hub = PushHub::new(3);
        hub.send_raw("a", "x", None);
        let (_, mut rx) = hub.subscribe("a", None);
        let datas = (0..4).map(|i| format!("m{i}"));
        assert_eq!(hub.send_burst("a", datas), Some((2, 5)));
        let one = text(&rx.try_recv().expect("one write"));
        assert!(rx.try_recv().is_err(), "only one write");
        let want: String = (0..4)
            .map(|i| format!("id: {}\ndata: m{i}\n\n", i + 2))
            .collect();
        assert_eq!(one, want);
        let (replay, _rx) = hub.subscribe("a", Some(0));
        assert_eq!(replay.len(), 3, "the cap holds");
        assert!(text(&replay[0]).starts_with("id: 3\n"));
        assert_eq!(hub.send_burst("a", Vec::new()), None);
        assert_eq!(hub.send_raw("a", "x", None), "6");
    }

    #[test]
    fn explicit_ids_keep_the_counter_increasing() {
        let mut hub = PushHub::new(10);
        assert_eq!(hub.send_raw("a", "x", Some("5".into())), "5");
        assert_eq!(hub.send_raw("a", "x", Some("5".into())), "5");
        assert_eq!(hub.send_raw("a", "x", None), "6");
        assert_eq!(hub.send_raw("b", "x", None), "1");
    }
}
