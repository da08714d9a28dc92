//! The EXE link under the browser's local network permission (SPEC §4.4,
//! Chromium's Local Network Access): a page served from a public address
//! needs it before a WebSocket may reach 127.0.0.1.
//!
//! The web layer reads the permission and follows its `change`; what to make
//! of it is decided here. Measured in Chromium 156 (docs/DECISIONS.md D74):
//! the state alone cannot tell whether the page needs the permission (an
//! intranet page reads `prompt`, and `denied` does not stop it), so every
//! attempt is made, and only an attempt that fails *before its socket opened*
//! is judged by the permission read again after it: `denied` → the link is
//! blocked (EXE_BLOCKED once, no retry until the permission changes or
//! `reconnect()`); anything else → lost as before (EXE_LINK_LOST, backoff).
//! A browser that could not ask (headless, kiosk) reads `denied` after the
//! attempt. No attempt is timed out, so a question shown to the agent is
//! never followed by a second one.

use super::{Agent, LinkState};
use crate::config::LogLevel;
use crate::consts::EventType;
use crate::error::{ErrorCode, SdkError};
use crate::value::{obj, Value};
use crate::{LocalNetwork, Millis, Output};

/// How long a failed attempt waits for the permission read after it; then it
/// is judged by the state last known.
pub(crate) const CHECK_MS: Millis = 1_000.0;

/// What the agent and support read (SPEC §4.4: names the permission as the
/// agent sees it, and the policy for administrators).
pub(crate) const BLOCKED_MSG: &str = "浏览器阻止了本页连接本机视频客户端: 请点击地址栏左侧的图标, \
在网站设置中把“本地网络访问”设为“允许”(管理员可用企业策略 LocalNetworkAccessAllowedForUrls 放行本站). \
The browser blocks this page from the local video client: allow \"Local network access\" in the \
site settings (the icon left of the address); administrators can allow the site with the policy \
LocalNetworkAccessAllowedForUrls.";

impl<V: Value> Agent<V> {
    /// The permission as read, or as it changed.
    pub(crate) fn on_local_network(&mut self, state: LocalNetwork) {
        let was = std::mem::replace(&mut self.local_network, state);
        if was != state {
            self.log(
                LogLevel::Info,
                format!("local network permission: {}", state.as_str()),
            );
        }
        // The answer that ends `Asking` is the first read, made before the
        // attempt: it may predate the failure, whose own read follows.
        if was != LocalNetwork::Asking {
            if let Some((why, _)) = self.exe_check.take() {
                return self.judge_exe_failure(why);
            }
        }
        if state == LocalNetwork::Prompt && self.exe == LinkState::Connecting {
            self.log(
                LogLevel::Info,
                "waiting for the local network permission (the browser may ask the agent)".into(),
            );
        }
        // Allowed again (or reset, so that the next attempt asks): one attempt now.
        if self.exe_blocked && matches!(state, LocalNetwork::Granted | LocalNetwork::Prompt) {
            self.exe_blocked = false;
            self.exe_backoff.reset();
            self.exe = LinkState::Down {
                retry_at: Some(self.now),
            };
        }
    }

    /// An EXE socket closed. One that never opened may have been refused by
    /// the permission: read it again before judging (see the module doc).
    pub(crate) fn on_exe_failed(&mut self, why: String) {
        let before_open = self.exe == LinkState::Connecting;
        if !before_open || self.local_network == LocalNetwork::Unsupported {
            return self.exe_down(why);
        }
        self.exe_down_quietly();
        self.exe_check = Some((why, self.now + CHECK_MS));
        self.out.push_back(Output::CheckLocalNetwork);
    }

    /// The read after a failed attempt answered (or did not in time).
    fn judge_exe_failure(&mut self, why: String) {
        if self.local_network != LocalNetwork::Denied {
            return self.exe_down(why);
        }
        self.exe_down_quietly();
        self.exe_blocked = true;
        self.log(
            LogLevel::Info,
            "EXE link blocked by the local network permission: no retry until it changes".into(),
        );
        if !self.exe_blocked_reported {
            self.exe_blocked_reported = true;
            self.emit(
                EventType::ExeEvent,
                obj([
                    ("code", V::string(ErrorCode::ExeBlocked.as_str())),
                    ("msg", V::string(BLOCKED_MSG)),
                ]),
            );
            self.report(SdkError::new(ErrorCode::ExeBlocked, BLOCKED_MSG));
        }
    }

    /// No answer to the read in time: judge by what is known.
    pub(crate) fn exe_check_due(&mut self) {
        if let Some((why, _)) = self.exe_check.take_if(|c| c.1 <= self.now) {
            self.judge_exe_failure(why);
        }
    }

    /// `reconnect()`: a blocked link gets one attempt (which reads the
    /// permission again when it fails), and a new EXE_BLOCKED if still denied.
    pub(crate) fn unblock_exe(&mut self) {
        self.exe_blocked = false;
        self.exe_blocked_reported = false;
    }
}
