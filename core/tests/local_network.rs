//! The EXE link under the browser's local network permission (SPEC §4.4,
//! docs/DECISIONS.md D74): blocked once and not retried while `denied`,
//! opened at once when it becomes `granted`, never judged by a read made
//! before the attempt, and exactly as before where the browser has no such
//! permission.

mod common;
use common::{Output, H};
use rtv_core::{EventType, Input, LocalNetwork, Method, State, Value};

fn exe_opens(out: &[Output]) -> usize {
    out.iter()
        .filter(|o| matches!(o, Output::OpenExe { .. }))
        .count()
}

fn checks(out: &[Output]) -> usize {
    out.iter()
        .filter(|o| matches!(o, Output::CheckLocalNetwork))
        .count()
}

fn exe_codes(h: &H) -> Vec<String> {
    h.events()
        .into_iter()
        .filter(|(k, _)| *k == EventType::ExeEvent)
        .map(|(_, d)| d.str_of("code").unwrap())
        .collect()
}

fn count(v: &[String], code: &str) -> usize {
    v.iter().filter(|c| *c == code).count()
}

/// A page whose permission read says `state` before its first attempt fails.
fn failed_first_attempt(state: LocalNetwork) -> H {
    let mut h = H::new();
    h.input(Input::LocalNetwork(LocalNetwork::Asking));
    h.input(Input::LocalNetwork(state));
    h.input(Input::PushOpened);
    h.take();
    h.input(Input::ExeClosed { code: 1006 });
    h
}

#[test]
fn denied_reports_exe_blocked_once_and_does_not_retry() {
    let mut h = failed_first_attempt(LocalNetwork::Prompt);
    assert_eq!(
        checks(&h.take()),
        1,
        "the permission is read after the failure"
    );
    assert!(h.errors().is_empty(), "nothing is judged before the read");
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    assert_eq!(h.errors(), vec!["EXE_BLOCKED"]);
    assert_eq!(exe_codes(&h), vec!["EXE_BLOCKED"]);
    let msg = h
        .last_event(EventType::ExeEvent)
        .unwrap()
        .str_of("msg")
        .unwrap();
    assert!(
        msg.contains("本地网络访问") && msg.contains("Local network access"),
        "{msg}"
    );
    assert!(msg.contains("LocalNetworkAccessAllowedForUrls"), "{msg}");
    // A minute on: no attempt, no second report, and online / a tab shown
    // again do not retry either.
    h.advance(60_000.0);
    h.input(Input::Resume);
    h.advance(10_000.0);
    let later = h.take();
    assert_eq!(exe_opens(&later), 0, "{later:#?}");
    assert_eq!(h.errors().len(), 2, "{:?}", h.errors()); // + DISCONNECTED after the grace period
    assert_eq!(count(&h.errors(), "EXE_BLOCKED"), 1);
    assert_eq!(count(&h.errors(), "EXE_LINK_LOST"), 0);
    assert_eq!(h.state(), State::Disconnected);
}

#[test]
fn granted_after_denied_opens_at_once_then_restores() {
    let mut h = failed_first_attempt(LocalNetwork::Denied);
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    h.advance(3_000.0);
    h.take();
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    assert_eq!(
        exe_opens(&h.take()),
        1,
        "opens on the change, not after a backoff"
    );
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    h.ok("session/current");
    h.ok("agent/state");
    assert_eq!(h.state(), State::Ready);
    assert_eq!(exe_codes(&h), vec!["EXE_BLOCKED", "EXE_LINK_RESTORED"]);
}

#[test]
fn a_read_made_before_the_attempt_does_not_judge_it() {
    // The first read is answered `prompt` only after the attempt failed
    // (headless Chromium turns it into `denied` with the failure): its own
    // read after the failure decides.
    let mut h = H::new();
    h.input(Input::LocalNetwork(LocalNetwork::Asking));
    h.input(Input::PushOpened);
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::LocalNetwork(LocalNetwork::Prompt));
    assert!(h.errors().is_empty(), "{:?}", h.errors());
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    assert_eq!(h.errors(), vec!["EXE_BLOCKED"]);
}

#[test]
fn a_failure_where_the_page_does_not_need_the_permission_is_a_lost_link() {
    // An intranet page reads `prompt` and is never asked: an EXE that is not
    // running is EXE_LINK_LOST and retried, as before.
    for state in [LocalNetwork::Prompt, LocalNetwork::Granted] {
        let mut h = failed_first_attempt(state);
        h.input(Input::LocalNetwork(state));
        assert_eq!(h.errors(), vec!["EXE_LINK_LOST"], "{state:?}");
        assert_eq!(
            exe_opens(&h.take()),
            1,
            "attempt 0 retries at once ({state:?})"
        );
    }
}

#[test]
fn a_read_that_never_answers_is_judged_by_the_last_state_within_a_second() {
    let mut h = failed_first_attempt(LocalNetwork::Denied);
    h.take();
    let t = h.until(|o| matches!(o, Output::Error { .. }));
    assert!(t <= 1_000.0, "{t}");
    assert_eq!(h.errors(), vec!["EXE_BLOCKED"]);
}

#[test]
fn a_socket_that_opened_is_not_judged_by_the_permission() {
    let mut h = H::ready();
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    h.input(Input::ExeClosed { code: 1006 });
    let out = h.take();
    assert_eq!(checks(&out), 0);
    assert_eq!(exe_opens(&out), 1);
    assert_eq!(h.errors(), vec!["EXE_LINK_LOST"]);
}

#[test]
fn reconnect_checks_again_and_reports_again_if_still_denied() {
    let mut h = failed_first_attempt(LocalNetwork::Denied);
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    h.take();
    let c = h.call(Method::Reconnect, "null");
    assert!(matches!(h.settled(c), Some(Ok(_))));
    assert_eq!(exe_opens(&h.take()), 1, "one attempt");
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    assert_eq!(count(&h.errors(), "EXE_BLOCKED"), 2);
    h.advance(20_000.0);
    assert_eq!(exe_opens(&h.take()), 0);
}

#[test]
fn engines_without_the_permission_behave_as_before() {
    for first in [None, Some(LocalNetwork::Unsupported)] {
        let mut h = H::new();
        if let Some(s) = first {
            h.input(Input::LocalNetwork(LocalNetwork::Asking));
            h.input(Input::LocalNetwork(s));
        }
        h.take();
        h.input(Input::ExeClosed { code: 1006 });
        let out = h.take();
        assert_eq!(checks(&out), 0, "{first:?}");
        assert_eq!(exe_opens(&out), 1, "{first:?}");
        assert_eq!(h.errors(), vec!["EXE_LINK_LOST"]);
    }
}

#[test]
fn blocked_during_a_call_keeps_the_call_and_restarts_its_streams_when_allowed() {
    let mut h = H::busy("S-1");
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    h.input(Input::ExeClosed { code: 1006 });
    h.take();
    // Retry at once: refused before it opened, and the permission now says no.
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    assert_eq!(count(&h.errors(), "EXE_BLOCKED"), 1);
    h.advance(2_000.0);
    assert_eq!(h.state(), State::Busy, "within the grace period");
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    let start = h.exe_req("start").unwrap();
    assert_eq!(start.str_of("sid").as_deref(), Some("S-1"));
}

#[test]
fn a_second_refusal_in_the_same_outage_is_not_reported_again() {
    let mut h = failed_first_attempt(LocalNetwork::Denied);
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    // Someone reset the permission: one attempt, which the browser refuses again.
    h.input(Input::LocalNetwork(LocalNetwork::Prompt));
    assert_eq!(exe_opens(&h.take()), 1);
    h.input(Input::ExeClosed { code: 1006 });
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    assert_eq!(count(&h.errors(), "EXE_BLOCKED"), 1, "{:?}", h.errors());
    assert_eq!(count(&exe_codes(&h), "EXE_BLOCKED"), 1);
    h.advance(20_000.0);
    assert_eq!(exe_opens(&h.take()), 0);
}

#[test]
fn a_change_while_the_link_is_up_or_retrying_changes_nothing() {
    let mut h = H::ready();
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    h.input(Input::LocalNetwork(LocalNetwork::Prompt));
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    assert_eq!(exe_opens(&h.take()), 0, "the open link is kept");
    assert!(h.errors().is_empty());
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn the_link_report_names_each_link_the_permission_and_the_exe_version() {
    let mut h = H::ready();
    let r = h.agent.link_report();
    assert_eq!(r["state"], "ready");
    assert_eq!(r["push"], "up");
    assert_eq!(r["exe"], "up");
    assert_eq!(r["exeVersion"], "t");
    assert_eq!(r["localNetwork"], "unsupported");
    h.input(Input::LocalNetwork(LocalNetwork::Denied));
    h.input(Input::PushDown {
        status: None,
        wrong_type: false,
    });
    let r = h.agent.link_report();
    assert_eq!(
        (r["push"].as_str(), r["localNetwork"].as_str()),
        (Some("connecting"), Some("denied"))
    );
    let mut b = failed_first_attempt(LocalNetwork::Denied);
    b.input(Input::LocalNetwork(LocalNetwork::Denied));
    let r = b.agent.link_report();
    assert_eq!(
        (r["exe"].as_str(), r["exeVersion"].is_null()),
        (Some("blocked"), true)
    );
}

/// Log lines (`Output::Log`) containing `needle`.
fn lines(h: &H, needle: &str) -> usize {
    h.log
        .iter()
        .filter(|o| matches!(o, Output::Log { msg, .. } if msg.contains(needle)))
        .count()
}

/// The support log says when the permission changed (once per change, not
/// per read) and, while an attempt waits on it, that the browser may be
/// asking the agent (a survivor of the mutation run: only logs showed it).
#[test]
fn the_log_says_when_the_permission_changes_and_when_the_agent_may_be_asked() {
    const WAITING: &str = "waiting for the local network permission";
    let mut h = H::new(); // the first EXE attempt is under way
    h.input(Input::LocalNetwork(LocalNetwork::Asking));
    h.input(Input::LocalNetwork(LocalNetwork::Prompt));
    assert_eq!(lines(&h, "local network permission: prompt"), 1);
    assert_eq!(lines(&h, WAITING), 1, "{:#?}", h.log);
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    h.input(Input::LocalNetwork(LocalNetwork::Granted));
    assert_eq!(
        lines(&h, "local network permission: granted"),
        1,
        "a read that changed nothing is not logged"
    );
    assert_eq!(lines(&h, WAITING), 1, "granted: nobody is asked");
    // Reset to `prompt` once the link is up: no attempt waits on it.
    h.links_up();
    h.input(Input::LocalNetwork(LocalNetwork::Prompt));
    assert_eq!(lines(&h, "local network permission: prompt"), 2);
    assert_eq!(lines(&h, WAITING), 1, "no attempt under way");
}
