//! What the self-check (`RtVideo.preflight`, pkg-template/preflight.js)
//! reads of a running instance: the state of its links, so that a check made
//! while a tab of the agent leads asks that tab instead of opening a second
//! push stream or EXE socket.

use super::{Agent, LinkState};
use crate::value::{obj, Value};

impl<V: Value> Agent<V> {
    /// `{state, push, exe, localNetwork, exeVersion}`: `push` and `exe` are
    /// `up`, `connecting` (for the EXE also `handshake`: open, `hello` not
    /// answered) or `down`, the EXE also `blocked` (by the local network
    /// permission, D74); `exeVersion` of the last `hello` answered, or null.
    pub fn link_report(&self) -> V {
        let link = |l: LinkState| match l {
            LinkState::Up { .. } => "up",
            LinkState::Connecting => "connecting",
            LinkState::Handshake => "handshake",
            LinkState::Down { .. } => "down",
        };
        let exe = if self.exe_blocked {
            "blocked"
        } else {
            link(self.exe)
        };
        obj([
            ("state", V::string(self.state.as_str())),
            ("push", V::string(link(self.push))),
            ("exe", V::string(exe)),
            ("localNetwork", V::string(self.local_network.as_str())),
            (
                "exeVersion",
                self.exe_version.as_deref().map_or_else(V::null, V::string),
            ),
        ])
    }
}
