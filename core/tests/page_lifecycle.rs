//! `pagehide` stops the sync where it is, and `Resume`/`reconnect()` report
//! presence only when `pagehide` had reported `offline` and the agent is
//! still connected. Written for the survivors of a mutation run
//! (docs/mutants.md).

mod common;

use common::{Json, Output, H};
use rtv_core::{HttpOutcome, Input, Method, State};

fn presence_bodies(h: &H) -> Vec<Json> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::Http(r) if r.url.ends_with("agent/state") => Some(r.body.clone()),
            _ => None,
        })
        .collect()
}

/// Links up, `session/current` in flight.
fn syncing() -> H {
    let mut h = H::new();
    h.input(Input::PushOpened);
    h.input(Input::ExeOpened);
    h.reply_exe("hello", true, r#"{"exeVersion":"t"}"#);
    assert!(h.http_req("session/current").is_some());
    h
}

#[test]
fn a_sync_answer_that_lands_after_pagehide_is_ignored() {
    let mut h = syncing();
    h.input(Input::PageHide);
    h.ok("session/current");
    let bodies = presence_bodies(&h);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["state"], "offline", "{bodies:?}");
    assert_eq!(h.state(), State::Disconnected);
    assert_eq!(h.agent.poll_timeout(), None);
}

#[test]
fn a_sync_retry_is_dropped_on_pagehide() {
    let mut h = syncing();
    h.http_outcome("session/current", HttpOutcome::Timeout);
    assert!(h.agent.poll_timeout().is_some(), "a retry is scheduled");
    h.input(Input::PageHide);
    assert_eq!(
        h.agent.poll_timeout(),
        None,
        "no timer while the page is hidden"
    );
}

#[test]
fn reconnect_while_connected_reports_no_presence() {
    let mut h = H::ready();
    let before = presence_bodies(&h).len();
    let c = h.call(Method::Reconnect, "null");
    assert!(matches!(h.settled(c), Some(Ok(_))));
    h.input(Input::Resume);
    assert_eq!(presence_bodies(&h).len(), before);
    assert_eq!(h.state(), State::Ready);
}

#[test]
fn a_second_resume_while_resyncing_reports_no_presence() {
    let mut h = H::ready();
    h.input(Input::PageHide);
    h.input(Input::Resume);
    // `pageshow` and `online` both fire.
    h.input(Input::Resume);
    assert_eq!(h.state(), State::Disconnected);
    let bodies = presence_bodies(&h);
    assert!(
        bodies.last().unwrap()["state"] == "offline",
        "nothing after the offline: {bodies:?}"
    );
}
