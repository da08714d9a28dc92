//! Settings of the fake EXE that a test changes per account or globally
//! (`POST /sim/exe`): the snapshot format and failing `start`s, over the
//! generic per-account/global [`Scoped`] value.

use std::collections::HashMap;

/// Per-account settings over a global default (a global setting clears the
/// per-account ones, a per-account default value removes the account's own).
#[derive(Debug, Default)]
pub struct Scoped<T> {
    /// The value for accounts without their own.
    pub global: T,
    /// Accounts' own values.
    pub per_account: HashMap<String, T>,
}

impl<T: Clone + PartialEq + Default> Scoped<T> {
    /// The value in force for `account`.
    pub fn get(&self, account: Option<&str>) -> T {
        account
            .and_then(|a| self.per_account.get(a).cloned())
            .unwrap_or_else(|| self.global.clone())
    }

    /// Sets the value of one account, or of all (clearing the accounts' own).
    pub fn set(&mut self, account: Option<&str>, v: T) {
        match account {
            Some(a) if v == T::default() => {
                self.per_account.remove(a);
            }
            Some(a) => {
                self.per_account.insert(a.to_string(), v);
            }
            None => {
                self.per_account.clear();
                self.global = v;
            }
        }
    }
}

/// How the fake EXE answers `snapshot` (`POST /sim/exe` actions `snapshot*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapshotFormat {
    /// `data:image/png;base64,...` (the default).
    #[default]
    PngDataUrl,
    /// Raw base64 of a PNG, no `data:` prefix (`snapshotRaw`).
    PngRaw,
    /// `data:image/jpeg;base64,...` (`snapshotJpeg`).
    JpegDataUrl,
    /// Raw base64 of a JPEG, `/9j/...` (`snapshotRawJpeg`).
    JpegRaw,
}

/// The failure the next `start`s get (`POST /sim/exe` action `failStart`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartFault {
    /// `code` of the reply.
    pub code: i64,
    /// `msg` of the reply.
    pub msg: String,
    /// How many `start`s fail.
    pub times: u32,
}

/// Parameters of `failStart`, each optional.
#[derive(Debug, Clone, Default)]
pub struct StartFaultParams {
    /// Reply code (default 500).
    pub code: Option<i64>,
    /// Reply text (default "start failed (injected)").
    pub msg: Option<String>,
    /// How many `start`s fail (default 1).
    pub times: Option<u32>,
}
