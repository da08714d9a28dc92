//! The fake EXE's bookkeeping: open sockets keyed by the `hello` account,
//! hello totals, the Origin allow-list, and the faults a test put on the EXE
//! (`POST /sim/exe`): modes, the snapshot format, failing `start`s.

use crate::exe_faults::Scoped;
pub use crate::exe_faults::{SnapshotFormat, StartFault, StartFaultParams};
use std::collections::{BTreeSet, HashMap};
use tokio::sync::mpsc::UnboundedSender;

/// How the fake EXE treats an account (or everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExeMode {
    /// Answers normally.
    #[default]
    Normal,
    /// Closes at once and refuses new connections.
    Refuse,
    /// Reads frames but never answers.
    Silence,
}

/// What the socket task is told to do.
#[derive(Debug, Clone)]
pub enum ExeOut {
    /// Send one text frame.
    Text(String),
    /// Drop the connection without a close handshake, like a crashed process.
    Crash,
    /// Close the connection with a close frame (1001, going away), like a
    /// process the user quits.
    Quit,
}

struct Conn {
    id: u64,
    account: Option<String>,
    tx: UnboundedSender<ExeOut>,
    playing: Option<String>,
}

/// All fake EXE connections.
pub struct ExeHub {
    conns: Vec<Conn>,
    next_id: u64,
    mode: Scoped<ExeMode>,
    snapshot: Scoped<SnapshotFormat>,
    fail_start: Scoped<Option<StartFault>>,
    /// `hello` frames per account since start or the last reset.
    hellos: HashMap<String, u64>,
    allow: Vec<String>,
}

/// A frame that answers no request the SDK made.
pub const UNKNOWN_ID_REPLY: &str = r#"{"id":987654321,"ok":true,"data":{}}"#;
/// A frame that is not JSON.
pub const GARBAGE: &str = "\u{1}garbage{not json";

impl ExeHub {
    /// A hub that accepts the origins `allow` (see `--exe-allow-origin`).
    pub fn new(allow: &[String]) -> ExeHub {
        let allow = if allow.is_empty() {
            vec!["http://127.0.0.1:*".into(), "http://localhost:*".into()]
        } else {
            allow.to_vec()
        };
        ExeHub {
            conns: Vec::new(),
            next_id: 0,
            mode: Scoped::default(),
            snapshot: Scoped::default(),
            fail_start: Scoped::default(),
            hellos: HashMap::new(),
            allow,
        }
    }

    /// Whether a page of `origin` may connect. No Origin: not a browser, allowed.
    pub fn origin_allowed(&self, origin: Option<&str>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        self.allow.iter().any(|rule| {
            if rule == "*" {
                return true;
            }
            match rule.strip_suffix('*') {
                Some(prefix) if prefix.ends_with(':') => {
                    origin.strip_prefix(prefix).is_some_and(|port| {
                        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                    })
                }
                _ => rule == origin,
            }
        })
    }

    /// Whether new connections are refused for everyone.
    pub fn refusing_all(&self) -> bool {
        self.mode.global == ExeMode::Refuse
    }

    /// The mode for a connection's account.
    pub fn mode_of(&self, account: Option<&str>) -> ExeMode {
        self.mode.get(account)
    }

    /// How `snapshot` is answered for a connection's account.
    pub fn snapshot_format(&self, account: Option<&str>) -> SnapshotFormat {
        self.snapshot.get(account)
    }

    /// Takes one use of the `start` failure for a connection's account (its
    /// own, else the global one): the reply's code and text.
    pub fn take_start_fault(&mut self, account: Option<&str>) -> Option<(i64, String)> {
        let own = account.filter(|a| self.fail_start.per_account.contains_key(*a));
        let slot = match own {
            Some(a) => self.fail_start.per_account.get_mut(a)?,
            None => &mut self.fail_start.global,
        };
        let f = slot.as_mut()?;
        f.times = f.times.saturating_sub(1);
        let out = (f.code, f.msg.clone());
        if f.times == 0 {
            *slot = None;
            if let Some(a) = own {
                self.fail_start.per_account.remove(a);
            }
        }
        Some(out)
    }

    /// Registers a new connection; returns its id.
    pub fn register(&mut self, tx: UnboundedSender<ExeOut>) -> u64 {
        self.next_id += 1;
        self.conns.push(Conn {
            id: self.next_id,
            account: None,
            tx,
            playing: None,
        });
        self.next_id
    }

    /// Forgets a closed connection.
    pub fn unregister(&mut self, id: u64) {
        self.conns.retain(|c| c.id != id);
    }

    fn conn(&mut self, id: u64) -> Option<&mut Conn> {
        self.conns.iter_mut().find(|c| c.id == id)
    }

    /// The account a connection said hello with.
    pub fn account(&self, id: u64) -> Option<String> {
        self.conns.iter().find(|c| c.id == id)?.account.clone()
    }

    /// A `hello` on a connection: records its account and counts the hello.
    pub fn hello(&mut self, id: u64, account: String) {
        *self.hellos.entry(account.clone()).or_default() += 1;
        if let Some(c) = self.conn(id) {
            c.account = Some(account);
        }
    }

    /// Open connections that said hello as `account`.
    pub fn links(&self, account: &str) -> usize {
        let mine = |c: &&Conn| c.account.as_deref() == Some(account);
        self.conns.iter().filter(mine).count()
    }

    /// `hello` frames of `account` since start or the last reset.
    pub fn hellos_total(&self, account: &str) -> u64 {
        self.hellos.get(account).copied().unwrap_or(0)
    }

    /// Accounts with an open connection or a counted hello.
    pub fn accounts(&self) -> BTreeSet<String> {
        let open = self.conns.iter().filter_map(|c| c.account.clone());
        open.chain(self.hellos.keys().cloned()).collect()
    }

    /// The sid a connection plays (after `start`, until `stop`).
    pub fn playing(&self, id: u64) -> Option<String> {
        self.conns.iter().find(|c| c.id == id)?.playing.clone()
    }

    /// Sets or clears the sid a connection plays.
    pub fn set_playing(&mut self, id: u64, sid: Option<String>) {
        if let Some(c) = self.conn(id) {
            c.playing = sid;
        }
    }

    /// Sends to every connection of `account` (or all); returns how many.
    fn each(&self, account: Option<&str>, out: &[ExeOut]) -> usize {
        let mut n = 0;
        for c in &self.conns {
            if account.is_none_or(|a| c.account.as_deref() == Some(a)) {
                for o in out {
                    let _ = c.tx.send(o.clone());
                }
                n += 1;
            }
        }
        n
    }

    fn set_mode(&mut self, account: Option<&str>, mode: ExeMode) {
        self.mode.set(account, mode);
    }

    /// A `POST /sim/exe` action; returns how many open sockets it touched.
    /// `params` matter only to `failStart`.
    pub fn action(
        &mut self,
        account: Option<&str>,
        action: &str,
        params: StartFaultParams,
    ) -> Result<usize, String> {
        let format = match action {
            "snapshotPng" => Some(SnapshotFormat::PngDataUrl),
            "snapshotRaw" => Some(SnapshotFormat::PngRaw),
            "snapshotJpeg" => Some(SnapshotFormat::JpegDataUrl),
            "snapshotRawJpeg" => Some(SnapshotFormat::JpegRaw),
            _ => None,
        };
        if let Some(f) = format {
            self.snapshot.set(account, f);
            return Ok(self.each(account, &[]));
        }
        Ok(match action {
            "crash" => self.each(account, &[ExeOut::Crash]),
            "refuse" => {
                self.set_mode(account, ExeMode::Refuse);
                self.each(account, &[ExeOut::Crash])
            }
            // The user quits the EXE: a clean close, and nothing listens until `restore`.
            "close" => {
                self.set_mode(account, ExeMode::Refuse);
                self.each(account, &[ExeOut::Quit])
            }
            "silence" => {
                self.set_mode(account, ExeMode::Silence);
                self.each(account, &[])
            }
            "garbage" => {
                let out = [
                    ExeOut::Text(GARBAGE.into()),
                    ExeOut::Text(UNKNOWN_ID_REPLY.into()),
                ];
                self.each(account, &out)
            }
            "failStart" => {
                let fault = StartFault {
                    code: params.code.unwrap_or(500),
                    msg: params
                        .msg
                        .unwrap_or_else(|| "start failed (injected)".into()),
                    times: params.times.unwrap_or(1),
                };
                self.fail_start
                    .set(account, Some(fault).filter(|f| f.times > 0));
                self.each(account, &[])
            }
            "restore" => {
                self.set_mode(account, ExeMode::Normal);
                self.snapshot.set(account, SnapshotFormat::default());
                self.fail_start.set(account, None);
                self.each(account, &[])
            }
            other => return Err(format!("unknown action {other:?}")),
        })
    }

    /// Sends `text` verbatim to the sockets of `account` (or all); returns how many.
    pub fn send_raw(&mut self, account: Option<&str>, text: &str) -> usize {
        self.each(account, &[ExeOut::Text(text.to_string())])
    }

    /// Closes every socket (shutdown).
    pub fn close_all(&mut self) {
        self.each(None, &[ExeOut::Crash]);
    }

    /// Forgets faults and hello totals; open sockets stay.
    pub fn reset(&mut self) {
        self.mode = Scoped::default();
        self.snapshot = Scoped::default();
        self.fail_start = Scoped::default();
        self.hellos.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_origins_are_loopback_pages_on_any_port() {
        let hub = ExeHub::new(&[]);
        assert!(hub.origin_allowed(Some("http://127.0.0.1:8686")));
        assert!(hub.origin_allowed(Some("http://localhost:3000")));
        assert!(hub.origin_allowed(None));
        assert!(!hub.origin_allowed(Some("http://evil.example:8686")));
        assert!(!hub.origin_allowed(Some("http://127.0.0.1:80x")));
        assert!(!hub.origin_allowed(Some("http://127.0.0.1.evil:1")));
    }

    #[test]
    fn explicit_origins_replace_the_default() {
        let hub = ExeHub::new(&["https://app.example".into()]);
        assert!(hub.origin_allowed(Some("https://app.example")));
        assert!(!hub.origin_allowed(Some("http://127.0.0.1:8686")));
        assert!(ExeHub::new(&["*".into()]).origin_allowed(Some("http://x")));
    }
}
